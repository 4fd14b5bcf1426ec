"""Drawing a zone's core area or boundary, and its scenes, on a map."""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

import shapely
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import restrict
from accounts.writes import require_change
from core.geo import CRS
from territory.choices import UnitKind
from territory.geometry import GeometryError, check_coordinates, convert, read_shape
from territory.models import Scene, Unit, ZoneShape
from territory.services import (
    add_scene,
    save_shape,
    scene_area_problems,
    scene_problems,
    shape_problems,
)

from .common import draw_text, drawn_geometry


@login_required
def zone_shape(request, code: str, kind: str):
    """Upload a zone's core area or boundary: read, convert, check; save only when nothing is
    wrong (warnings need the officer's confirmation)."""
    if kind not in ZoneShape.Kind.values:
        raise Http404
    zone = get_object_or_404(
        restrict(Unit.objects.filter(kind=UnitKind.ZONE), request.user, via=""), code=code
    )
    require_change(request.user, zone)
    existing = zone.shapes.filter(kind=kind).first()
    context = {
        "existing": json.loads(existing.geojson) if existing else None,
        "tile_url": settings.ZONEPLAN_TILE_URL,
        "extent": settings.ZONEPLAN_CITY_EXTENT,
        "draw_text": draw_text(),
        "nav": "zones",
        "zone": zone,
        "kind": kind,
        "kind_label": ZoneShape.Kind(kind).label,
        "crs_choices": CRS.CHOICES,
        "problems": [],
        "error": "",
        "today": timezone.localdate(),
    }
    if request.method != "POST":
        return render(request, "dashboards/zone_shape.html", context)
    upload = request.FILES.get("file")
    drawn = request.POST.get("geojson", "").strip()  # a shape drawn on the map, as GeoJSON
    context["drawn"] = (
        drawn  # kept in the form, so a warning can be confirmed without drawing again
    )
    crs = request.POST.get("crs", "")
    try:
        delineated_on = dt.date.fromisoformat(request.POST.get("delineated_on", ""))
    except ValueError:
        delineated_on = None
    size = upload.size if upload is not None else len(drawn.encode())
    limit = settings.ZONEPLAN_GEOMETRY_MAX_BYTES
    if upload is None and not drawn:
        context["error"] = (
            "请选择要上传的文件（GeoJSON、KML 或 zip 打包的 Shapefile），或在地图上绘制"
        )
    elif crs not in dict(CRS.CHOICES):
        context["error"] = "请选择文件使用的坐标系"
    elif delineated_on is None or delineated_on > timezone.localdate():
        context["error"] = "划定日期应为今天或之前的有效日期（YYYY-MM-DD）"
    elif size > limit:
        context["error"] = (
            f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {limit / 1024 / 1024:.1f} MB）"
        )
    if context["error"]:
        return render(request, "dashboards/zone_shape.html", context, status=400)
    try:
        if upload is not None:
            raw = read_shape(upload.read(), upload.name or "")
        else:
            raw = read_shape(drawn.encode(), "drawn.geojson")
    except GeometryError as exc:
        context["error"] = str(exc)
        return render(request, "dashboards/zone_shape.html", context, status=400)
    problems = check_coordinates(raw)
    geometry = convert(raw, crs) if not problems else raw
    problems = problems or shape_problems(zone=zone, kind=kind, geometry=geometry)
    context["problems"] = problems
    errors = [p for p in problems if p.level == "error"]
    context["has_errors"] = bool(errors)
    if errors or (problems and not request.POST.get("confirm")):
        return render(request, "dashboards/zone_shape.html", context, status=400 if errors else 200)
    shape = save_shape(
        zone=zone,
        kind=kind,
        geometry=geometry,
        crs=crs,
        delineated_on=delineated_on,
        user=request.user,
    )
    messages.success(
        request,
        f"已保存{shape.get_kind_display()}：{float(shape.area_m2) / 1_000_000:.3f} 平方公里",
    )
    return redirect("zone_detail", code=zone.code)


@login_required
def zone_scene(request, code: str):
    """Add a scene to a zone: a point, or an area drawn on the map, inside the core area."""
    zone = get_object_or_404(
        restrict(Unit.objects.filter(kind=UnitKind.ZONE), request.user, via=""), code=code
    )
    require_change(request.user, zone)
    core = zone.shapes.filter(kind=ZoneShape.Kind.CORE_AREA).first()
    context = {
        "existing": json.loads(core.geojson) if core else None,  # drawn for reference
        "tile_url": settings.ZONEPLAN_TILE_URL,
        "extent": settings.ZONEPLAN_CITY_EXTENT,
        "draw_text": draw_text(),
        "drawn": ""
        if len(request.POST.get("geojson", "")) > 100_000
        else request.POST.get("geojson", ""),
        "nav": "zones",
        "zone": zone,
        "kinds": Scene.Kind.choices,
        "errors": [],
        "values": request.POST,
    }
    if request.method != "POST":
        return render(request, "dashboards/zone_scene.html", context)
    kind, name = request.POST.get("kind", ""), request.POST.get("name", "").strip()
    errors = []
    if kind not in Scene.Kind.values:
        errors.append("请选择场景类型")
    if not name or len(name) > 200:
        errors.append("场景名称须填写，且不超过 200 字")
    elif Scene.objects.filter(zone=zone, name=name).exists():
        errors.append(f"本功能区已有名为“{name}”的场景")
    shown_from = None
    typed = request.POST.get("shown_from", "").strip()
    if typed:
        try:
            shown_from = dt.date.fromisoformat(typed[:10])
        except ValueError:
            errors.append(_("The date from which the scene is shown must be a date (2020-06-30)."))
    drawn, area = request.POST.get("geojson", "").strip(), ""  # an area drawn on the map
    if drawn:
        try:
            geometry = drawn_geometry(drawn)
        except GeometryError as error:
            errors.append(str(error))
        else:
            problems = scene_area_problems(zone=zone, geometry=geometry)
            errors += problems
            if not problems:
                point = geometry.representative_point()  # inside the area, unlike a centroid
                longitude = Decimal(str(round(point.x, 6)))
                latitude = Decimal(str(round(point.y, 6)))
                area = shapely.to_geojson(geometry)
    else:
        try:
            longitude = Decimal(request.POST.get("longitude", "").strip())
            latitude = Decimal(request.POST.get("latitude", "").strip())
            if not (longitude.is_finite() and latitude.is_finite()):
                raise InvalidOperation
        except InvalidOperation:
            errors.append("经度和纬度须为数字（例如 104.06 和 30.65），或在地图上画出场景范围")
        else:
            errors += scene_problems(zone=zone, longitude=longitude, latitude=latitude)
    if errors:
        context["errors"] = errors
        return render(request, "dashboards/zone_scene.html", context, status=400)
    add_scene(
        zone=zone,
        kind=kind,
        name=name,
        longitude=longitude,
        latitude=latitude,
        geojson=area,
        shown_from=shown_from,
        user=request.user,
    )
    messages.success(request, f"已添加场景：{name}")
    return redirect("zone_detail", code=zone.code)
