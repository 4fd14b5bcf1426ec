"""The portal's zone profiles (/open/zones/): for anyone, with no log-in, what the public may
know of a zone in one place: its district, ecosystems and lead industry, its core starting
area drawn small, its published opportunities and scenario IPs, and its grade in the latest
published assessment. They compose the opportunities and assessment apps, so they live here."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.selectors import latest_published_run, published_results
from opportunities.selectors import published, published_scenarios
from plans.pagecache import public_page
from territory.choices import UnitKind
from territory.geometry import outline_svg
from territory.models import Unit, ZoneShape

LATEST = 20


@public_page
def zone_profiles(request):
    """Every zone in force, by district, with what it has published."""
    today = timezone.localdate()
    zones = list(
        Unit.objects.filter(kind=UnitKind.ZONE)
        .active_on(today)
        .select_related("parent")
        .order_by("parent__order", "parent__code", "order", "code")
    )
    opportunities = dict(
        published(today)
        .values("opportunity__unit_id")
        .annotate(n=Count("pk"))
        .values_list("opportunity__unit_id", "n")
    )
    scenarios = dict(
        published_scenarios().values("zone_id").annotate(n=Count("pk")).values_list("zone_id", "n")
    )
    run = latest_published_run()
    grades = dict(published_results(run).values_list("unit_id", "grade"))
    districts: dict[int, dict] = {}
    for zone in zones:
        group = districts.setdefault(zone.parent_id, {"district": zone.parent, "zones": []})
        group["zones"].append(
            {
                "zone": zone,
                "open": opportunities.get(zone.pk, 0),
                "scenarios": scenarios.get(zone.pk, 0),
                "grade": grades.get(zone.pk, ""),
            }
        )
    return render(
        request,
        "dashboards/open_zones.html",
        {"nav_open": "zones", "districts": list(districts.values()), "run": run},
    )


@public_page
def zone_profile(request, code: str):
    if "\x00" in code:  # PostgreSQL refuses a NUL in text; no code holds one
        raise Http404(_("No zone has this code."))
    zone = (
        Unit.objects.filter(kind=UnitKind.ZONE, code=code[:64])
        .select_related("parent", "stage")
        .first()
    )
    if zone is None:
        raise Http404(_("No zone has this code."))
    today = timezone.localdate()
    core = zone.shapes.filter(kind=ZoneShape.Kind.CORE_AREA).first()
    versions = published().filter(opportunity__unit=zone)
    run = latest_published_run()
    result = published_results(run).filter(unit=zone).first()
    return render(
        request,
        "dashboards/open_zone.html",
        {
            "nav_open": "zones",
            "zone": zone,
            "closed": zone.valid_to is not None and zone.valid_to < today,
            "ecosystems": zone.ecosystems.all(),
            "core": core,
            "outline": outline_svg(core.geojson) if core else None,
            "latest": versions.order_by("-published_at", "-pk")[:LATEST],
            "open_count": versions.filter(deadline__gte=today).count(),
            "total": versions.count(),
            "scenarios": published_scenarios().filter(zone=zone).order_by("name"),
            "run": run,
            "result": result,
            "today": today,
        },
    )
