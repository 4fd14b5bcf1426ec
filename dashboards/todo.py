"""The to-do inbox (待办): what waits for this person, gathered from every domain, each item
linking to the page where it is done. Read from the data each time (nothing is stored), within
what the person may act on: accounts.scoping decides, as everywhere.

- reports their own units owe for an open period, due or overdue, and reports returned to them;
- reports awaiting their review: a district's officers review the zones below it, the city's
  administrators what the districts approved;
- opportunities awaiting their review, attraction conflicts and assessment consequences
  awaiting the city's decision;
- their notices not yet read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from accounts.choices import Role
from accounts.scoping import (
    is_city_admin,
    may_decide_conflicts,
    memberships,
    restrict,
)
from assessment.models import Consequence
from investment.choices import ConflictStatus
from investment.selectors import conflicts_for
from opportunities.selectors import awaiting_review
from reporting.choices import State
from reporting.models import DataSet, Notice, Submission
from reporting.selectors import SUBMITTED_STATES, open_periods
from territory.models import Unit

SHOWN = 50  # items listed per section; the count says how many there are


@dataclass
class Owed:
    """A report a unit of the person's owes for a period (no submission sent up yet)."""

    data_set: DataSet
    unit: Unit
    period_end: dt.date
    due: dt.date
    submission: Submission | None  # a draft already opened, or a returned report

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.due

    @property
    def returned(self) -> bool:
        return self.submission is not None and self.submission.state == State.RETURNED


@dataclass
class Inbox:
    owed: list[Owed] = field(default_factory=list)
    to_review: list[Submission] = field(default_factory=list)
    to_review_count: int = 0
    opportunities: list = field(default_factory=list)
    opportunities_count: int = 0
    conflicts: list = field(default_factory=list)
    conflicts_count: int = 0
    consequences: list = field(default_factory=list)
    consequences_count: int = 0
    notices: list[Notice] = field(default_factory=list)
    unread: int = 0

    @property
    def count(self) -> int:
        """What the badge in the navigation shows: the things to do, not the notices."""
        return (
            len(self.owed)
            + self.to_review_count
            + self.opportunities_count
            + self.conflicts_count
            + self.consequences_count
        )


def _reporting_units(user) -> list[Unit]:
    """The units whose reports are the person's own to send: those they are an officer of."""
    own = {
        path
        for role, path in memberships(user)
        if role in (Role.ZONE_OFFICER, Role.DISTRICT_OFFICER)
    }
    return list(Unit.objects.filter(path__in=own)) if own else []


def owed_reports(user, today: dt.date | None = None) -> list[Owed]:
    """Each open period of each data set one of the person's units reports in, that the unit
    has not sent up: not started, a draft, or returned. Oldest due day first."""
    today = today or timezone.localdate()
    units = _reporting_units(user)
    if not units:
        return []
    owed = []
    data_sets = DataSet.objects.filter(units__in=units).distinct().prefetch_related("units")
    for data_set in data_sets:
        periods = [
            end
            for _start, end in open_periods(data_set, today)
            if data_set.starts_on is None or end >= data_set.starts_on
        ]
        if not periods:
            continue
        mine = [u for u in units if u in set(data_set.units.all())]
        found = {
            (s.unit_id, s.period_end): s
            for s in Submission.objects.filter(
                data_set=data_set, unit__in=mine, period_end__in=periods
            )
        }
        for unit in mine:
            for end in periods:
                submission = found.get((unit.pk, end))
                if submission is not None and submission.state in SUBMITTED_STATES:
                    continue
                due = end + dt.timedelta(days=data_set.due_days)
                owed.append(Owed(data_set, unit, end, due, submission))
    owed.sort(key=lambda o: (not o.returned, o.due, o.unit.path))
    return owed


def reports_to_review(user):
    """Reports awaiting the person's approval: sent up by the zones below their district, or
    approved by a district when they are a city administrator."""
    wanted = Q(pk__in=[])
    districts = [path for role, path in memberships(user) if role == Role.DISTRICT_OFFICER]
    for path in districts:
        wanted |= Q(state=State.SUBMITTED, unit__path__startswith=path) & ~Q(unit__path=path)
    if is_city_admin(user):
        wanted |= Q(state=State.DISTRICT_APPROVED)
    return (
        Submission.objects.filter(wanted)
        .select_related("data_set", "unit")
        .order_by("updated_at", "pk")
    )


def inbox(user, *, shown: int = SHOWN) -> Inbox:
    found = Inbox(owed=owed_reports(user))
    review = reports_to_review(user)
    found.to_review_count = review.count()
    found.to_review = list(review[:shown])
    opportunities = awaiting_review(user)
    found.opportunities_count = opportunities.count()
    found.opportunities = list(opportunities[:shown])
    if may_decide_conflicts(user):
        conflicts = conflicts_for(user).filter(status=ConflictStatus.OPEN).order_by("pk")
        found.conflicts_count = conflicts.count()
        found.conflicts = list(conflicts[:shown])
    if is_city_admin(user):
        consequences = (
            restrict(Consequence.objects.all(), user, via="unit")
            .filter(decision=Consequence.Decision.PROPOSED)
            .select_related("run", "unit")
            .order_by("run_id", "unit__path")
        )
        found.consequences_count = consequences.count()
        found.consequences = list(consequences[:shown])
    notices = Notice.objects.filter(user=user).select_related(
        "data_set", "unit", "event__user", "event__submission"
    )
    found.unread = notices.filter(read=False).count()
    found.notices = list(notices[:shown])
    return found


def badge(user) -> int:
    """The navigation's count: the things to do and the notices not yet read."""
    if not user.is_authenticated:
        return 0
    found = inbox(user, shown=0)
    return found.count + found.unread
