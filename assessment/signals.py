"""A run whose job ended without a result (its worker died once too often, or an error) is
marked failed with the job's message, so no run reads as running for ever."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from jobs.choices import JobKind
from jobs.signals import job_failed

from .models import Run


@receiver(job_failed)
def run_failed_with_its_job(sender, *, job, **kwargs) -> None:
    if job.kind != JobKind.ASSESSMENT:
        return
    Run.objects.filter(
        pk=job.params.get("run"), status__in=[Run.Status.QUEUED, Run.Status.RUNNING]
    ).update(status=Run.Status.FAILED, message=job.error, finished_at=timezone.now())
