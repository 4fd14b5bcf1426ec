"""Sent when a job ends without its result, whatever the reason (a refusal, an error, or a
worker that died too often), so the domain object it worked on can say so too."""

from django.dispatch import Signal

job_failed = Signal()  # sender: the Job class; job: the failed Job


def fail_open_jobs_after_a_restore(sender, **kwargs) -> None:
    """Jobs that were open when the backup was made have no worker and no task any more."""
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from .choices import OPEN, JobStatus
    from .models import Job

    open_jobs = Job.objects.filter(status__in=OPEN)
    for language in set(open_jobs.values_list("language", flat=True)):
        with translation.override(language):
            message = _(
                "This was not finished when the backup was made, and stopped with the restore. "
                "Start it again."
            )
        open_jobs.filter(language=language).update(
            status=JobStatus.FAILED, error=message, finished_at=timezone.now()
        )
