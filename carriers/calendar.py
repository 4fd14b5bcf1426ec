"""Working days: China's official calendar (holidays and make-up workdays) where the
chinese-calendar package covers the year, Monday to Friday elsewhere — and say which."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
        remaining = workdays
        current = day
        while True:
            if self.is_workday(current):
                remaining -= 1
                if remaining <= 0:
                    return current
            current -= ONE_DAY

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Workdays from the day after `start` to `end` inclusive (0 when end ≤ start)."""
        count, current = 0, start + ONE_DAY
        while current <= end:
            count += self.is_workday(current)
            current += ONE_DAY
        return count

    @property
    def note(self) -> str:
        if not self.fallback_years:
            return gettext("Working days follow the official holidays and make-up workdays.")
        years = "、".join(str(y) for y in sorted(self.fallback_years))
        return gettext(
            "No official holiday data for %(years)s: working days are Monday to Friday."
        ) % {"years": years}
