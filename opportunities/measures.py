"""The opportunity lists as indicators a plan can target and an assessment scheme can use
(plans.measures; assessment.sources takes every measure): opportunities published, answers
received, and answers turned into investment projects, each counted for the issuing zone
between the plan's start and the day. Each is read from what happened on its day (a
publication step, an answer's arrival, a project's lead day), so a later withdrawal, a later
erasure of the answer's personal data or a later move of the zone leaves a past day as it was.
An opportunity issued by a district or the city counts for no zone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from plans.measures import Measure, register

from .choices import StepAction
from .models import Response, Step


def _bounds(start: dt.date, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `start` to the end of `day`, local time."""

    def midnight(d: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(d, dt.time.min))

    return midnight(start), midnight(day + dt.timedelta(days=1))


def published_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    """Per zone, its opportunities published from `start` to `day` (each once, however many
    versions were published)."""
    begin, end = _bounds(start, day)
    rows = (
        Step.objects.filter(
            action=StepAction.PUBLISH,
            version__opportunity__unit__in=zones,
            at__gte=begin,
            at__lt=end,
        )
        .values("version__opportunity__unit_id")
        .annotate(n=Count("version__opportunity_id", distinct=True))
        .values_list("version__opportunity__unit_id", "n")
    )
    return {zone: Decimal(n) for zone, n in rows}


def responses_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    """Per zone, the answers (揭榜) its opportunities received from `start` to `day`."""
    begin, end = _bounds(start, day)
    rows = (
        Response.objects.filter(
            opportunity__unit__in=zones, received_at__gte=begin, received_at__lt=end
        )
        .values("opportunity__unit_id")
        .annotate(n=Count("pk"))
        .values_list("opportunity__unit_id", "n")
    )
    return {zone: Decimal(n) for zone, n in rows}


def matched_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    """Per zone, the answers turned into an investment project whose lead day falls from
    `start` to `day`."""
    rows = (
        Response.objects.filter(
            opportunity__unit__in=zones,
            project__isnull=False,
            project__lead_on__gte=start,
            project__lead_on__lte=day,
        )
        .values("opportunity__unit_id")
        .annotate(n=Count("pk"))
        .values_list("opportunity__unit_id", "n")
    )
    return {zone: Decimal(n) for zone, n in rows}


MEASURES = {
    "opportunities_published": (
        published_by_zone,
        "计划期内经审核发布的建设机会数（按发布单位，每条机会只计一次）",
        ("opportunities.Step",),
    ),
    "opportunity_responses": (
        responses_by_zone,
        "计划期内企业对已发布机会的揭榜（对接）数",
        ("opportunities.Response",),
    ),
    "responses_to_projects": (
        matched_by_zone,
        "计划期内由揭榜转为招商项目（线索阶段）的个数",
        ("opportunities.Response", "investment.InvestmentProject"),
    ),
}


def register_all() -> None:
    for code, (by_zone, source, reads) in MEASURES.items():
        register(code, Measure(by_zone=by_zone, source=source, reads=reads))
