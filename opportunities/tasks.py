"""Work of the opportunities app that runs in a worker: erasing the personal data of answers
past their retention period, each night (ZONEPLAN_RESPONSE_ERASE_AT)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from jobs.services import Context, run


@task()
def erase_responses_job(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        from django.db import transaction

        from .services import erase_expired_responses

        context.progress(5, _("Erasing the contacts of answers past their retention period"))
        with transaction.atomic():
            context.ensure_current()
            count = erase_expired_responses()
        context.summary(_("%(n)s answers had their personal data erased.") % {"n": count})
        return ""

    return run(job_id, attempt, work)
