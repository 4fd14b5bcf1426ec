"""Writes to the unit tree. The path and depth of a unit are kept here and nowhere else."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.history import changed_by

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
def save_unit(unit: Unit, *, keep_versions: bool = False) -> Unit:
    """Save `unit` and keep the materialised paths of it and its subtree right.

    An undated edit is a correction of the unit as it stands now: when the unit has dated
    versions (`record_change`), the latest one is corrected with it, so the row and its
    latest version never disagree.

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
    if not keep_versions:
        latest = unit.versions.order_by("-valid_from").first()
        if latest is not None:
            fields = _version_fields(unit)
            if any(getattr(latest, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(latest, key, value)
                latest.save()
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
    band = None
    if kind == ZoneShape.Kind.CORE_AREA:
        low, high = settings.ZONEPLAN_CORE_AREA_BAND_KM2
        band = (low, high)
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
    changed_by(shape, user)
    shape.save()
    return shape


def add_scene(
    *,
    zone: Unit,
    kind: str,
    name: str,
    longitude,
    latitude,
    geojson: str = "",
    shown_from=None,
    user=None,
):
    """Store a checked scene (the caller has checked rights and shown the problems)."""
    from .models import Scene

    scene = Scene(
        zone=zone, kind=kind, name=name, longitude=round(longitude, 6),
        latitude=round(latitude, 6), geojson=geojson, shown_from=shown_from,
    )  # fmt: skip
    changed_by(scene, user)
    scene.save()
    return scene


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


def scene_counts(zone_ids, *, day=None) -> dict[int, dict[str, int]]:
    """How many scenes of each kind each zone's core area shows (one query); with `day`, the
    scenes shown by then (a scene without a date counts all along)."""
    from django.db.models import Count, Q

    from .models import Scene

    counts: dict[int, dict[str, int]] = {z: {k: 0 for k in Scene.Kind.values} for z in zone_ids}
    scenes = Scene.objects.filter(zone_id__in=zone_ids)
    if day is not None:
        scenes = scenes.filter(Q(shown_from__isnull=True) | Q(shown_from__lte=day))
    for zone_id, kind, n in (
        scenes.values_list("zone_id", "kind")
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
    changed_by(outline, user)
    outline.save()
    return outline


def _version_fields(unit: Unit) -> dict:
    return {
        "parent_id": unit.parent_id,
        "kind": unit.kind,
        "name": unit.name,
        "name_en": unit.name_en,
    }


@transaction.atomic
def record_change(*, unit: Unit, on, user=None, **changes) -> bool:
    """A dated change of `unit`'s parent, names or kind (`parent=`, `name=`, `name_en=`,
    `kind=`), in force from `on`. The state before stays in force before `on`; the unit row
    takes the latest version. Returns whether anything changed (recording the same change
    twice writes nothing)."""
    from .models import BEGINNING, UnitVersion

    allowed = {"parent", "name", "name_en", "kind"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"record_change() got unexpected fields: {sorted(unknown)}")
    versions = list(unit.versions.order_by("valid_from"))
    if not versions:
        versions = [
            UnitVersion.objects.create(unit=unit, valid_from=BEGINNING, **_version_fields(unit))
        ]
    in_force = [v for v in versions if v.valid_from <= on][-1]
    wanted = {
        "parent_id": changes["parent"].pk if changes.get("parent") else in_force.parent_id,
        "kind": changes.get("kind", in_force.kind),
        "name": changes.get("name", in_force.name),
        "name_en": changes.get("name_en", in_force.name_en),
    }
    if "parent" in changes and changes["parent"] is None:
        wanted["parent_id"] = None
    same_day = next((v for v in versions if v.valid_from == on), None)
    if same_day is None and all(getattr(in_force, k) == v for k, v in wanted.items()):
        return False
    if same_day is not None and all(getattr(same_day, k) == v for k, v in wanted.items()):
        return False
    if wanted["parent_id"]:
        parent = Unit.objects.get(pk=wanted["parent_id"])
        check_parent(kind=wanted["kind"], parent=parent)
    before = {k: getattr(same_day or in_force, k) for k in wanted}
    if same_day is None:
        UnitVersion.objects.create(unit=unit, valid_from=on, **wanted)
    else:
        for key, value in wanted.items():
            setattr(same_day, key, value)
        same_day.save()
    # A change recorded before later ones carries into them where they kept the old value.
    for later in (v for v in versions if v.valid_from > on):
        carried = {
            k: v for k, v in wanted.items() if v != before[k] and getattr(later, k) == before[k]
        }
        if carried:
            for key, value in carried.items():
                setattr(later, key, value)
            later.save()
    _follow_latest_version(unit, user=user)
    return True


def _follow_latest_version(unit: Unit, *, user=None) -> None:
    """Make the unit row hold its latest version (paths follow in save_unit)."""
    latest = unit.versions.order_by("-valid_from").first()
    fields = _version_fields(unit)
    wanted = {k: getattr(latest, k) for k in fields}
    if wanted != fields:
        for key, value in wanted.items():
            setattr(unit, key, value)
        changed_by(unit, user)
        save_unit(unit, keep_versions=True)


@transaction.atomic
def record_succession(*, predecessors: list[Unit], successors: list[Unit], on, kind: str) -> bool:
    """A merge (several predecessors into one successor) or a split (one predecessor into
    several successors, the first of which takes its items), from `on`. The predecessors close
    the day before. Returns whether anything changed."""
    from .models import UnitSuccession

    changed = False
    closing = on - dt.timedelta(days=1)
    for predecessor in predecessors:
        for i, successor in enumerate(successors):
            row = UnitSuccession.objects.filter(
                predecessor=predecessor, successor=successor
            ).first()
            fields = {"on": on, "kind": kind, "primary": i == 0}
            if row is None:
                UnitSuccession.objects.create(
                    predecessor=predecessor, successor=successor, **fields
                )
                changed = True
            elif any(getattr(row, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(row, key, value)
                row.save()
                changed = True
        if predecessor.valid_to != closing:
            predecessor.valid_to = closing
            if predecessor.valid_from and predecessor.valid_from > closing:
                raise ValidationError(
                    _("%(unit)s cannot close before it opens.") % {"unit": predecessor.name}
                )
            save_unit(predecessor, keep_versions=True)
            changed = True
    return changed
