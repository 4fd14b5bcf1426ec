"""Writes to the unit tree. The path and depth of a unit are kept here and nowhere else."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import ALLOWED_PARENT_KINDS, UnitKind
from .models import Unit


def check_parent(*, kind: str, parent: Unit | None) -> None:
    """Refuse a parent whose kind may not hold a unit of `kind` (a zone under a zone...)."""
    allowed = ALLOWED_PARENT_KINDS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        if parent is None:
            raise ValidationError(_("A unit of this kind needs a parent unit."), code="parent")
        raise ValidationError(
            _("A %(kind)s cannot be placed under %(parent)s.")
            % {"kind": Unit(kind=kind).get_kind_display(), "parent": parent.name},
            code="parent",
        )


@transaction.atomic
def save_unit(unit: Unit) -> Unit:
    """Save `unit` and keep the materialised paths of it and its subtree right.

    Moving a unit rewrites the paths of its descendants (one UPDATE per descendant; a move
    is rare and subtrees are small). Placing a unit under itself or its own descendant is a
    cycle and is refused.
    """
    parent = Unit.objects.get(pk=unit.parent_id) if unit.parent_id else None
    check_parent(kind=unit.kind, parent=parent)
    old_path = ""
    if unit.pk:
        old_path = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).first() or ""
        if parent and old_path and parent.path.startswith(old_path):
            raise ValidationError(
                _("%(unit)s cannot be placed under %(parent)s: the unit tree would have a cycle.")
                % {"unit": unit.name, "parent": parent.name},
                code="cycle",
            )
    unit.save()
    new_path = f"{parent.path if parent else '/'}{unit.pk}/"
    depth = new_path.count("/") - 2
    if (unit.path, unit.depth) != (new_path, depth):
        unit.path, unit.depth = new_path, depth
        Unit.objects.filter(pk=unit.pk).update(path=new_path, depth=depth)
    if old_path and old_path != new_path:
        descendants = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
        for item in descendants:
            item.path = new_path + item.path[len(old_path) :]
            item.depth = item.path.count("/") - 2
        Unit.objects.bulk_update(descendants, ["path", "depth"], batch_size=500)
    return unit


def shape_problems(*, zone: Unit, kind: str, geometry, exclude_pk: int | None = None) -> list:
    """Every check of a converted (WGS84) shape for `zone` (territory.geometry.check_shape)."""
    import shapely
    from django.conf import settings

    from .geometry import check_shape
    from .models import ZoneShape

    others = []
    boundary = None
    if kind == ZoneShape.Kind.CORE_AREA:
        west, south, east, north = geometry.bounds
        candidates = (
            ZoneShape.objects.filter(
                kind=kind,
                min_lon__lte=east,
                max_lon__gte=west,
                min_lat__lte=north,
                max_lat__gte=south,
            )
            .exclude(zone=zone)
            .select_related("zone")
        )
        others = [(c.zone.name, shapely.from_geojson(c.geojson)) for c in candidates]
        stored = ZoneShape.objects.filter(zone=zone, kind=ZoneShape.Kind.BOUNDARY).first()
        boundary = shapely.from_geojson(stored.geojson) if stored else None
    label = "核心起步区" if kind == ZoneShape.Kind.CORE_AREA else "功能区范围"
    band = settings.ZONEPLAN_CORE_AREA_BAND_KM2 if kind == ZoneShape.Kind.CORE_AREA else None
    return check_shape(geometry, kind_label=label, others=others, boundary=boundary, band_km2=band)


@transaction.atomic
def save_shape(
    *, zone: Unit, kind: str, geometry, crs: str, delineated_on, note: str = "", user=None
):
    """Store a checked shape (the caller has checked rights and shown the problems)."""
    import shapely

    from core.geo import geodesic_area_m2

    from .models import ZoneShape

    west, south, east, north = geometry.bounds
    shape = ZoneShape.objects.filter(zone=zone, kind=kind).first() or ZoneShape(
        zone=zone, kind=kind
    )
    shape.geojson = shapely.to_geojson(geometry)
    shape.area_m2 = round(geodesic_area_m2(geometry), 2)
    shape.min_lon, shape.min_lat, shape.max_lon, shape.max_lat = west, south, east, north
    shape.source_crs, shape.delineated_on, shape.note = crs, delineated_on, note
    shape._history_user = user
    shape.save()
    return shape


def scene_problems(*, zone: Unit, longitude, latitude) -> list[str]:
    """A scene must lie inside its zone's core area, which must be delineated first."""
    import shapely

    from core.geo import location_problems

    from .models import ZoneShape

    problems = [message for _field, message in location_problems(longitude, latitude)]
    if problems:
        return problems
    core = ZoneShape.objects.filter(zone=zone, kind=ZoneShape.Kind.CORE_AREA).first()
    if core is None:
        return ["请先划定本功能区的核心起步区，场景须位于核心起步区内"]
    if not shapely.contains_xy(
        shapely.from_geojson(core.geojson), float(longitude), float(latitude)
    ):
        return [f"位置（{longitude}, {latitude}）不在本功能区的核心起步区内"]
    return []


def scene_area_problems(*, zone: Unit, geometry) -> list[str]:
    """A scene drawn as an area must be a valid polygon inside its zone's core area."""
    import shapely
    from shapely.validation import explain_validity

    from .models import ZoneShape

    if not geometry.is_valid:
        reason = explain_validity(geometry)
        return ["场景范围图形无效：" + ("边界自相交" if "Self-intersection" in reason else reason)]
    core = ZoneShape.objects.filter(zone=zone, kind=ZoneShape.Kind.CORE_AREA).first()
    if core is None:
        return ["请先划定本功能区的核心起步区，场景须位于核心起步区内"]
    if not shapely.from_geojson(core.geojson).buffer(1e-6).contains(geometry):
        return ["场景范围超出了本功能区的核心起步区"]
    return []


def scene_gaps(zone_ids) -> list[tuple[int, list[str]]]:
    """Zones (among `zone_ids`) whose delineated core area lacks a kind of scene, with the
    kinds missing: what the plan's 生产、生活、生态场景…集中融合呈现 asks to follow."""
    from .models import Scene, ZoneShape

    delineated = list(
        ZoneShape.objects.filter(zone_id__in=zone_ids, kind=ZoneShape.Kind.CORE_AREA)
        .order_by("zone__order", "zone__code")
        .values_list("zone_id", flat=True)
    )
    counts = scene_counts(delineated)
    return [
        (z, [k for k in Scene.Kind.values if counts[z][k] == 0])
        for z in delineated
        if 0 in counts[z].values()
    ]


def scene_counts(zone_ids) -> dict[int, dict[str, int]]:
    """How many scenes of each kind each zone's core area shows (one query)."""
    from django.db.models import Count

    from .models import Scene

    counts: dict[int, dict[str, int]] = {z: {k: 0 for k in Scene.Kind.values} for z in zone_ids}
    for zone_id, kind, n in (
        Scene.objects.filter(zone_id__in=zone_ids)
        .values_list("zone_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("zone_id", "kind", "n")
    ):
        counts[zone_id][kind] = n
    return counts


OUTLINE_KINDS = (UnitKind.DISTRICT, UnitKind.DEVELOPMENT_UNIT)


def outline_problems(*, unit: Unit, geometry) -> list:
    """The checks of a converted (WGS84) outline: a district or development unit, a valid
    polygon inside the city's extent."""
    from .geometry import Problem, check_shape

    if unit.kind not in OUTLINE_KINDS:
        return [Problem("error", f"“{unit.name}”不是区（市）县或开发单元，不能导入区界")]
    return check_shape(geometry, kind_label="区界", others=[], boundary=None, band_km2=None)


def save_outline(*, unit: Unit, geometry, crs: str, source: str = "", user=None):
    """Store a checked outline, replacing the unit's earlier one (kept in its history)."""
    import shapely

    from core.geo import geodesic_area_m2

    from .models import Outline

    outline = Outline.objects.filter(unit=unit).first() or Outline(unit=unit)
    outline.geojson = shapely.to_geojson(geometry)
    outline.area_m2 = round(geodesic_area_m2(geometry), 2)
    outline.source_crs, outline.source = crs, source[:200]
    outline._history_user = user
    outline.save()
    return outline
