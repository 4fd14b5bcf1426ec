"""Sent when a job ends without its result, whatever the reason (a refusal, an error, or a
worker that died too often), so the domain object it worked on can say so too."""

from django.dispatch import Signal

job_failed = Signal()  # sender: the Job class; job: the failed Job
