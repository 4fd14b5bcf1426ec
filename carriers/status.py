"""Construction status, derived from dates and never stored beside them.

As of a day D in year Y:
- completed (已建成): actually completed on or before D;
- new start (新开工): actually started in year Y, on or before D, not completed;
- continuing (续建): actually started before year Y, not completed;
- planned (计划): not yet actually started.
The plan's 1000万 m² of sci-tech space counts new starts, continuing and completed.

`status_on` answers for one object in Python; `status_expression` is the same rule as SQL for
querysets (counting and summing in the database). A test checks they agree.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    NEW_START = "new_start", _("New start")
    CONTINUING = "continuing", _("Continuing")
    COMPLETED = "completed", _("Completed")


def status_on(
    *, actual_start: dt.date | None, actual_completion: dt.date | None, day: dt.date
) -> str:
    if actual_completion and actual_completion <= day:
        return Status.COMPLETED
    if actual_start and actual_start <= day:
        return Status.NEW_START if actual_start.year == day.year else Status.CONTINUING
    return Status.PLANNED


def status_expression(day: dt.date) -> Case:
    year_start = dt.date(day.year, 1, 1)
    return Case(
        When(
            Q(actual_completion__isnull=False, actual_completion__lte=day),
            then=Value(Status.COMPLETED),
        ),
        When(Q(actual_start__gte=year_start, actual_start__lte=day), then=Value(Status.NEW_START)),
        When(Q(actual_start__lt=year_start), then=Value(Status.CONTINUING)),
        default=Value(Status.PLANNED),
        output_field=models.CharField(max_length=20),
    )


def status_filter(status: str, day: dt.date) -> Q:
    """The rows whose status on `day` is `status`, as a plain filter (index-friendly)."""
    year_start = dt.date(day.year, 1, 1)
    done = Q(actual_completion__isnull=False, actual_completion__lte=day)
    if status == Status.COMPLETED:
        return done
    if status == Status.NEW_START:
        return Q(actual_start__gte=year_start, actual_start__lte=day) & ~done
    if status == Status.CONTINUING:
        return Q(actual_start__lt=year_start) & ~done
    return (Q(actual_start__isnull=True) | Q(actual_start__gt=day)) & ~done
