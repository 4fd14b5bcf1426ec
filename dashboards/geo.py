"""What lies inside each zone's core area, and the data behind the map."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import shapely

from carriers.models import Carrier
from territory.models import ZoneShape

MAP_POINT_LIMIT = 5000


def core_area_shares(zone_ids) -> dict[int, dict]:
    """Per zone: how many of its located carriers, and how much of their floor area, lie in
    its core area. One query for the shapes, one for the points; the test is vectorised."""
    rows = list(
        ZoneShape.objects.filter(zone_id__in=zone_ids, kind=ZoneShape.Kind.CORE_AREA).values_list(
            "zone_id", "geojson"
        )
    )
    shapes = dict(
        zip([r[0] for r in rows], shapely.from_geojson([r[1] for r in rows]), strict=True)
    )
    points = defaultdict(list)
    for zone_id, lon, lat, area in Carrier.objects.filter(
        zone_id__in=list(shapes), longitude__isnull=False
    ).values_list("zone_id", "longitude", "latitude", "floor_area_m2"):
        points[zone_id].append((float(lon), float(lat), float(area)))
    result = {}
    for zone_id, polygon in shapes.items():
        rows = np.array(points.get(zone_id, []), dtype=float).reshape(-1, 3)
        inside = (
            shapely.contains_xy(polygon, rows[:, 0], rows[:, 1]) if len(rows) else np.zeros(0, bool)
        )
        total_area = rows[:, 2].sum() if len(rows) else 0.0
        result[zone_id] = {
            "count": int(inside.sum()),
            "total": len(rows),
            "share_count": round(float(inside.mean()), 4) if len(rows) else None,
            "share_area": round(float(rows[inside, 2].sum() / total_area), 4)
            if total_area
            else None,
        }
    return result


def map_data(zones, carriers) -> dict:
    """Core areas and boundaries of `zones` as GeoJSON with their shares, and `carriers` (scoped
    querysets) as points, at most MAP_POINT_LIMIT of them."""
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
    located = carriers.filter(longitude__isnull=False).order_by("pk")
    points = [
        [round(float(lon), 6), round(float(lat), 6), pk, name, kind, bool(demo)]
        for pk, lon, lat, name, kind, demo in located.values_list(
            "pk", "longitude", "latitude", "name", "kind", "is_demo"
        )[:MAP_POINT_LIMIT]
    ]
    return {
        "shapes": {"type": "FeatureCollection", "features": features},
        "carriers": points,
        "carriers_total": located.count(),
        "carriers_shown": len(points),
    }
