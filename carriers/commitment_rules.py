"""The commitments the carriers registry can follow (plans.commitments): platforms in the
sci-tech spaces, the public-service taxonomy covered, occupancy raised over the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.commitments import Finding, Rule, ratio_basis, register

from .measures import begun, scitech_spaces_begun
from .models import Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform


def _scitech_platforms(engine, unit_id, day) -> Finding | None:
    """Sci-tech spaces started or built by the day that host a public technology platform
    opened by then."""
    spaces = scitech_spaces_begun(engine.holders_under(unit_id, day), day)
    total = spaces.count()
    if not total:
        return None
    opened = TechPlatform.objects.filter(carrier__in=spaces).filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=day)
    )
    hosting = opened.values("carrier").distinct().count()
    return Finding(
        done=Decimal(hosting),
        of=Decimal(total),
        basis=ratio_basis(hosting, total, _("sci-tech spaces host a public technology platform"))
        + _(" (%(n)s platforms)") % {"n": opened.count()},
    )


def _service_coverage(engine, unit_id, day, *, categories: int, items: int) -> Finding:
    """Categories and items of public services with a project started or built by the day,
    against the 8 and 18 the plan names (their names are configured; see carriers.models)."""
    under_way = ServiceProject.objects.filter(zone__in=engine.holders_under(unit_id, day)).filter(
        begun(day)
    )
    covered_items = ServiceItem.objects.filter(projects__in=under_way).distinct().count()
    covered_categories = (
        ServiceCategory.objects.filter(items__projects__in=under_way).distinct().count()
    )
    return Finding(
        done=Decimal(covered_items),
        of=Decimal(items),
        basis=_("%(c)s/%(cs)s categories and %(i)s/%(is)s items of public services under way")
        % {"c": covered_categories, "cs": categories, "i": covered_items, "is": items},
    )


def _occupancy_on(carriers, moment) -> tuple[Decimal, Decimal] | None:
    """(floor area, occupied floor area) of completed carriers as their history stood at
    `moment`: each carrier's latest history row by then that records a rate (history ids grow
    with time), found by one grouped query and read by a second."""
    history = Carrier.history.filter(
        id__in=carriers.filter(actual_completion__lte=moment.date()).values("pk"),
        history_date__lte=moment,
        occupancy_rate__isnull=False,  # the latest state that recorded a rate
    )
    latest = history.values("id").annotate(last=Max("history_id")).values("last")
    rows = Carrier.history.filter(history_id__in=latest).values_list(
        "floor_area_m2", "occupancy_rate", "actual_completion"
    )
    area = occupied = Decimal(0)
    for floor, rate, completed in rows:
        if rate is not None and completed is not None and completed <= moment.date():
            area += floor
            occupied += floor * rate
    return (area, occupied) if area else None


def _occupancy_raised(engine, unit_id, day) -> Finding | None:
    """Occupancy of completed carriers (weighted by floor area) on the day against the start
    of the plan, both read from the carriers' history (what was recorded by then)."""
    carriers = Carrier.objects.filter(zone__in=engine.holders_under(unit_id, day))
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(engine.plan.starts_on, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day, dt.time.max, tzinfo=zone)
    before, now = _occupancy_on(carriers, start), _occupancy_on(carriers, end)
    if before is None or now is None:
        return None
    then_rate, now_rate = before[1] / before[0], now[1] / now[0]
    raised = now_rate > then_rate
    return Finding(
        done=Decimal(1 if raised else 0),
        of=Decimal(1),
        basis=_("occupancy %(now)s%% against %(then)s%% at the start of the plan")
        % {"now": f"{now_rate * 100:.1f}", "then": f"{then_rate * 100:.1f}"},
    )


def register_all() -> None:
    register(
        "scitech_platforms",
        Rule(_scitech_platforms, {}),
    )
    register(
        "service_coverage",
        Rule(_service_coverage, {"categories": int, "items": int}),
    )
    register(
        "occupancy_raised",
        Rule(_occupancy_raised, {}),
    )


__all__ = ["register_all"]
