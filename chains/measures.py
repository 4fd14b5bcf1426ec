"""What the attraction lists tell the plan (plans.measures): 清单化管理, the signed projects
that came from a zone's list. Registered at start-up."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count

from plans.measures import Measure, register

from .models import AttractionTarget


def listed_signed_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    """Per zone, the projects signed in the plan's period by the day that a line of the zone's
    attraction list names: attraction managed by list."""
    from investment.models import InvestmentProject

    listed = AttractionTarget.objects.filter(project__isnull=False)
    if zones is not None:
        listed = listed.filter(zone__in=zones)
    signed = InvestmentProject.objects.filter(
        signed_on__gte=start,
        signed_on__lte=day,
        pk__in=listed.values("project_id"),
    )
    counts = signed.values("zone_id").annotate(n=Count("pk")).values_list("zone_id", "n")
    return {zone: Decimal(n) for zone, n in counts}


def register_all() -> None:
    register(
        "listed_signed_projects",
        Measure(
            by_zone=listed_signed_by_zone,
            source="计划期内签约、且为本功能区招引清单所列的项目数",
            reads=("chains.AttractionTarget", "investment.InvestmentProject"),
        ),
    )
