"""Reminders before a report is due and escalation to the district after it, as in-app notices
and e-mails. The task workers run it daily at ZONEPLAN_REMIND_AT (reporting/tasks.py, a
periodic job); `manage.py send_reminders` runs it by hand. Running it twice a day sends nothing
twice (a notice is unique per user, kind, data set, unit and period)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.choices import WRITING_ROLES, Role
from accounts.models import Membership

from .models import DataSet, Notice, Submission
from .notices import mail
from .selectors import SUBMITTED_STATES, recent_periods


def send_reminders(today: dt.date) -> dict[str, int]:
    """Notices created (and mailed) now, by kind."""
    sent = {Notice.Kind.REMINDER: 0, Notice.Kind.ESCALATION: 0}
    for data_set in DataSet.objects.prefetch_related("units"):
        ((_start, end),) = recent_periods(data_set, today, count=1)
        due = end + dt.timedelta(days=data_set.due_days)
        if today < due - dt.timedelta(days=settings.ZONEPLAN_REMIND_DAYS):
            continue
        done = set(
            Submission.objects.filter(
                data_set=data_set, period_end=end, state__in=SUBMITTED_STATES
            ).values_list("unit_id", flat=True)
        )
        for unit in data_set.units.all():
            if unit.pk in done:
                continue
            if today <= due:
                kind = Notice.Kind.REMINDER
                text = f"请在 {due} 前提交“{unit.name}”{end:%Y-%m}的“{data_set.name}”"
                people = Membership.objects.filter(unit=unit, role__in=WRITING_ROLES)
            else:
                kind = Notice.Kind.ESCALATION
                text = f"“{unit.name}”{end:%Y-%m}的“{data_set.name}”已逾期未提交（截止 {due}）"
                above = [p for p in unit.path.strip("/").split("/")][:-1]
                people = Membership.objects.filter(
                    role=Role.DISTRICT_OFFICER, unit_id__in=[int(p) for p in above]
                )
            for membership in people.select_related("user"):
                sent[kind] += _notify(membership.user, kind, data_set, unit, end, text)
    return sent


def _notify(user, kind, data_set, unit, period_end, text) -> int:
    """The notice (its `text` keeps the Chinese), mailed in the reader's language."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                user=user, kind=kind, data_set=data_set, unit=unit, period_end=period_end, text=text
            )
    except IntegrityError:
        return 0  # already told
    mail(notice)
    return 1
