"""What lies inside each zone's core area, and the data behind the map."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import shapely

from carriers.models import Carrier
from territory.models import Outline, ZoneShape

MAP_POINT_LIMIT = 5000


def core_area_shares(
    zone_ids, model=Carrier, weight: str = "floor_area_m2", *, queryset=None
) -> dict[int, dict]:
    """Per zone: how many of its located items (carriers by default, or investment projects
    weighted by investment), and how much of their weight, lie in its core area. One query for
    the shapes, one for the points; the test is vectorised."""
    rows = list(
        ZoneShape.objects.filter(zone_id__in=zone_ids, kind=ZoneShape.Kind.CORE_AREA).values_list(
            "zone_id", "geojson"
        )
    )
    shapes = dict(
        zip([r[0] for r in rows], shapely.from_geojson([r[1] for r in rows]), strict=True)
    )
    points = defaultdict(list)
    # `queryset`: the items of `model` to judge instead of all of them (e.g. projects signed
    # in a period).
    queryset = model.objects.all() if queryset is None else queryset
    located = queryset.filter(zone_id__in=list(shapes), longitude__isnull=False)
    for zone_id, lon, lat, amount in located.values_list(
        "zone_id", "longitude", "latitude", weight
    ):
        points[zone_id].append((float(lon), float(lat), float(amount or 0)))
    result = {}
    for zone_id, polygon in shapes.items():
        items = np.array(points.get(zone_id, []), dtype=float).reshape(-1, 3)
        inside = (
            shapely.contains_xy(polygon, items[:, 0], items[:, 1])
            if len(items)
            else np.zeros(0, bool)
        )
        total = items[:, 2].sum() if len(items) else 0.0
        result[zone_id] = {
            "count": int(inside.sum()),
            "total": len(items),
            "share_count": round(float(inside.mean()), 4) if len(items) else None,
            "share_area": round(float(items[inside, 2].sum() / total), 4) if total else None,
        }
    return result


def _points(queryset, label_field: str) -> list[list]:
    located = queryset.filter(longitude__isnull=False).order_by("pk")
    return [
        [round(float(lon), 6), round(float(lat), 6), pk, name, label, bool(demo)]
        for pk, lon, lat, name, label, demo in located.values_list(
            "pk", "longitude", "latitude", "name", label_field, "is_demo"
        )[:MAP_POINT_LIMIT]
    ]


def map_data(zones, carriers, projects, progress=None) -> dict:
    """Core areas and boundaries of `zones` as GeoJSON with the share of carriers inside, and
    `carriers` and `projects` (scoped querysets) as points, at most MAP_POINT_LIMIT of each."""
    shapes = list(ZoneShape.objects.filter(zone__in=zones).select_related("zone"))
    shares = core_area_shares([s.zone_id for s in shapes if s.kind == ZoneShape.Kind.CORE_AREA])
    features = []
    for shape in shapes:
        share = shares.get(shape.zone_id, {}) if shape.kind == ZoneShape.Kind.CORE_AREA else {}
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shape.geojson),  # stored as GeoJSON already: passed through
                "properties": {
                    "code": shape.zone.code,
                    "name": shape.zone.name,
                    "kind": shape.kind,
                    "area_km2": round(float(shape.area_m2) / 1e6, 3),
                    "demo": shape.is_demo,
                    **share,
                },
            }
        )
    keys = [key for key, _indicator in progress.choices] if progress else []
    by_zone = {  # compact: [shares…, values…] in the order of keys, per zone with a core area
        shape.zone.code: [progress.shares[shape.zone_id].get(k) for k in keys]
        + [progress.values[shape.zone_id].get(k) for k in keys]
        for shape in shapes
        if progress and shape.kind == ZoneShape.Kind.CORE_AREA and shape.zone_id in progress.shares
    }
    carrier_points = _points(carriers, "kind")
    outlines = [  # the offline base layer: geography, not data, so shown to everyone
        {
            "type": "Feature",
            "geometry": json.loads(o.geojson),
            "properties": {"code": o.unit.code, "name": o.unit.name},
        }
        for o in Outline.objects.select_related("unit").order_by("unit__code")
    ]
    return {
        "outlines": {"type": "FeatureCollection", "features": outlines},
        "shapes": {"type": "FeatureCollection", "features": features},
        "progress": {"keys": keys, "zones": by_zone},
        "carriers": carrier_points,
        "carriers_total": carriers.filter(longitude__isnull=False).count(),
        "carriers_shown": len(carrier_points),
        "projects": _points(projects, "tier"),
    }
