"""Reads of background jobs."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.scoping import may_follow_job, may_see_every_job

from .choices import JobStatus
from .models import Job

#: After this long in the queue, the page says that no worker seems to be taking work.
UNCLAIMED_AFTER = dt.timedelta(seconds=30)


def job_for(user, pk) -> Job:
    """The job, if `user` may follow it; 404 otherwise (a job's existence is not disclosed)."""
    job = get_object_or_404(Job.objects.select_related("started_by"), pk=pk)
    if not may_follow_job(user, job):
        raise Http404
    return job


def waits_for_a_worker(job: Job, *, now: dt.datetime | None = None) -> bool:
    """Queued for long enough that nobody seems to be running a worker."""
    now = now or timezone.now()
    return job.status == JobStatus.QUEUED and job.queued_at < now - UNCLAIMED_AFTER


def recent_jobs(user, *, limit: int = 50):
    jobs = Job.objects.select_related("started_by")
    if not may_see_every_job(user):
        jobs = jobs.filter(started_by=user)
    return jobs[:limit]
