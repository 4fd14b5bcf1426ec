"""The statistics system's completeness and timeliness as a commitment (plans.commitments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from plans.commitments import Finding, Rule, register

from .models import DataSet
from .selectors import completeness


def _reporting_completeness(engine, unit_id, day) -> Finding | None:
    """Of the reports due by the day (each data set's recent periods, from the units that
    report it under the unit), how many came in on time; the basis gives both rates."""
    members = set(engine.tree(day).members(unit_id))
    due = submitted = on_time = 0
    for data_set in DataSet.objects.prefetch_related("units"):
        # The reporting units under the unit on the day (a few ids, not the whole subtree).
        reporting = [u.pk for u in data_set.units.all() if u.pk in members]
        found = completeness(data_set, data_set.units.filter(pk__in=reporting), today=day)
        for (_start, end), (got, timely) in zip(found.periods, found.totals, strict=True):
            if end + dt.timedelta(days=data_set.due_days) > day:
                continue  # not due yet
            due += len(found.rows)
            submitted += got
            on_time += timely
    if not due:
        return None
    return Finding(
        done=Decimal(on_time),
        of=Decimal(due),
        basis=_("%(s)s/%(d)s reports in (%(c)s%%), %(t)s on time (%(r)s%%)")
        % {
            "s": submitted,
            "d": due,
            "c": f"{submitted * 100 / due:.0f}",
            "t": on_time,
            "r": f"{on_time * 100 / due:.0f}",
        },
    )


def register_all() -> None:
    register(
        "reporting_completeness",
        Rule(_reporting_completeness, {}),
    )
