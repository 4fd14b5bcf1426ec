"""What the investment registry tells the plan: registered with plans.measures at start-up."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.urls import reverse

from plans.measures import Measure, register

from .choices import Tier
from .models import InvestmentProject


def _signed(zones, start, day):
    return InvestmentProject.objects.filter(
        zone__in=zones, signed_on__gte=start, signed_on__lte=day
    ).exclude(tier=Tier.OTHER)


def introduced(zones, *, start, day) -> Decimal:
    """High-tier projects signed in the period. Projects of one enterprise claimed by several
    zones count once: one per enterprise, plus each project with no enterprise recorded."""
    signed = _signed(zones, start, day)
    with_enterprise = (
        signed.exclude(enterprise__isnull=True).values("enterprise").distinct().count()
    )
    return Decimal(with_enterprise + signed.filter(enterprise__isnull=True).count())


def shared_claims(zones, *, start, day) -> list[tuple[InvestmentProject, InvestmentProject]]:
    """Pairs of high-tier projects in different zones with the same enterprise, both signed in
    the period: collaborative attraction (协同招商) or the same project claimed twice."""
    signed = list(
        _signed(zones, start, day)
        .exclude(enterprise__isnull=True)
        .select_related("zone", "enterprise")
        .order_by("enterprise_id", "zone_id", "pk")
    )
    pairs = []
    for i, first in enumerate(signed):
        for second in signed[i + 1 :]:
            if second.enterprise_id != first.enterprise_id:
                break
            if second.zone_id != first.zone_id:
                pairs.append((first, second))
    return pairs


def _pipeline(zones, *, start, day, deadline) -> Decimal:
    negotiating = (
        InvestmentProject.objects.filter(zone__in=zones, negotiating_on__lte=day)
        .filter(Q(signed_on__isnull=True) | Q(signed_on__gt=day))
        .exclude(tier=Tier.OTHER)
    )
    return Decimal(negotiating.count())


def _drivers(zones, *, day, deadline) -> list[dict]:
    stalled = (
        InvestmentProject.objects.filter(zone__in=zones, negotiating_on__lte=day)
        .filter(Q(signed_on__isnull=True) | Q(signed_on__gt=day))
        .exclude(tier=Tier.OTHER)
        .select_related("zone")
        .order_by("negotiating_on")[:10]
    )
    return [
        {
            "name": p.name,
            "zone": p.zone.name,
            "url": reverse("project_detail", args=[p.pk]),
            "why": f"{p.negotiating_on} 起洽谈，尚未签约",
            "since": p.negotiating_on,
        }
        for p in stalled
    ]


def register_all() -> None:
    register(
        "high_tier_projects_introduced",
        Measure(
            value=introduced,
            pipeline=_pipeline,
            drivers=_drivers,
            source="高能级产业化项目：计划期内签约的500强、细分行业领军、核心关键配套项目；同一企业被多个功能区申报只计一次",
        ),
    )
