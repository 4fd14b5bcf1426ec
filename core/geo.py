"""Coordinates and areas.

Geometry is stored in WGS84 (CGCS2000 differs from it by centimetres, below what core areas
need). Files drawn on Chinese web maps come in GCJ-02 (AMap, Tencent) or BD-09 (Baidu), offset
by hundreds of metres; they are converted back with prcoords' iterative inverses (about a
millimetre). Areas are geodesic, on the GRS80 ellipsoid of CGCS2000.
"""

from __future__ import annotations

import prcoords
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="GRS80")


class CRS:
    WGS84 = "wgs84"  # also CGCS2000 (EPSG:4490): GPS, Tianditu, surveyors' files
    GCJ02 = "gcj02"  # AMap (高德), Tencent (腾讯)
    BD09 = "bd09"  # Baidu (百度)

    CHOICES = [
        (WGS84, gettext_lazy("WGS84 / CGCS2000 (Tianditu, GPS, survey files)")),
        (GCJ02, gettext_lazy("GCJ-02 (AMap, Tencent Maps)")),
        (BD09, gettext_lazy("BD-09 (Baidu Maps)")),
    ]


def _to_wgs84_point(lon: float, lat: float, crs: str) -> tuple[float, float]:
    if crs == CRS.GCJ02:
        point = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon))
    elif crs == CRS.BD09:
        point = prcoords.bd_wgs_bored(prcoords.Coords(lat, lon))
    else:
        return lon, lat
    return point.lon, point.lat


def to_wgs84(geometry: BaseGeometry, crs: str) -> BaseGeometry:
    """The geometry with every coordinate converted from `crs` to WGS84."""
    if crs == CRS.WGS84:
        return geometry

    def convert(coords):
        import numpy as np

        return np.array([_to_wgs84_point(x, y, crs) for x, y in coords])

    return shapely.transform(geometry, convert)


def geodesic_area_m2(geometry: BaseGeometry) -> float:
    """The area on the ellipsoid, in m² (positive whatever the ring orientation)."""
    return abs(GEOD.geometry_area_perimeter(geometry)[0])


# China's extent, generously: a point outside it is a typo or swapped coordinates.
LONGITUDE_RANGE = (73.0, 136.0)
LATITUDE_RANGE = (3.0, 54.0)


def location_problems(lon, lat) -> list[tuple[str, str]]:
    """What is wrong with a point given as longitude and latitude (both or neither)."""
    if (lon is None) != (lat is None):
        return [
            (
                "longitude" if lon is None else "latitude",
                _("Give both the longitude and the latitude, or neither"),
            )
        ]
    if lon is None:
        return []
    lon_ok = LONGITUDE_RANGE[0] <= float(lon) <= LONGITUDE_RANGE[1]
    lat_ok = LATITUDE_RANGE[0] <= float(lat) <= LATITUDE_RANGE[1]
    if lon_ok and lat_ok:
        return []
    swapped = (
        LONGITUDE_RANGE[0] <= float(lat) <= LONGITUDE_RANGE[1]
        and LATITUDE_RANGE[0] <= float(lon) <= LATITUDE_RANGE[1]
    )
    if swapped:
        message = _("The point (%(lon)s, %(lat)s) has its longitude and latitude swapped, it seems")
    else:
        message = _("The point (%(lon)s, %(lat)s) is not in China")
    return [("longitude", message % {"lon": lon, "lat": lat})]
