"""Working days: China's official calendar (holidays and make-up workdays) where the
chinese-calendar package covers the year, Monday to Friday elsewhere — and say which."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext

ONE_DAY = dt.timedelta(days=1)


@dataclass
class WorkingCalendar:
    # Years for which plain weekdays stood in for the official calendar (it lacked them).
    fallback_years: set[int] = field(default_factory=set)

    def is_workday(self, day: dt.date) -> bool:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            self.fallback_years.add(day.year)
            return day.weekday() < 5

    def back(self, day: dt.date, workdays: int) -> dt.date:
        """The latest day to start `workdays` of work that must be done by the end of `day`:
        counting `day` itself when it is a workday."""
        workdays = max(workdays, 1)
        index = _index()
        if index.covers(day) and index.count_to(day) >= workdays:
            # The workday whose count up to it is the count up to `day`, less workdays - 1.
            found = index.workday_numbered(index.count_to(day) - workdays + 1)
            self._note_years(found, day)
            return found
        return self._walk_back(day, workdays)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Workdays from the day after `start` to `end` inclusive (0 when end ≤ start)."""
        if end <= start:
            return 0
        index = _index()
        if index.covers(start) and index.covers(end):
            self._note_years(start + ONE_DAY, end)
            return index.count_to(end) - index.count_to(start)
        count, current = 0, start + ONE_DAY
        while current <= end:
            count += self.is_workday(current)
            current += ONE_DAY
        return count

    def _walk_back(self, day: dt.date, workdays: int) -> dt.date:
        remaining, current = workdays, day
        while True:
            if self.is_workday(current):
                remaining -= 1
                if remaining <= 0:
                    return current
            current -= ONE_DAY

    def _note_years(self, first: dt.date, last: dt.date) -> None:
        """Say which years counted by weekdays alone, as the day-by-day count would have."""
        missing = _index().weekday_years
        for year in range(first.year, last.year + 1):
            if year in missing:
                self.fallback_years.add(year)

    @property
    def note(self) -> str:
        if not self.fallback_years:
            return gettext("Working days follow the official holidays and make-up workdays.")
        years = "、".join(str(y) for y in sorted(self.fallback_years))
        return gettext(
            "No official holiday data for %(years)s: working days are Monday to Friday."
        ) % {"years": years}


# ── A count of workdays kept once per process, so counting back is a lookup ──

INDEX_FIRST = dt.date(2000, 1, 1)
INDEX_LAST = dt.date(2060, 12, 31)


class _WorkdayIndex:
    """For each day from INDEX_FIRST to INDEX_LAST, how many workdays there are from
    INDEX_FIRST to it (inclusive), and the days that are workdays, in order: the backward
    schedules of thousands of carriers count back hundreds of days each, which walking the
    calendar one day at a time made the late list take seconds."""

    def __init__(self) -> None:
        calendar = WorkingCalendar()
        self.counts: list[int] = []
        self.workdays: list[dt.date] = []
        total, day = 0, INDEX_FIRST
        while day <= INDEX_LAST:
            if calendar.is_workday(day):
                total += 1
                self.workdays.append(day)
            self.counts.append(total)
            day += ONE_DAY
        self.weekday_years = frozenset(calendar.fallback_years)

    def covers(self, day: dt.date) -> bool:
        return INDEX_FIRST <= day <= INDEX_LAST

    def count_to(self, day: dt.date) -> int:
        return self.counts[(day - INDEX_FIRST).days]

    def workday_numbered(self, number: int) -> dt.date:
        """The `number`-th workday from INDEX_FIRST (1 is the first)."""
        return self.workdays[number - 1]


@lru_cache(maxsize=1)
def _index() -> _WorkdayIndex:
    return _WorkdayIndex()
