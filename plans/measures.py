"""Where an indicator's numbers come from.

A *derived* indicator is computed from registries. Registry apps register a `Measure` for
the indicator codes they can answer, in their AppConfig.ready(); the plans app never imports
them. A *reported* indicator reads values entered for units and periods (`ReportedValue`).

A measure is asked about the zones of a unit's subtree, as the tree stood on the day asked
about, between the plan's start and that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from territory.models import Unit

# (zones, *, start, day) -> {zone id: value}. A value is a number (summed up the tree) or a
# set of keys (counted as a union, so what two zones both claim counts once above them).
ByZone = Callable[..., dict[int, "Decimal | set"]]


DRIVERS_SHOWN = 10  # how many late items a target shows


@dataclass(frozen=True)
class Drivers:
    """The registry items behind a shortfall: late starts, late completions, stalled talks."""

    # (units, *, day, deadline) -> {zone id: [(since, pk), …]}: each zone's first
    # DRIVERS_SHOWN late items, the longest late first (`first_per_zone` makes it).
    late_by_zone: Callable[..., dict[int, list]]
    # (pks, *, day, deadline) -> [{"name", "zone", "url", "why", "since"}] in the order of pks.
    describe: Callable[..., list[dict]]


def first_per_zone(late, since: str, limit: int = DRIVERS_SHOWN) -> dict[int, list]:
    """{zone id: [(since as ISO date, pk), …]}: the first `limit` rows of the queryset `late`
    in each zone by `since` (then pk), with one windowed query."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    ranked = late.annotate(
        place=Window(RowNumber(), partition_by=[F("zone_id")], order_by=[F(since), F("pk")])
    ).filter(place__lte=limit)
    result: dict[int, list] = {}
    for zone, day, pk in ranked.order_by("zone_id", since, "pk").values_list(
        "zone_id", since, "pk"
    ):
        result.setdefault(zone, []).append((day.isoformat(), pk))
    return result


@dataclass(frozen=True)
class Measure:
    by_zone: ByZone
    # What is scheduled to count by the deadline but does not yet: (zones, *, start, day, deadline).
    pipeline_by_zone: ByZone | None = None
    # The registry items behind a shortfall (late or stalled).
    drivers: Drivers | None = None
    source: str = ""  # one line for the docs and pages: what is counted
    # The tracked models it reads ("carriers.Carrier"): its per-zone values are then kept in
    # the zone figures and brought up to date zone by zone (plans.figures). Empty: computed
    # on every request.
    reads: tuple[str, ...] = ()
    # The plan parameter it is counted by (plans.parameters): the engine passes the plan's
    # value to by_zone and pipeline_by_zone as keyword arguments.
    parameter: str = ""


def combine(values) -> Decimal:
    """Roll zone values up: numbers add, sets of keys unite. A key may carry the share of it
    that its zone counts ("c7@0.4@z12", investment.measures.project_key): the shares of one
    key add up across zones, to at most 1."""
    values = list(values)
    if values and isinstance(values[0], set):
        weights: dict[str, Decimal] = {}
        for key in set().union(*values):
            base, _at, rest = str(key).partition("@")
            share = Decimal(rest.split("@")[0]) if rest else Decimal(1)
            weights[base] = weights.get(base, Decimal(0)) + share
        total = sum((min(w, Decimal(1)) for w in weights.values()), Decimal(0))
        return Decimal(int(total)) if total == total.to_integral_value() else total.normalize()
    return sum((Decimal(v) for v in values), Decimal(0))


_MEASURES: dict[str, Measure] = {}


def register(code: str, measure: Measure) -> None:
    _MEASURES[code] = measure


def get(code: str) -> Measure | None:
    return _MEASURES.get(code)


def registered() -> dict[str, Measure]:
    return dict(_MEASURES)


@dataclass(frozen=True)
class PendingSource:
    """Reported values sent for review but not yet approved by the city. The reporting app
    registers one; the plans app counts them only when a viewer asks to include them."""

    # (indicator, unit ids, day) -> {unit id: (period end, value)}: each unit's latest pending
    # value for a period ending by `day`.
    values: Callable[..., dict[int, tuple[dt.date, Decimal]]]
    # Changes whenever any pending value or state changes (part of cache keys).
    stamp: Callable[[], str]


_PENDING: list[PendingSource] = []


def register_pending(source: PendingSource) -> None:
    _PENDING[:] = [source]


def pending_source() -> PendingSource | None:
    return _PENDING[0] if _PENDING else None


def zones_of(unit: Unit, day: dt.date) -> QuerySet[Unit]:
    """The units whose registered items count under `unit` on `day`, over the tree as it then
    stood (territory.history): its zones and development units, and what merged into them. A
    zone that spans two districts counts for its primary district only, so totals never
    double."""
    from territory.history import Tree

    return Unit.objects.filter(pk__in=Tree.on(day).members(unit.pk))


def _core_areas(zones, *, start, day) -> dict[int, Decimal]:
    """Zones with a core starting area delineated by `day`."""
    from territory.models import ZoneShape

    delineated = ZoneShape.objects.filter(
        zone__in=zones, kind=ZoneShape.Kind.CORE_AREA, delineated_on__lte=day
    )
    return {zone_id: Decimal(1) for zone_id in delineated.values_list("zone_id", flat=True)}


register(
    "core_areas_delineated",
    Measure(
        by_zone=_core_areas,
        source="已登记核心起步区（经检查）的功能区个数",
        reads=("territory.ZoneShape",),
    ),
)
