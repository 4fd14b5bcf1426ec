"""Reading the shape of a zone or its core area from a file, and checking it.

Accepted: GeoJSON, KML, and a zipped Shapefile (read with pyshp, without GDAL). The uploader
says which coordinate system the file uses; it is converted to WGS84. Every way a file can be
wrong or hostile gives one clear message in Chinese: not parsed, not a polygon, self-
intersecting, outside the city, latitude and longitude swapped, projected metres given as
degrees, KML with external entities or entity expansion (defusedxml refuses them), a Shapefile
zip without its .shp or with a member name that climbs out of its folder, or more than the size
limit.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

import shapefile
import shapely
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from core.geo import geodesic_area_m2, to_wgs84


class GeometryError(Exception):
    """The file as a whole cannot give a shape; `str(error)` is the message for the officer."""


@dataclass
class Problem:
    level: str  # "error" refuses the shape, "warning" is shown and saved with it
    message: str


def read_shape(data: bytes, filename: str) -> BaseGeometry:
    limit = settings.ZONEPLAN_GEOMETRY_MAX_BYTES
    if not data:
        raise GeometryError("文件是空的")
    if len(data) > limit:
        raise GeometryError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB，上限 {limit / 1024 / 1024:.1f} MB）"
        )
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return _polygons(_read_shapefile_zip(data, limit))
    if name.endswith(".kml") or data.lstrip()[:5] in (b"<?xml", b"<kml ", b"<kml>"):
        return _polygons(_read_kml(data))
    if name.endswith((".geojson", ".json")) or data.lstrip()[:1] == b"{":
        return _polygons(_read_geojson(data))
    raise GeometryError("无法识别文件格式：请上传 GeoJSON、KML 或打包为 zip 的 Shapefile")


def _read_geojson(data: bytes) -> list[BaseGeometry]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeometryError(f"不是有效的 GeoJSON：{exc}") from None
    features = []
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = [
            f.get("geometry") for f in document.get("features") or [] if isinstance(f, dict)
        ]
    elif isinstance(document, dict) and document.get("type") == "Feature":
        features = [document.get("geometry")]
    elif isinstance(document, dict):
        features = [document]
    geometries = []
    for geometry in features:
        try:
            geometries.append(shape(geometry))
        except Exception:
            raise GeometryError("GeoJSON 中的图形无法读取（坐标格式有误）") from None
    return geometries


def _read_kml(data: bytes) -> list[BaseGeometry]:
    try:
        root = ElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise GeometryError("KML 文件含有 DTD 或实体定义（可能是恶意文件），已拒绝") from None
    except ElementTree.ParseError as exc:
        raise GeometryError(f"不是有效的 KML：{exc}") from None
    polygons = []
    for element in root.iter():
        if not element.tag.endswith("Polygon"):
            continue
        rings = {"outer": [], "inner": []}
        for child in element.iter():
            if child.tag.endswith("outerBoundaryIs") or child.tag.endswith("innerBoundaryIs"):
                side = "outer" if child.tag.endswith("outerBoundaryIs") else "inner"
                for coordinates in child.iter():
                    if coordinates.tag.endswith("coordinates") and coordinates.text:
                        rings[side].append(_kml_ring(coordinates.text))
        if rings["outer"]:
            polygons.append(Polygon(rings["outer"][0], rings["inner"]))
    return polygons


def _kml_ring(text: str) -> list[tuple[float, float]]:
    points = []
    for token in text.split():
        parts = token.split(",")
        try:
            points.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError):
            raise GeometryError(f"KML 坐标“{token[:40]}”无法读取") from None
    return points


def _read_shapefile_zip(data: bytes, limit: int) -> list[BaseGeometry]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise GeometryError("zip 文件已损坏") from None
    for member in members:
        parts = member.filename.replace("\\", "/").split("/")
        if member.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise GeometryError(f"压缩包内的文件名“{member.filename}”指向压缩包之外，已拒绝")
    if sum(m.file_size for m in members) > limit * 20:
        raise GeometryError("压缩包解压后过大，已拒绝（疑似压缩炸弹）")
    by_ext = {m.filename.lower().rsplit(".", 1)[-1]: m for m in members if "." in m.filename}
    if "shp" not in by_ext:
        raise GeometryError("压缩包中没有 .shp 文件：请把同名的 .shp、.shx、.dbf 一起打包")
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(archive.read(by_ext["shp"])),
            shx=io.BytesIO(archive.read(by_ext["shx"])) if "shx" in by_ext else None,
            dbf=io.BytesIO(archive.read(by_ext["dbf"])) if "dbf" in by_ext else None,
        )
        return [shape(s.__geo_interface__) for s in reader.shapes() if s.points]
    except Exception:
        raise GeometryError("Shapefile 无法读取（文件损坏或不完整）") from None


def _polygons(geometries: list[BaseGeometry]) -> BaseGeometry:
    polygons = [g for g in geometries if isinstance(g, Polygon | MultiPolygon) and not g.is_empty]
    if not polygons:
        raise GeometryError("文件中没有面（多边形）：核心起步区和功能区范围须为闭合的面")
    return polygons[0] if len(polygons) == 1 else shapely.union_all(polygons)


SWAPPED = Problem("error", "坐标似乎把经度和纬度填反了（落在市域之外）：请按“经度,纬度”的顺序")


def city_extent() -> BaseGeometry:
    west, south, east, north = settings.ZONEPLAN_CITY_EXTENT
    return box(west, south, east, north)


def check_coordinates(geometry: BaseGeometry) -> list[Problem]:
    """Before conversion: degrees, not metres; longitude first."""
    west, south, east, north = geometry.bounds
    if abs(west) > 180 or abs(east) > 180 or abs(south) > 90 or abs(north) > 90:
        if city_extent().contains(
            box(south, west, north, east)
        ):  # Chengdu's 104°E reads as a latitude
            return [SWAPPED]
        return [
            Problem(
                "error", "坐标超出经纬度范围，看起来是投影坐标（米）：请导出为经纬度坐标后再上传"
            )
        ]
    return []


def check_shape(
    geometry: BaseGeometry,
    *,
    kind_label: str,
    others: list[tuple[str, BaseGeometry]],
    boundary: BaseGeometry | None,
    band_km2: tuple[float, float] | None,
) -> list[Problem]:
    """The checks of a converted (WGS84) shape. `others` are other zones' core areas."""
    problems = []
    if not geometry.is_valid:
        reason = explain_validity(geometry)
        text = "边界自相交" if "Self-intersection" in reason else reason
        return [Problem("error", f"{kind_label}图形无效：{text}（请修正后重新上传）")]
    extent = city_extent()
    if not extent.contains(geometry):
        swapped = shapely.transform(geometry, lambda c: c[:, ::-1])
        if extent.contains(swapped):
            return [SWAPPED]
        return [
            Problem(
                "error",
                f"{kind_label}不在市域范围内（东经{extent.bounds[0]}–{extent.bounds[2]}°，北纬{extent.bounds[1]}–{extent.bounds[3]}°）",
            )
        ]
    area_km2 = geodesic_area_m2(geometry) / 1_000_000
    if band_km2 and not band_km2[0] <= area_km2 <= band_km2[1]:
        problems.append(
            Problem(
                "warning",
                f"面积 {area_km2:.2f} 平方公里，不在计划“以1平方公里范围起步”的常见区间 {band_km2[0]}–{band_km2[1]} 平方公里内，请确认",
            )
        )
    for name, other in others:
        overlap = geometry.intersection(other)
        if not overlap.is_empty and geodesic_area_m2(overlap) > 1:
            problems.append(
                Problem(
                    "error", f"与“{name}”的核心起步区重叠 {geodesic_area_m2(overlap):,.0f} 平方米"
                )
            )
    if boundary is not None and not boundary.buffer(1e-6).contains(geometry):
        problems.append(Problem("error", "核心起步区超出了本功能区的范围"))
    return problems


def convert(geometry: BaseGeometry, crs: str) -> BaseGeometry:
    return to_wgs84(geometry, crs)


def to_kml(shapes: list[tuple[str, str, BaseGeometry]]) -> bytes:
    """(name, description, geometry) → a KML document; names are escaped, never raw XML."""
    from xml.sax.saxutils import escape

    def ring(coords) -> str:
        return " ".join(f"{x:.7f},{y:.7f},0" for x, y in coords)

    def polygon(p: Polygon) -> str:
        inner = "".join(
            f"<innerBoundaryIs><LinearRing><coordinates>{ring(r.coords)}</coordinates></LinearRing></innerBoundaryIs>"
            for r in p.interiors
        )
        return (
            f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring(p.exterior.coords)}</coordinates>"
            f"</LinearRing></outerBoundaryIs>{inner}</Polygon>"
        )

    placemarks = []
    for name, description, geometry in shapes:
        parts = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
        body = (
            polygon(parts[0])
            if len(parts) == 1
            else "<MultiGeometry>" + "".join(polygon(p) for p in parts) + "</MultiGeometry>"
        )
        placemarks.append(
            f"<Placemark><name>{escape(name)}</name><description>{escape(description)}</description>{body}</Placemark>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        + "".join(placemarks)
        + "</Document></kml>"
    ).encode("utf-8")


def outline_svg(geojson: str, size: int = 240) -> dict | None:
    """A zone's shape drawn small, with no base map: an SVG path (`d`) in a `viewbox` of
    about `size` units on its longer side, north up, east and west shortened by the cosine of
    the latitude so the shape keeps its proportions. None when the text holds no polygon."""
    import math

    try:
        geometry = shape(json.loads(geojson))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    polygons = [p for p in polygons if isinstance(p, Polygon) and not p.is_empty]
    if not polygons:
        return None
    west, south, east, north = MultiPolygon(polygons).bounds
    shrink = math.cos(math.radians((south + north) / 2))
    width, height = (east - west) * shrink, north - south
    scale = (size - 20) / max(width, height, 1e-9)

    def point(lon: float, lat: float) -> str:
        return f"{10 + (lon - west) * shrink * scale:.1f},{10 + (north - lat) * scale:.1f}"

    rings = [ring for p in polygons for ring in (p.exterior, *p.interiors)]
    path = " ".join(
        "M" + " L".join(point(lon, lat) for lon, lat, *_ in ring.coords[:-1]) + " Z"
        for ring in rings
    )
    return {
        "viewbox": f"0 0 {width * scale + 20:.0f} {height * scale + 20:.0f}",
        "d": path,
    }
