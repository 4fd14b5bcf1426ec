"""The investment registry's work that runs in a task worker: the search for attraction
conflicts over every zone's projects (docs/conflicts.md), each night and on the city's asking."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from jobs.choices import JobKind
from jobs.services import Context, run, start


def start_detection(*, user=None):
    return start(
        kind=JobKind.CONFLICTS,
        task=detect_conflicts_job,
        params={},
        user=user,
        result_url=reverse("conflict_list"),
    )


@task()
def detect_conflicts_job(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        from django.db import transaction

        from .services import detect_conflicts

        context.progress(5, _("Comparing the zones' projects and enterprises"))
        # The result is stored in one transaction that first checks this attempt still holds
        # the job (docs/tasks.md).
        with transaction.atomic():
            context.ensure_current()
            counts = detect_conflicts()
        context.summary(
            _(
                "%(opened)s new conflicts, %(reopened)s opened again, %(cleared)s cleared, "
                "%(updated)s updated."
            )
            % counts
        )
        return reverse("conflict_list")

    return run(job_id, attempt, work)
