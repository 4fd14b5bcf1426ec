"""The statistics system's work that runs in a task worker: the daily reminders and
escalations (a periodic job, registered in apps.py; `manage.py send_reminders` still does the
same by hand)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django_tasks import task

from jobs.services import Context, run


@task()
def send_reminders_job(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        from .reminders import send_reminders

        sent = send_reminders(dt.date.fromisoformat(context.params["day"]))
        context.summary(
            _("%(reminders)s reminders and %(escalations)s escalations sent.")
            % {"reminders": sent["reminder"], "escalations": sent["escalation"]}
        )
        return ""

    return run(job_id, attempt, work)
