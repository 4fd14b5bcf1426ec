"""One piece of long work handed to a task worker, as the person who started it follows it.

The task backend (django-tasks) keeps its own row of what it ran; a `Job` is what Zoneplan
knows about the same work: who started it and in which language, how far it has come, when a
worker last showed it was alive (the lease), which attempt is the current one, and the error
as its starter reads it. The backend can be swapped (database, Redis, Celery) without
changing any of this.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import JobKind, JobStatus


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    task_path = models.CharField(_("task"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    lost_workers = models.PositiveSmallIntegerField(_("workers lost"), default=0)
    task_id = models.CharField(_("task id in the backend"), max_length=64, blank=True)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    result_url = models.CharField(_("result page"), max_length=300, blank=True)
    summary = models.CharField(_("outcome"), max_length=300, blank=True)
    # A file the work made (a briefing), kept with the job so any server can hand it over.
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {str(self.pk)[:8]}"

    @property
    def is_open(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class PeriodicRun(models.Model):
    """One slot of a periodic job that a worker started (jobs.periodic): unique per name and
    slot, so workers that wake together start it once."""

    name = models.CharField(_("periodic job"), max_length=60)
    slot = models.DateTimeField(_("due at"))
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        ordering = ["-slot"]
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M}"
