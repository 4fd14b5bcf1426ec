"""What the investment registry tells the plan: registered with plans.measures at start-up."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext

from plans.measures import Drivers, Measure, combine, first_per_zone, register

from .choices import Tier
from .models import InvestmentProject


def _signed(zones, start, day):
    """High-tier projects signed in the period, in `zones` (None: anywhere)."""
    signed = InvestmentProject.objects.filter(signed_on__gte=start, signed_on__lte=day)
    if zones is not None:
        signed = signed.filter(zone__in=zones)
    return signed.exclude(tier=Tier.OTHER)


def by_zone(zones, *, start, day) -> dict[int, set]:
    """High-tier projects signed in the period, as keys per zone: the enterprise when one is
    recorded, else the project. Rolled up as a union, a project of one enterprise claimed by
    several zones counts once above them."""
    result: dict[int, set] = {}
    for zone_id, pk, enterprise_id in _signed(zones, start, day).values_list(
        "zone_id", "pk", "enterprise_id"
    ):
        result.setdefault(zone_id, set()).add(f"e{enterprise_id}" if enterprise_id else f"p{pk}")
    return result


def introduced(zones, *, start, day) -> Decimal:
    return combine(by_zone(zones, start=start, day=day).values())


def shared_claims(engine, unit_id: int, *, day, limit: int = 20) -> tuple[int, list[dict]]:
    """Enterprises whose high-tier projects signed in the period stand in more than one zone
    under the unit on `day`: collaborative attraction (协同招商) or the same project claimed
    twice. Returns how many there are and the first `limit` of them with their projects. The
    zones' enterprises are the measure's own per-zone figures (plans.figures); one query reads
    the projects of those shown."""
    per_zone = engine.zone_values("high_tier_projects_introduced", day)
    members = set(engine.tree(day).members(unit_id))
    zones_of_key = Counter(
        key for zone in members for key in per_zone.get(zone, ()) if key.startswith("e")
    )
    shared = sorted(int(key[1:]) for key, n in zones_of_key.items() if n >= 2)
    projects = [
        p
        for p in _signed(None, engine.plan.starts_on, day)
        .filter(enterprise__in=shared[:limit])
        .select_related("zone", "enterprise")
        .order_by("enterprise_id", "zone_id", "pk")
        if p.zone_id in members
    ]
    grouped: dict[int, dict] = {}
    for project in projects:
        entry = grouped.setdefault(
            project.enterprise_id, {"enterprise": project.enterprise, "projects": []}
        )
        entry["projects"].append(project)
    return len(shared), list(grouped.values())


def _pipeline(zones, *, start, day, deadline) -> dict[int, Decimal]:
    negotiating = (
        InvestmentProject.objects.filter(zone__in=zones, negotiating_on__lte=day)
        .filter(Q(signed_on__isnull=True) | Q(signed_on__gt=day))
        .exclude(tier=Tier.OTHER)
    )
    counts = negotiating.values("zone_id").annotate(n=Count("pk")).values_list("zone_id", "n")
    return {zone: Decimal(n) for zone, n in counts}


def _stalled(units, *, day, deadline) -> dict[int, list]:
    stalled = (
        InvestmentProject.objects.filter(zone__in=units, negotiating_on__lte=day)
        .filter(Q(signed_on__isnull=True) | Q(signed_on__gt=day))
        .exclude(tier=Tier.OTHER)
    )
    return first_per_zone(stalled, "negotiating_on")


def _describe_stalled(pks, *, day, deadline) -> list[dict]:
    projects = InvestmentProject.objects.select_related("zone").in_bulk(pks)
    return [
        {
            "name": p.name,
            "zone": p.zone.name,
            "url": reverse("project_detail", args=[p.pk]),
            "why": gettext("In negotiation since %(day)s; not signed") % {"day": p.negotiating_on},
            "since": p.negotiating_on,
        }
        for p in (projects[pk] for pk in pks if pk in projects)
    ]


def register_all() -> None:
    register(
        "high_tier_projects_introduced",
        Measure(
            by_zone=by_zone,
            pipeline_by_zone=_pipeline,
            drivers=Drivers(_stalled, _describe_stalled),
            source="高能级产业化项目：计划期内签约的500强、细分行业领军、核心关键配套项目；同一企业被多个功能区申报只计一次",
            reads=("investment.InvestmentProject",),
        ),
    )
