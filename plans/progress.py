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


def value_of(target: Target, *, day: dt.date, unit: Unit | None = None) -> Decimal | None:
    """The indicator's value for the target's unit (or `unit`) on `day`; None without a source."""
    indicator = target.indicator
    unit = unit or target.unit
    start = target.plan.starts_on
    if day < start:
        return Decimal(0)
    if indicator.kind == IndicatorKind.REPORTED:
        return _reported(indicator, unit, day)
    measure = measures.get(indicator.code)
    if measure is None:
        return None
    return Decimal(measure.value(measures.zones_of(unit, day), start=start, day=day) or 0)


def _reported(indicator, unit: Unit, day: dt.date) -> Decimal | None:
    """The sum, over the units of the subtree, of each unit's latest value up to `day`. One
    query: the values arrive newest first and the first seen for each unit is kept."""
    units = Unit.objects.subtree_of(unit).active_on(day)
    rows = (
        ReportedValue.objects.filter(indicator=indicator, unit__in=units, period_end__lte=day)
        .order_by("unit_id", "-period_end")
        .values_list("unit_id", "value")
    )
    latest: dict[int, Decimal] = {}
    for unit_id, value in rows:
        latest.setdefault(unit_id, value)
    return sum(latest.values(), Decimal(0)) if latest else None


def _meets(comparator: str, value: Decimal, goal: Decimal) -> bool:
    if comparator == Comparator.LTE:
        return value <= goal
    if comparator == Comparator.EQ:
        return value == goal
    return value >= goal


def progress(target: Target, *, day: dt.date, with_drivers: bool = False) -> Progress:
    if not target.is_quantified:
        return Progress(target=target, day=day, status=Status.QUALITATIVE)
    deadline = target.deadline
    value = value_of(target, day=day)
    if value is None:
        return Progress(target=target, day=day, status=Status.NO_DATA)
    goal = target.value
    result = Progress(target=target, day=day, status=Status.OFF_TRACK, value=value)
    result.percent = (value / goal * 100) if goal else None
    result.remaining = max(Decimal(0), goal - value)
    result.months_left = months_between(day, deadline)
    start = target.plan.starts_on
    window_start = max(months_back(day, RECENT_MONTHS), start)
    result.window_months = months_between(window_start, day)
    result.earlier = (
        value_of(target, day=window_start - dt.timedelta(days=1))
        if window_start > start
        else Decimal(0)
    )
    if result.window_months > 0 and result.earlier is not None:
        result.pace_recent = (value - result.earlier) / result.window_months
    if result.months_left > 0:
        result.pace_needed = result.remaining / result.months_left
    if result.pace_recent is not None:
        result.forecast_trend = value + result.pace_recent * result.months_left
    measure = (
        measures.get(target.indicator.code)
        if target.indicator.kind == IndicatorKind.DERIVED
        else None
    )
    zones = measures.zones_of(target.unit, day)
    if measure and measure.pipeline and day < deadline:
        result.forecast_pipeline = value + Decimal(
            measure.pipeline(zones, start=start, day=day, deadline=deadline) or 0
        )
    result.status = _status(target.comparator, value, goal, result.forecast, day >= deadline)
    if (
        with_drivers
        and measure
        and measure.drivers
        and result.status in (Status.AT_RISK, Status.OFF_TRACK, Status.MISSED)
    ):
        result.drivers = measure.drivers(zones, day=day, deadline=deadline)
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
