"""Backward schedules (倒排工期): each milestone's latest date, counted back from the deadline
in working days, and whether a carrier keeps to it.

The latest finish of a step is the deadline when nothing follows it, else the workday before
the earliest latest start of the steps that follow it; its latest start lies its duration in
working days before that. A carrier's deadline is its planned completion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .calendar import ONE_DAY, WorkingCalendar
from .models import Carrier, ScheduleStep, ScheduleTemplate

DUE_SOON_WORKDAYS = 10


class MilestoneStatus:
    DONE = "done"  # reached on or before its latest date
    DONE_LATE = "done_late"
    LATE = "late"  # its latest date has passed and it is not reached
    DUE_SOON = "due_soon"  # its latest date is within 10 working days
    PENDING = "pending"
    UNRECORDED = "unrecorded"  # the registry keeps no date for this step


@dataclass
class Milestone:
    step: ScheduleStep
    latest_start: dt.date
    latest_finish: dt.date
    actual: dt.date | None = None
    status: str = MilestoneStatus.PENDING

    @property
    def latest(self) -> dt.date:
        """The date that counts for this step: its start for a recorded start, else its finish."""
        return (
            self.latest_start
            if self.step.tracks == ScheduleStep.Tracks.START
            else self.latest_finish
        )


@dataclass
class Schedule:
    carrier: Carrier
    deadline: dt.date | None
    milestones: list[Milestone] = field(default_factory=list)
    status: str = MilestoneStatus.PENDING
    calendar_note: str = ""


def backward(
    steps: list[ScheduleStep], deadline: dt.date, calendar: WorkingCalendar
) -> dict[int, tuple[dt.date, dt.date]]:
    """(latest start, latest finish) of every step, by step id."""
    successors: dict[int, list[ScheduleStep]] = {s.pk: [] for s in steps}
    for step in steps:
        if step.predecessor_id in successors:
            successors[step.predecessor_id].append(step)
    result: dict[int, tuple[dt.date, dt.date]] = {}

    def place(step: ScheduleStep) -> tuple[dt.date, dt.date]:
        if step.pk in result:
            return result[step.pk]
        following = successors[step.pk]
        if following:
            earliest = min(place(s)[0] for s in following)
            finish = calendar.back(earliest - ONE_DAY, 1)
        else:
            finish = calendar.back(deadline, 1)
        start = calendar.back(finish, max(step.working_days, 1))
        result[step.pk] = (start, finish)
        return result[step.pk]

    for step in steps:
        place(step)
    return result


def schedule_of(
    carrier: Carrier,
    *,
    today: dt.date,
    templates: dict[str, list[ScheduleStep]] | None = None,
    calendar: WorkingCalendar | None = None,
) -> Schedule:
    calendar = calendar or WorkingCalendar()
    if templates is None:
        templates = steps_by_kind()
    steps = templates.get(carrier.kind, [])
    deadline = carrier.planned_completion
    schedule = Schedule(carrier=carrier, deadline=deadline)
    if not steps or deadline is None:
        return schedule
    dates = backward(steps, deadline, calendar)
    for step in steps:
        start, finish = dates[step.pk]
        milestone = Milestone(step=step, latest_start=start, latest_finish=finish)
        milestone.actual = getattr(carrier, step.tracks) if step.tracks else None
        milestone.status = _status(milestone, today, calendar)
        schedule.milestones.append(milestone)
    tracked = [m.status for m in schedule.milestones if m.step.tracks]
    for status in (MilestoneStatus.LATE, MilestoneStatus.DUE_SOON):
        if status in tracked:
            schedule.status = status
            break
    else:
        schedule.status = (
            MilestoneStatus.DONE
            if tracked
            and all(s in (MilestoneStatus.DONE, MilestoneStatus.DONE_LATE) for s in tracked)
            else MilestoneStatus.PENDING
        )
    schedule.calendar_note = calendar.note
    return schedule


def _status(milestone: Milestone, today: dt.date, calendar: WorkingCalendar) -> str:
    if not milestone.step.tracks:
        return MilestoneStatus.UNRECORDED
    latest = milestone.latest
    if milestone.actual and milestone.actual <= today:
        return MilestoneStatus.DONE if milestone.actual <= latest else MilestoneStatus.DONE_LATE
    if today > latest:
        return MilestoneStatus.LATE
    if calendar.workdays_between(today, latest) <= DUE_SOON_WORKDAYS:
        return MilestoneStatus.DUE_SOON
    return MilestoneStatus.PENDING


def steps_by_kind() -> dict[str, list[ScheduleStep]]:
    """Every template's steps, in two queries."""
    result: dict[str, list[ScheduleStep]] = {}
    for template in ScheduleTemplate.objects.prefetch_related("steps"):
        result[template.kind] = sorted(template.steps.all(), key=lambda s: s.order)
    return result


def late_or_due(carriers, *, today: dt.date) -> list[Schedule]:
    """The carriers (a scoped queryset) late on a milestone or due within 10 working days,
    latest first."""
    templates = steps_by_kind()
    calendar = WorkingCalendar()
    found = []
    for carrier in (
        carriers.filter(kind__in=list(templates), planned_completion__isnull=False)
        .exclude(actual_completion__lte=today)
        .select_related("zone")
    ):
        schedule = schedule_of(carrier, today=today, templates=templates, calendar=calendar)
        if schedule.status in (MilestoneStatus.LATE, MilestoneStatus.DUE_SOON):
            found.append(schedule)
    found.sort(
        key=lambda s: (
            s.status != MilestoneStatus.LATE,
            min(m.latest for m in s.milestones if m.step.tracks),
        )
    )
    return found
