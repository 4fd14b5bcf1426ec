"""Core-area geometry: areas against known figures, conversions against published pairs,
every check, and hostile files refused with a clear message."""

import io
import json
import zipfile

import prcoords
import pytest
import shapefile
from shapely.geometry import Polygon, box

from core.geo import CRS, geodesic_area_m2, to_wgs84
from territory.geometry import GeometryError, check_coordinates, check_shape, read_shape

CELL = box(104.06, 30.65, 104.07, 30.66)  # 0.01° × 0.01° at 104.06°E, 30.65°N


def test_the_area_of_a_known_cell_is_geodesic():
    assert geodesic_area_m2(CELL) == pytest.approx(1_062_586.8, abs=0.1)
    assert geodesic_area_m2(Polygon(list(CELL.exterior.coords)[::-1])) == pytest.approx(
        1_062_586.8, abs=0.1
    )


# Published pairs (wandergis/coordtransform's reference results, reproduced by several libraries):
# WGS84 (116.404, 39.915) → GCJ-02 (116.41024449916938, 39.91640428150164);
# BD-09 (116.404, 39.915) → GCJ-02 (116.39762729119315, 39.90865673957631).
def test_gcj02_converts_back_to_the_published_wgs84_point():
    back = to_wgs84(
        Polygon([(116.41024449916938, 39.91640428150164), (116.42, 39.92), (116.41, 39.93)]),
        CRS.GCJ02,
    )
    lon, lat = back.exterior.coords[0]
    assert lon == pytest.approx(116.404, abs=1e-7) and lat == pytest.approx(39.915, abs=1e-7)


def test_bd09_converts_to_wgs84_and_back_to_the_same_baidu_point():
    # The published BD-09 → GCJ-02 pair holds for the library we use...
    gcj = prcoords.bd_gcj(prcoords.Coords(39.915, 116.404))
    assert (gcj.lon, gcj.lat) == pytest.approx((116.39762729119315, 39.90865673957631), abs=1e-12)
    # ...and our WGS84 point maps forward onto the Baidu point it came from (to ~1 cm).
    back = to_wgs84(Polygon([(116.404, 39.915), (116.42, 39.92), (116.41, 39.93)]), CRS.BD09)
    lon, lat = back.exterior.coords[0]
    forward = prcoords.wgs_bd(prcoords.Coords(lat, lon))
    assert (forward.lon, forward.lat) == pytest.approx((116.404, 39.915), abs=1e-7)


def _check(geometry, others=(), boundary=None):
    return check_shape(
        geometry, kind_label="核心起步区", others=list(others), boundary=boundary, band_km2=(0.5, 2)
    )


def test_a_good_core_area_has_no_problem():
    assert _check(CELL) == []


def test_a_self_intersecting_polygon_is_refused():
    bowtie = Polygon([(104.06, 30.65), (104.07, 30.66), (104.07, 30.65), (104.06, 30.66)])
    assert "边界自相交" in _check(bowtie)[0].message


def test_outside_the_city_and_swapped_coordinates_are_told_apart():
    assert "不在市域范围内" in _check(box(116.40, 39.90, 116.41, 39.91))[0].message
    assert "经度和纬度填反了" in _check(box(30.65, 104.06, 30.66, 104.07))[0].message


def test_projected_metres_given_as_degrees_are_refused():
    assert "投影坐标（米）" in check_coordinates(box(400000, 3390000, 401000, 3391000))[0].message


def test_an_area_far_from_one_square_kilometre_is_a_warning_not_an_error():
    problems = _check(box(104.06, 30.65, 104.1, 30.69))
    assert [p.level for p in problems] == ["warning"] and "以1平方公里范围起步" in problems[
        0
    ].message


def test_overlap_with_another_zones_core_area_is_refused():
    problems = _check(CELL, others=[("成都医学城", box(104.065, 30.655, 104.075, 30.665))])
    assert problems[0].level == "error" and "与“成都医学城”的核心起步区重叠" in problems[0].message


def test_a_core_area_outside_its_zones_boundary_is_refused():
    problems = _check(CELL, boundary=box(104.0, 30.6, 104.065, 30.7))
    assert "超出了本功能区的范围" in problems[0].message


# ── Files ──


def test_geojson_kml_and_a_zipped_shapefile_give_the_same_polygon():
    geojson = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": CELL.__geo_interface__}],
        }
    )
    assert read_shape(geojson.encode(), "core.geojson").equals(CELL)
    coords = " ".join(f"{x},{y},0" for x, y in CELL.exterior.coords)
    kml = f'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>'
    assert read_shape(kml.encode(), "core.kml").equals(CELL)
    assert read_shape(_shapefile_zip(), "core.zip").equals(CELL)


def _shapefile_zip(names=("core.shp", "core.shx", "core.dbf")) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("name", "C")
        writer.poly([list(CELL.exterior.coords)[::-1]])
        writer.record("core")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, part in zip(names, (shp, shx, dbf), strict=False):
            archive.writestr(name, part.getvalue())
    return buffer.getvalue()


XXE = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><kml><Placemark><name>&xxe;</name></Placemark></kml>'
BOMB = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><kml><name>&lol2;</name></kml>'


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (XXE, "evil.kml", "含有 DTD 或实体定义"),
        (BOMB, "bomb.kml", "含有 DTD 或实体定义"),
        (b"{not json", "core.geojson", "不是有效的 GeoJSON"),
        (
            json.dumps({"type": "Point", "coordinates": [104.06, 30.65]}).encode(),
            "point.geojson",
            "没有面（多边形）",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": "乱码"}).encode(),
            "bad.geojson",
            "坐标格式有误",
        ),
        (b"", "empty.geojson", "文件是空的"),
        (b"\x89PNG\r\n", "map.png", "无法识别文件格式"),
    ],
)
def test_a_bad_or_hostile_file_is_refused_with_a_clear_message(db, data, name, message):
    with pytest.raises(GeometryError, match=message):
        read_shape(data, name)


def test_a_shapefile_zip_without_its_shp_or_with_a_climbing_name_is_refused(db):
    with pytest.raises(GeometryError, match=r"没有 \.shp 文件"):
        read_shape(_shapefile_zip(names=("core.dbf",)), "core.zip")
    with pytest.raises(GeometryError, match="指向压缩包之外"):
        read_shape(_shapefile_zip(names=("../../etc/core.shp", "core.shx", "core.dbf")), "core.zip")


def test_an_oversized_file_is_refused_before_it_is_parsed(settings):
    settings.ZONEPLAN_GEOMETRY_MAX_BYTES = 1024
    with pytest.raises(GeometryError, match="文件过大"):
        read_shape(b"{" + b" " * 2048 + b"}", "big.geojson")


def test_swapped_degrees_are_called_swapped_not_metres():
    # 104°E as a latitude is past 90°: the message must still say latitude and longitude are swapped.
    assert "经度和纬度填反" in check_coordinates(box(30.65, 104.06, 30.66, 104.07))[0].message
