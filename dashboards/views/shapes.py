"""Drawing a zone's core area or boundary, and its scenes, on a map (territory.forms checks
what was sent, territory.services stores it)."""

import json

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
from territory.forms import SceneForm, ZoneShapeForm
from territory.geometry import check_coordinates, convert
from territory.models import Scene, Unit, ZoneShape
from territory.services import add_scene, save_shape, shape_problems

from .common import draw_text


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
    form = ZoneShapeForm(request.POST, request.FILES)
    # The drawing is kept in the form, so a warning can be confirmed without drawing again.
    context["drawn"] = request.POST.get("geojson", "").strip()
    if not form.is_valid():
        context["error"] = form.first_error()
        return render(request, "dashboards/zone_shape.html", context, status=400)
    raw, crs = form.cleaned_data["raw"], form.cleaned_data["crs"]
    problems = check_coordinates(raw)
    geometry = convert(raw, crs) if not problems else raw
    problems = problems or shape_problems(zone=zone, kind=kind, geometry=geometry)
    context["problems"] = problems
    errors = [p for p in problems if p.level == "error"]
    context["has_errors"] = bool(errors)
    if errors or (problems and not form.cleaned_data["confirm"]):
        return render(request, "dashboards/zone_shape.html", context, status=400 if errors else 200)
    shape = save_shape(
        zone=zone,
        kind=kind,
        geometry=geometry,
        crs=crs,
        delineated_on=form.cleaned_data["delineated_on"],
        user=request.user,
    )
    messages.success(
        request,
        _("Saved the %(kind)s: %(area)s km²")
        % {"kind": shape.get_kind_display(), "area": f"{float(shape.area_m2) / 1_000_000:.3f}"},
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
    form = SceneForm(request.POST if request.method == "POST" else None, zone=zone)
    context = {
        "existing": json.loads(core.geojson) if core else None,  # drawn for reference
        "tile_url": settings.ZONEPLAN_TILE_URL,
        "extent": settings.ZONEPLAN_CITY_EXTENT,
        "draw_text": draw_text(),
        "drawn": form.drawn() if form.is_bound else "",
        "nav": "zones",
        "zone": zone,
        "kinds": Scene.Kind.choices,
        "errors": [],
        "values": request.POST,
    }
    if not form.is_bound:
        return render(request, "dashboards/zone_scene.html", context)
    if not form.is_valid():
        context["errors"] = form.messages()
        return render(request, "dashboards/zone_scene.html", context, status=400)
    scene = form.cleaned_data
    add_scene(
        zone=zone,
        kind=scene["kind"],
        name=scene["name"],
        longitude=scene["longitude"],
        latitude=scene["latitude"],
        geojson=scene["area"],
        shown_from=scene["shown_from"],
        user=request.user,
    )
    messages.success(request, _("Added the scene: %(name)s") % {"name": scene["name"]})
    return redirect("zone_detail", code=zone.code)
