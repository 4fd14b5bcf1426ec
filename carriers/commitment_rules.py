"""The commitments the carriers registry can follow (plans.commitments): platforms in the
sci-tech spaces, the public-service taxonomy covered, occupancy raised over the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.commitments import Finding, Rule, ratio_basis, register

from .measures import begun, scitech_spaces_begun
from .models import Carrier, ServiceItem, ServiceProject, TechPlatform

CARRIERS = "carriers.Carrier"


def spaces_hosting(units, day, hosted):
    """Per zone (sci-tech spaces started or built by the day, those hosting one of `hosted`,
    how many of `hosted`): `hosted` is a queryset of things in carriers, given the spaces."""
    spaces = scitech_spaces_begun(units, day)
    tallies = {
        zone: [Decimal(n), Decimal(0), Decimal(0)]
        for zone, n in spaces.values("zone_id").annotate(n=Count("pk")).values_list("zone_id", "n")
    }
    for zone, hosting, n in (
        hosted(spaces)
        .values("carrier__zone_id")
        .annotate(h=Count("carrier", distinct=True), n=Count("pk"))
        .values_list("carrier__zone_id", "h", "n")
    ):
        tallies[zone][1:] = [Decimal(hosting), Decimal(n)]
    return {zone: tuple(t) for zone, t in tallies.items()}


def _scitech_platforms(engine, unit_id, day) -> Finding | None:
    """Sci-tech spaces started or built by the day that host a public technology platform
    opened by then."""

    def opened(spaces):
        return TechPlatform.objects.filter(carrier__in=spaces).filter(
            Q(opened_on__isnull=True) | Q(opened_on__lte=day)
        )

    per_zone = engine.per_zone(
        "rule:scitech_platforms",
        lambda units: spaces_hosting(units, day, opened),
        day,
        reads=(CARRIERS, "carriers.TechPlatform"),
    )
    tally = engine.summed(per_zone, unit_id, day)
    if tally is None or not tally[0]:
        return None
    total, hosting, platforms = tally
    return Finding(
        done=hosting,
        of=total,
        basis=ratio_basis(hosting, total, _("sci-tech spaces host a public technology platform"))
        + _(" (%(n)s platforms)") % {"n": int(platforms)},
    )


def _items_under_way(units, day) -> dict[int, set]:
    under_way = ServiceProject.objects.filter(zone__in=units).filter(begun(day))
    result: dict[int, set] = {}
    for zone, item in under_way.values_list("zone_id", "item_id").distinct():
        result.setdefault(zone, set()).add(item)
    return result


def _service_coverage(engine, unit_id, day, *, categories: int, items: int) -> Finding:
    """Categories and items of public services with a project started or built by the day,
    against the 8 and 18 the plan names (their names are configured; see carriers.models)."""
    per_zone = engine.per_zone(
        "rule:service_items",
        lambda units: _items_under_way(units, day),
        day,
        reads=("carriers.ServiceProject",),
    )
    covered = engine.summed(per_zone, unit_id, day) or set()
    covered_categories = (
        ServiceItem.objects.filter(pk__in=covered).values("category").distinct().count()
        if covered
        else 0
    )
    return Finding(
        done=Decimal(len(covered)),
        of=Decimal(items),
        basis=_("%(c)s/%(cs)s categories and %(i)s/%(is)s items of public services under way")
        % {"c": covered_categories, "cs": categories, "i": len(covered), "is": items},
    )


def _occupancy_on(units, moment) -> dict[int, tuple[Decimal, Decimal]]:
    """Per zone (floor area, occupied floor area) of completed carriers as their history
    stood at `moment`, each in the zone it then stood in: each carrier's latest history row by
    then that records a rate (history ids grow with time), found by one grouped query and read
    by a second."""
    history = Carrier.history.filter(
        zone__in=units,
        history_date__lte=moment,
        occupancy_rate__isnull=False,  # the latest state that recorded a rate
    )
    latest = history.values("id").annotate(last=Max("history_id")).values("last")
    rows = Carrier.history.filter(history_id__in=latest).values_list(
        "zone_id", "floor_area_m2", "occupancy_rate", "actual_completion"
    )
    result: dict[int, tuple[Decimal, Decimal]] = {}
    for zone, floor, rate, completed in rows:
        if rate is not None and completed is not None and completed <= moment.date():
            area, occupied = result.get(zone, (Decimal(0), Decimal(0)))
            result[zone] = (area + floor, occupied + floor * rate)
    return result


def _occupancy_raised(engine, unit_id, day) -> Finding | None:
    """Occupancy of completed carriers (weighted by floor area) on the day against the start
    of the plan, both read from the carriers' history (what was recorded by then)."""
    zone = timezone.get_current_timezone()
    rates = []
    for moment in (
        dt.datetime.combine(engine.plan.starts_on, dt.time.min, tzinfo=zone),
        dt.datetime.combine(day, dt.time.max, tzinfo=zone),
    ):
        per_zone = engine.per_zone(
            "rule:occupancy",
            lambda units, moment=moment: _occupancy_on(units, moment),
            moment.date(),
            reads=(CARRIERS,),
            at=moment.time().isoformat(),
        )
        tally = engine.summed(per_zone, unit_id, day)
        if tally is None or not tally[0]:
            return None
        rates.append(tally[1] / tally[0])
    then_rate, now_rate = rates
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
