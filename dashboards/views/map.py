"""The map of core areas and its data, and the shapes as GeoJSON and KML."""

import json

import shapely
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.gzip import gzip_page

from accounts.scoping import restrict, visible_units
from carriers.models import Carrier
from dashboards.geo import map_data
from investment.models import InvestmentProject
from plans import cache
from plans.models import Plan
from plans.selectors import (
    zone_progress,
    zone_progress_choices,
)
from territory.choices import UnitKind
from territory.models import Unit, ZoneShape

from .common import chosen_plan


def _map_plan(request):
    try:
        return chosen_plan(request)
    except Http404:
        if request.GET.get("plan"):
            raise
        return None


@login_required
def zone_map(request):
    """Core areas coloured by the share of carriers inside them, and the carriers themselves."""
    return render(
        request,
        "dashboards/map.html",
        {
            "nav": "map",
            "tile_url": settings.ZONEPLAN_TILE_URL,
            "tile_attribution": settings.ZONEPLAN_TILE_ATTRIBUTION,
            "extent": settings.ZONEPLAN_CITY_EXTENT,
            "progress_choices": zone_progress_choices(plan) if (plan := _map_plan(request)) else [],
            "plan": plan,
            "plans": list(Plan.objects.order_by("-year", "-starts_on")),
        },
    )


@login_required
@gzip_page
def map_data_view(request):
    units = visible_units(request.user)
    zones = units.filter(kind=UnitKind.ZONE)
    carriers = restrict(Carrier.objects.all(), request.user, via="zone")
    projects = restrict(InvestmentProject.objects.all(), request.user, via="zone")
    plan = _map_plan(request)
    progress = None
    if plan is not None:
        day = min(timezone.localdate(), plan.ends_on)
        progress = cache.cached(  # all zones, once per data version; the scope applies below
            f"map-progress:{plan.pk}:{day.isoformat()}",
            lambda: zone_progress(
                plan,
                dict(Unit.objects.filter(kind=UnitKind.ZONE).values_list("pk", "path")),
                day=day,
            ),
        )
    return JsonResponse(
        map_data(zones, carriers, projects, progress),
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@login_required
def shapes_geojson(request):
    """Every core area and boundary the user may see, as one GeoJSON FeatureCollection."""
    shapes = restrict(ZoneShape.objects.select_related("zone"), request.user, via="zone")
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(s.geojson),
            "properties": {
                "zone_code": s.zone.code,
                "zone": s.zone.name,
                "kind": s.kind,
                "area_km2": round(float(s.area_m2) / 1_000_000, 4),
                "delineated_on": s.delineated_on.isoformat(),
                "demo": s.is_demo,
            },
        }
        for s in shapes
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = content_disposition_header(True, "核心起步区.geojson")
    return response


@login_required
def shapes_kml(request):
    """The same shapes as /shapes.geojson, as KML for desktop GIS and Google Earth."""

    from territory.geometry import to_kml

    shapes = restrict(ZoneShape.objects.select_related("zone"), request.user, via="zone").order_by(
        "zone__code", "kind"
    )
    content = to_kml(
        [
            (
                f"{s.zone.name} · {s.get_kind_display()}",
                f"{float(s.area_m2) / 1e6:.3f} km² · {s.delineated_on}",
                shapely.from_geojson(s.geojson),
            )
            for s in shapes
        ]
    )
    response = HttpResponse(content, content_type="application/vnd.google-earth.kml+xml")
    response["Content-Disposition"] = content_disposition_header(True, "核心起步区.kml")
    return response
