"""The cockpit: every target of a unit with its status, value, pace and forecast."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone, translation

from accounts.scoping import visible_units
from investment.measures import shared_claims
from investment.selectors import pipeline_rates
from plans import cache
from plans.models import Plan
from plans.progress import Engine
from plans.selectors import (
    contributions,
    month_ends,
)
from territory.choices import UnitKind
from territory.models import Unit

from .common import chosen_plan, cockpit_unit, progress_of, scene_gaps_of


@login_required
def cockpit(request, code: str | None = None):
    """Every target with its status, value, pace and forecast; what is at risk and why."""
    plan = chosen_plan(request)
    unit = cockpit_unit(request, code)
    if not isinstance(unit, Unit):
        return unit
    engine = Engine(plan)  # one engine for the page's reads: its trees and zone figures
    data = progress_of(request, plan, unit, engine=engine)
    day, rows = data["day"], data["rows"]
    units = visible_units(request.user)
    claims_total, claims = 0, []
    if any(
        r.target.indicator and r.target.indicator.code == "high_tier_projects_introduced"
        for r in rows
    ):
        claims_total, claims = cache.cached(
            f"claims:{plan.pk}:{unit.pk}:{day.isoformat()}",
            lambda: shared_claims(engine, unit.pk, day=day),
        )
    chart = [
        {
            "name": r.target.title
            if translation.get_language().startswith("zh")
            else (r.target.title_en or r.target.title),
            "percent": float(round(r.percent, 1)) if r.percent is not None else 0,
            "status": r.status,
        }
        for r in rows
        # At the city the parts are summed in their whole; below it the parts are the targets.
        if r.percent is not None and (r.target.parent_id is None or unit.kind != UnitKind.CITY)
    ]
    return render(
        request,
        "dashboards/cockpit.html",
        {
            "nav": "cockpit",
            "plan": plan,
            "unit": unit,
            **data,
            "claims": claims,
            "contributions": []
            if unit.kind == UnitKind.CITY
            else cache.cached(
                f"contributions:{plan.pk}:{unit.pk}:{day.isoformat()}",
                lambda: contributions(plan, unit, day=day),
            ),
            "claims_total": claims_total,
            "rates": cache.cached(
                f"rates:{translation.get_language()}:{plan.pk}:{unit.pk}:{day.isoformat()}",
                lambda: pipeline_rates(engine, unit.pk, day),
            ),
            "rates_day": day,
            "scene_gaps": scene_gaps_of(units, unit),
            "days": month_ends(plan, until=timezone.localdate()),
            "plans": list(Plan.objects.order_by("-year", "-starts_on")),
            "chart": chart,
            "children": units.filter(parent=unit)
            .exclude(kind=UnitKind.ZONE)
            .order_by("order", "code")
            if unit.kind == UnitKind.CITY
            else units.filter(parent=unit, kind=UnitKind.ZONE).order_by("order", "code"),
        },
    )
