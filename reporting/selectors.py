"""Reads of the statistics system."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from .choices import State, Step
from .models import DataSet, Event, Submission, SubmissionValue
from .services import period_of

SUBMITTED_STATES = {State.SUBMITTED, State.DISTRICT_APPROVED, State.CITY_APPROVED}
PENDING_STATES = {State.SUBMITTED, State.DISTRICT_APPROVED}  # sent up, not yet approved by the city


def pending_values(indicator, unit_ids, day: dt.date) -> dict[int, tuple[dt.date, Decimal]]:
    """Each unit's latest value of `indicator` under review (submitted, or approved by the
    district only) for a period ending by `day`: {unit id: (period end, value)}."""
    rows = (
        SubmissionValue.objects.filter(
            indicator=indicator,
            submission__unit_id__in=list(unit_ids),
            submission__state__in=PENDING_STATES,
            submission__period_end__lte=day,
            value__isnull=False,
        )
        .order_by("submission__period_end")
        .values_list("submission__unit_id", "submission__period_end", "value")
    )
    # the latest period wins; value__isnull=False above
    return {unit_id: (end, value) for unit_id, end, value in rows if value is not None}


def pending_stamp() -> str:
    """Moves on with every step of the chain (values under review change only with a step)."""
    latest = Event.objects.exclude(step=Step.SAVE).aggregate(latest=Max("pk"))["latest"]
    return str(latest or 0)


def recent_periods(
    data_set: DataSet, today: dt.date, count: int = 6
) -> list[tuple[dt.date, dt.date]]:
    """The last `count` periods that have ended by `today`, oldest first; none that ended
    before the data set's first period (`starts_on`)."""
    periods: list[tuple[dt.date, dt.date]] = []
    start, end = period_of(data_set.period_type, today)
    if end > today:
        start, end = period_of(data_set.period_type, start - dt.timedelta(days=1))
    first = data_set.starts_on
    while len(periods) < count and (first is None or end >= first):
        periods.append((start, end))
        start, end = period_of(data_set.period_type, start - dt.timedelta(days=1))
    return periods[::-1]


def open_periods(data_set: DataSet, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The periods that have ended by `today` and whose lock day has not passed, oldest first:
    the ones a unit may still report without asking for an unlock."""
    count = (
        data_set.lock_days
        // {"month": 28, "quarter": 90, "year": 365}.get(data_set.period_type, 28)
        + 1
    )
    return [
        (start, end)
        for start, end in recent_periods(data_set, today, count)
        if end + dt.timedelta(days=data_set.lock_days) >= today
    ]


@dataclass
class Cell:
    state: str | None  # None: no submission at all
    submitted_on: dt.date | None  # the first submission, in local time
    due: dt.date
    today: dt.date

    @property
    def counted(self) -> bool:
        return self.state in SUBMITTED_STATES

    @property
    def late(self) -> bool:
        """Submitted after the due day, or not submitted and the due day has passed."""
        if self.submitted_on is not None:
            return self.submitted_on > self.due
        return self.today > self.due


@dataclass
class Completeness:
    periods: list[tuple[dt.date, dt.date]]
    rows: list[tuple[object, list[Cell]]]  # (unit, one cell per period)
    submitted: list[int]  # per period: units that submitted
    on_time: list[int]  # per period: units that submitted by the due day

    @property
    def totals(self) -> list[tuple[int, int]]:
        return list(zip(self.submitted, self.on_time, strict=True))

    @property
    def owing(self) -> int:
        """The units that owe each period (the rows)."""
        return len(self.rows)


def completeness(data_set: DataSet, units, *, today: dt.date) -> Completeness:
    """Which of `units` reported each recent period, and whether on time. Two queries besides
    the units."""
    periods = recent_periods(data_set, today)
    ends = [end for _start, end in periods]
    units = list(units.order_by("order", "code"))
    submissions = {
        (s.unit_id, s.period_end): s
        for s in Submission.objects.filter(data_set=data_set, unit__in=units, period_end__in=ends)
    }
    first_submit = dict(
        Event.objects.filter(submission__in=submissions.values(), step=Step.SUBMIT)
        .values_list("submission_id")
        .annotate(first=Min("at"))
    )
    rows, submitted, on_time = [], [0] * len(periods), [0] * len(periods)
    for unit in units:
        cells = []
        for i, end in enumerate(ends):
            s = submissions.get((unit.pk, end))
            at = first_submit.get(s.pk) if s else None
            cell = Cell(
                state=s.state if s else None,
                submitted_on=timezone.localtime(at).date() if at else None,
                due=end + dt.timedelta(days=data_set.due_days),
                today=today,
            )
            if cell.counted:
                submitted[i] += 1
                on_time[i] += not cell.late
            cells.append(cell)
        rows.append((unit, cells))
    return Completeness(periods=periods, rows=rows, submitted=submitted, on_time=on_time)
