"""The assessment's work that runs in a task worker."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from jobs.services import Context, run

from .framework import AssessmentError


@task()
def run_assessment(job_id: str, attempt: int) -> str:
    """Gather, score and store one run (its pk is the job's `run` parameter)."""

    def work(context: Context) -> str:
        from .models import Run
        from .services import execute

        finished = execute(context.params["run"], context)
        if finished.status == Run.Status.FAILED:
            raise AssessmentError(finished.message)  # the job fails with the run's reason
        return reverse("assessment_run", args=[finished.pk])

    return run(job_id, attempt, work)
