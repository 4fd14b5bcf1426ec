"""The rules the plans app computes itself, from the tree and the plan (plans.commitments):
registered at start-up; registry apps register theirs the same way."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from territory.choices import UnitKind

from .commitments import Finding, Rule, ratio_basis, register


def zones_in_force(engine, unit_id: int, day) -> list[int]:
    """The zones in force on `day` under the unit, over the tree as it then stood."""
    tree = engine.tree(day)
    return engine.memo(  # several rules ask
        ("zones_in_force", unit_id, day),
        lambda: [
            pk for pk in tree.members(unit_id) if tree.kind(pk) == UnitKind.ZONE and tree.exists(pk)
        ],
    )


def _parts_not_below(engine, unit_id, day, *, whole: str) -> Finding | None:
    """The parts of a shared-out target that are not below what they were given."""
    from .models import Target

    parent = Target.objects.filter(plan=engine.plan, code=whole).first()
    if parent is None:
        return None
    parts = list(parent.parts.select_related("indicator", "unit", "plan"))
    behind = []
    for part in parts:
        value = engine.value(part, day)
        if value is None or value < part.value:
            behind.append((part.unit.name, part.title))
    done = len(parts) - len(behind)
    return Finding(
        done=Decimal(done),
        of=Decimal(len(parts)),
        basis=ratio_basis(done, len(parts), _("units not below the targets shared out to them")),
        items=behind,
    )


def _scenes_complete(units, day) -> dict[int, Decimal]:
    """Per zone with a core area delineated by the day: 1 when it shows production, living
    and ecology scenes together, else 0."""
    from territory.models import Scene, ZoneShape
    from territory.services import scene_counts

    delineated = list(
        ZoneShape.objects.filter(
            zone__in=units, kind=ZoneShape.Kind.CORE_AREA, delineated_on__lte=day
        ).values_list("zone_id", flat=True)
    )
    counts = scene_counts(delineated, day=day)
    return {
        z: Decimal(1 if all(counts[z][k] for k in Scene.Kind.values) else 0) for z in delineated
    }


def _core_area_scenes(engine, unit_id, day) -> Finding | None:
    """Zones whose core area, delineated by the day, shows production, living and ecology
    scenes together, each shown by the day (a scene without a date counts all along)."""
    zones = zones_in_force(engine, unit_id, day)
    if not zones:
        return None
    per_zone = engine.per_zone(
        "rule:core_area_scenes",
        lambda units: _scenes_complete(units, day),
        day,
        reads=("territory.ZoneShape", "territory.Scene"),
    )
    complete = sum(1 for z in zones if per_zone.get(z))
    return Finding(
        done=Decimal(complete),
        of=Decimal(len(zones)),
        basis=ratio_basis(complete, len(zones), _("core areas show all three kinds of scene")),
    )


def _ecosystems_configured(engine, unit_id, day, *, count: int) -> Finding:
    """Ecosystems in force on the day that have zones, against the number the plan names."""
    from territory.models import Ecosystem

    in_force = Ecosystem.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
    with_zones = in_force.filter(zones__isnull=False).distinct().count()
    return Finding(
        done=Decimal(with_zones),
        of=Decimal(count),
        basis=ratio_basis(with_zones, count, _("ecosystems configured, each with its zones")),
    )


def register_all() -> None:
    register(
        "parts_not_below",
        Rule(_parts_not_below, {"whole": str}),
    )
    register(
        "core_area_scenes",
        Rule(_core_area_scenes, {}),
    )
    register(
        "ecosystems_configured",
        Rule(_ecosystems_configured, {"count": int}),
    )
