"""Where each target stands on a given day: value, share of the target, pace, forecasts and
a status. The rule is in docs/progress.md; the numbers are in the target's base unit.

Pace is per month. The recent pace is the gain over the last three months (or since the
plan's start, when that is nearer); the pace needed is what remains divided by the months to
the deadline. The trend forecast extends the recent pace to the deadline; the pipeline
forecast adds what registries schedule to count by then (planned starts and completions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from territory.choices import UnitKind
from territory.models import Unit

from . import measures
from .choices import Comparator, IndicatorKind
from .models import ReportedValue, Target

DAYS_PER_MONTH = Decimal("30.4375")
AT_RISK_SHARE = Decimal(
    "0.8"
)  # a forecast reaching 80% of the target is "at risk", below it "off track"
RECENT_MONTHS = 3


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MISSED = "missed"
    NO_DATA = "no_data"
    QUALITATIVE = "qualitative"


@dataclass
class Progress:
    target: Target
    day: dt.date
    status: str
    value: Decimal | None = None
    earlier: Decimal | None = None  # the value at the start of the recent window
    window_months: Decimal = Decimal(0)
    percent: Decimal | None = None
    remaining: Decimal | None = None
    months_left: Decimal = Decimal(0)
    pace_needed: Decimal | None = None
    pace_recent: Decimal | None = None
    forecast_trend: Decimal | None = None
    forecast_pipeline: Decimal | None = None
    drivers: list = field(default_factory=list)
    pending: bool = False  # the value counts figures the city has not yet approved

    @property
    def forecast(self) -> Decimal | None:
        candidates = [f for f in (self.forecast_trend, self.forecast_pipeline) if f is not None]
        return max(candidates) if candidates else None


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def months_between(start: dt.date, end: dt.date) -> Decimal:
    return max(Decimal(0), Decimal((end - start).days) / DAYS_PER_MONTH)


class Engine:
    """Progress of many targets on one day with a constant number of queries: each measure is
    asked once per day for every zone (one grouped query), and each target rolls up the zones
    of its unit's subtree."""

    def __init__(self, plan, *, pending: bool = False):
        self.plan = plan
        self.pending = pending  # count reported values still under review (then marked)
        self.used_pending: set[tuple[int, dt.date]] = set()  # (target, day) that counted them
        self._paths: dict[dt.date, dict[int, list[int]]] = {}  # day → unit id → zone ids
        self._values: dict[tuple, dict] = {}

    def _zones(self, day: dt.date):
        return Unit.objects.filter(kind=UnitKind.ZONE).active_on(day)

    def _zone_ids(self, unit: Unit, day: dt.date) -> list[int]:
        """The zones in force on `day` under `unit`: an index built once per day that files
        every zone under each of its ancestors (zones × depth, not zones × targets)."""
        if day not in self._paths:
            index: dict[int, list[int]] = {}
            for pk, path in self._zones(day).values_list("pk", "path"):
                for ancestor in path.strip("/").split("/"):
                    index.setdefault(int(ancestor), []).append(pk)
            self._paths[day] = index
        return self._paths[day].get(unit.pk, [])

    def _by_zone(self, code: str, fn, day: dt.date, **extra) -> dict:
        key = (code, fn, day, tuple(sorted(extra.items())))
        if key not in self._values:
            self._values[key] = fn(self._zones(day), start=self.plan.starts_on, day=day, **extra)
        return self._values[key]

    def value(self, target: Target, day: dt.date) -> Decimal | None:
        indicator = target.indicator
        if day < self.plan.starts_on:
            return Decimal(0)
        if indicator.kind == IndicatorKind.REPORTED:
            value, used_pending = _reported(indicator, target.unit, day, pending=self.pending)
            if used_pending:
                self.used_pending.add((target.pk, day))
            return value
        measure = measures.get(indicator.code)
        if measure is None:
            return None
        values = self._by_zone(indicator.code, measure.by_zone, day)
        return measures.combine(values[z] for z in self._zone_ids(target.unit, day) if z in values)

    def zone_values(self, code: str, day: dt.date) -> dict[int, Decimal]:
        """A derived indicator's value for every zone in force on `day`."""
        measure = measures.get(code)
        if measure is None or day < self.plan.starts_on:
            return {}
        return self._by_zone(code, measure.by_zone, day)

    def pipeline(self, target: Target, day: dt.date, deadline: dt.date) -> Decimal | None:
        measure = (
            measures.get(target.indicator.code)
            if target.indicator.kind == IndicatorKind.DERIVED
            else None
        )
        if measure is None or measure.pipeline_by_zone is None:
            return None
        values = self._by_zone(
            target.indicator.code, measure.pipeline_by_zone, day, deadline=deadline
        )
        return measures.combine(values[z] for z in self._zone_ids(target.unit, day) if z in values)


def value_of(target: Target, *, day: dt.date) -> Decimal | None:
    """The indicator's value for the target's unit on `day`; None without a source."""
    return Engine(target.plan).value(target, day)


def _reported(
    indicator, unit: Unit, day: dt.date, *, pending: bool = False
) -> tuple[Decimal | None, bool]:
    """The sum, over the units of the subtree, of each unit's latest value up to `day` (one
    query, each unit's latest value found through the (indicator, unit, period_end) index),
    and whether it counts a pending value. With `pending`, a unit's value under review replaces
    its approved one when it is for a later period (or the same period, re-reported)."""
    latest = ReportedValue.objects.filter(
        indicator=indicator, unit=OuterRef("pk"), period_end__lte=day
    ).order_by("-period_end")
    rows = (
        Unit.objects.subtree_of(unit)
        .active_on(day)
        .annotate(
            latest=Subquery(latest.values("value")[:1]),
            latest_end=Subquery(latest.values("period_end")[:1]),
        )
        .values_list("pk", "latest", "latest_end")
    )
    approved = {pk: (end, value) for pk, value, end in rows if value is not None}
    source = measures.pending_source() if pending else None
    used_pending = False
    if source is not None:
        unit_ids = [pk for pk, _value, _end in rows]
        for pk, (end, value) in source.values(indicator, unit_ids, day).items():
            if pk not in approved or end >= approved[pk][0]:
                approved[pk] = (end, value)
                used_pending = True
    if not approved:
        return None, False
    return sum((value for _end, value in approved.values()), Decimal(0)), used_pending


def _meets(comparator: str, value: Decimal, goal: Decimal) -> bool:
    if comparator == Comparator.LTE:
        return value <= goal
    if comparator == Comparator.EQ:
        return value == goal
    return value >= goal


def progress(
    target: Target, *, day: dt.date, with_drivers: bool = False, engine: Engine | None = None
) -> Progress:
    if not target.is_quantified:
        return Progress(target=target, day=day, status=Status.QUALITATIVE)
    engine = engine or Engine(target.plan)
    deadline = target.deadline
    value = engine.value(target, day)
    if value is None:
        return Progress(target=target, day=day, status=Status.NO_DATA)
    goal = target.value
    result = Progress(
        target=target,
        day=day,
        status=Status.OFF_TRACK,
        value=value,
        pending=(target.pk, day) in engine.used_pending,
    )
    result.percent = (value / goal * 100) if goal else None
    result.remaining = max(Decimal(0), goal - value)
    result.months_left = months_between(day, deadline)
    start = target.plan.starts_on
    window_start = max(months_back(day, RECENT_MONTHS), start)
    result.window_months = months_between(window_start, day)
    result.earlier = (
        engine.value(target, window_start - dt.timedelta(days=1))
        if window_start > start
        else Decimal(0)
    )
    if result.window_months > 0 and result.earlier is not None:
        result.pace_recent = (value - result.earlier) / result.window_months
    if result.months_left > 0:
        result.pace_needed = result.remaining / result.months_left
    if result.pace_recent is not None:
        result.forecast_trend = value + result.pace_recent * result.months_left
    if day < deadline:
        pending = engine.pipeline(target, day, deadline)
        if pending is not None:
            result.forecast_pipeline = value + pending
    result.status = _status(target.comparator, value, goal, result.forecast, day >= deadline)
    measure = (
        measures.get(target.indicator.code)
        if target.indicator.kind == IndicatorKind.DERIVED
        else None
    )
    if (
        with_drivers
        and measure
        and measure.drivers
        and result.status in (Status.AT_RISK, Status.OFF_TRACK, Status.MISSED)
    ):
        result.drivers = measure.drivers(
            measures.zones_of(target.unit, day), day=day, deadline=deadline
        )
    return result


def _status(
    comparator: str, value: Decimal, goal: Decimal, forecast: Decimal | None, deadline_passed: bool
) -> str:
    if _meets(comparator, value, goal):
        return Status.MET
    if deadline_passed:
        return Status.MISSED
    if forecast is not None and _meets(comparator, forecast, goal):
        return Status.ON_TRACK
    if comparator == Comparator.GTE and forecast is not None and forecast >= goal * AT_RISK_SHARE:
        return Status.AT_RISK
    return Status.OFF_TRACK
