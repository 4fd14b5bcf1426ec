"""Writes of background jobs: start one, run it in a worker, keep its lease, and take back the
work of a worker that died.

A job runs as a django-tasks task. The task calls `run`, which hands the domain's function a
`Context`: the function reports progress through it (which also renews the job's lease) and
calls `Context.ensure_current` inside the transaction that stores its result. A worker that
stops renewing the lease for `ZONEPLAN_TASK_LEASE_SECONDS` (killed, out of memory, its machine
gone) is presumed dead by `take_back_lost`, which every worker runs between tasks and every
progress page runs when it polls: the job is queued again while attempts remain
(`ZONEPLAN_TASK_RETRIES`), else it fails with a message that says so. An attempt that was
taken back and still finishes finds it is no longer current and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import traceback as tb
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.refusals import Refusal

from .choices import JobKind, JobStatus
from .models import Job
from .signals import job_failed

log = logging.getLogger(__name__)

#: Progress is written at most this often (seconds), unless the percentage moved.
WRITE_EVERY = 1.0


class Superseded(Exception):
    """This attempt was taken back (its lease ran out) and another one is current."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ZONEPLAN_TASK_LEASE_SECONDS)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


@dataclass
class Context:
    """What a running job's function sees: its parameters, and a way to report progress."""

    job_id: str
    attempt: int
    params: dict[str, Any]
    _written_at: float = field(default=0.0, repr=False)
    _percent: int = field(default=-1, repr=False)
    _aside: Any = field(default=None, repr=False)  # a second connection, opened when needed
    # How deep in transactions the work began (0 in a worker; a test may wrap it in one).
    _depth: int = field(default_factory=lambda: len(connection.atomic_blocks), repr=False)

    def progress(self, percent: int, step: str = "") -> None:
        """Record how far the work has come (0–100) and renew the lease. Cheap to call often:
        it writes at most once a second unless the percentage moved. Raises `Superseded` when
        this attempt is no longer the current one, so the work stops early."""
        percent = max(0, min(100, int(percent)))
        now = time.monotonic()
        if percent == self._percent and now - self._written_at < WRITE_EVERY:
            return
        inside_the_work = len(connection.atomic_blocks) > self._depth
        if inside_the_work and connection.vendor == "postgresql":
            self._write_aside(percent, str(step)[:200])
        else:
            updated = Job.objects.filter(
                pk=self.job_id, attempt=self.attempt, status=JobStatus.RUNNING
            ).update(progress=percent, step=str(step)[:200], heartbeat_at=timezone.now())
            if not updated:
                raise Superseded
        self._written_at, self._percent = now, percent

    def _write_aside(self, percent: int, step: str) -> None:
        """Progress from inside the work's storing transaction. On the work's own connection it
        would show only at the commit, and the lease would look dead meanwhile; a second
        connection to the same database commits it at once. It does not tell a taken-back
        attempt (the row may not be visible to it, as inside a test's transaction):
        `ensure_current`, last in that transaction, does. On SQLite, with one writer at a time,
        progress written inside the transaction shows at the commit."""
        if self._aside is None:
            self._aside = connections.create_connection(DEFAULT_DB_ALIAS)
        quote = self._aside.ops.quote_name
        columns = {f.name: quote(f.column) for f in Job._meta.concrete_fields}
        with self._aside.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(Job._meta.db_table)} SET {columns['progress']} = %s, "  # noqa: S608 - quoted model identifiers; values are bound
                f"{columns['step']} = %s, {columns['heartbeat_at']} = %s WHERE {columns['id']} = %s "
                f"AND {columns['attempt']} = %s AND {columns['status']} = %s",
                [percent, step, timezone.now(), uuid.UUID(self.job_id), self.attempt,
                 str(JobStatus.RUNNING)],
            )  # fmt: skip

    def close(self) -> None:
        if self._aside is not None:
            self._aside.close()
            self._aside = None

    def summary(self, text: str) -> None:
        """One line saying what the work did, shown on the job's page when it is done."""
        Job.objects.filter(pk=self.job_id, attempt=self.attempt).update(summary=str(text)[:300])

    def keep_file(self, name: str, content_type: str, content: bytes) -> None:
        """Keep the file the work made with the job; its page offers it for download."""
        Job.objects.filter(pk=self.job_id, attempt=self.attempt).update(
            file_name=name[:200], file_type=content_type[:120], file_content=content
        )

    def ensure_current(self) -> None:
        """Call inside the transaction that stores the result: locks the job's row and raises
        `Superseded` when another attempt has taken the work over, so nothing is stored twice."""
        current = (
            Job.objects.select_for_update()
            .filter(pk=self.job_id, attempt=self.attempt, status=JobStatus.RUNNING)
            .exists()
        )
        if not current:
            raise Superseded


def _stores_with_the_data(task) -> bool:
    """Whether enqueueing writes to this database (or runs at once), so it commits or rolls
    back with the caller's transaction; other backends are handed the task after the commit,
    so a worker never looks for a job that is not there yet."""
    from django_tasks.backends.dummy import DummyBackend
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend | ImmediateBackend | DummyBackend)


def _enqueue(job: Job) -> None:
    from django.utils.module_loading import import_string

    task = import_string(job.task_path)

    def hand_over() -> None:
        result = task.enqueue(job_id=str(job.pk), attempt=job.attempt)
        Job.objects.filter(pk=job.pk, attempt=job.attempt).update(task_id=str(result.id))

    if _stores_with_the_data(task):
        hand_over()
    else:
        transaction.on_commit(hand_over)


def start(
    *,
    kind: JobKind,
    task,
    params: dict[str, Any],
    user=None,
    result_url: str = "",
) -> Job:
    """Record a job and hand it to the task backend. `task` is a django-tasks task that takes
    `job_id` and `attempt` and calls `run`."""
    job = Job.objects.create(
        kind=kind,
        task_path=task.module_path,
        params=params,
        started_by=user,
        result_url=result_url,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        max_attempts=settings.ZONEPLAN_TASK_RETRIES + 1,
    )
    _enqueue(job)
    job.refresh_from_db()
    return job


def run(job_id: str, attempt: int, work: Callable[[Context], str]) -> str:
    """Run one attempt of a job in this worker: `work` gets the context and returns the result
    page (or ""). Returns what happened, for the task backend's record."""
    claimed = Job.objects.filter(
        pk=job_id, attempt=attempt, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        worker=worker_name(),
    )
    if not claimed:
        return "superseded"  # taken back and queued again, or already ended
    job = Job.objects.get(pk=job_id)
    context = Context(job_id=str(job.pk), attempt=attempt, params=job.params)
    with translation.override(job.language):
        try:
            result_url = work(context)
        except Superseded:
            log.warning("job %s attempt %s was taken over; its result is dropped", job_id, attempt)
            return "superseded"
        except Refusal as refusal:
            _fail(job_id, attempt, str(refusal))
            return "refused"
        except Exception as error:
            _fail(
                job_id,
                attempt,
                _(
                    "The work stopped on an error and stored nothing. The administrators can "
                    "see the details; please tell them when it happened."
                ),
                "".join(tb.format_exception(error)),
            )
            raise
        finally:
            context.close()
    Job.objects.filter(pk=job_id, attempt=attempt, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE,
        progress=100,
        step="",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        **({"result_url": result_url} if result_url else {}),
    )
    return "done"


def _fail(job_id, attempt: int, message: str, traceback: str = "") -> None:
    failed = Job.objects.filter(
        pk=job_id, attempt=attempt, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(
        status=JobStatus.FAILED,
        error=message,
        traceback=traceback,
        finished_at=timezone.now(),
    )
    if failed:
        job_failed.send(Job, job=Job.objects.get(pk=job_id))


def _close_in_backend(job: Job) -> None:
    """Mark the backend's record of a lost attempt as failed, so it does not read as running
    for ever (only the database backend keeps such a record here)."""
    from django.utils.module_loading import import_string
    from django_tasks import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if job.task_id and isinstance(import_string(job.task_path).get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(pk=job.task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="jobs.services.WorkerLost",
            traceback=f"The worker {job.worker} stopped renewing the lease of job {job.pk}.",
        )


def take_back_lost(*, now: dt.datetime | None = None, job: Job | None = None) -> list[Job]:
    """Jobs whose worker has not shown a sign of life for a lease: queue each again while it
    has attempts left, else fail it and say why. Returns the jobs taken back."""
    now = now or timezone.now()
    stale = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - lease())
    if job is not None:
        stale = stale.filter(pk=job.pk)
    taken = []
    for candidate in stale.values_list("pk", flat=True):
        with transaction.atomic():
            lost = (
                Job.objects.select_for_update()
                .filter(pk=candidate, status=JobStatus.RUNNING, heartbeat_at__lt=now - lease())
                .first()
            )
            if lost is None:
                continue  # renewed, or taken back by another worker, meanwhile
            _close_in_backend(lost)
            lost.lost_workers += 1
            log.warning("job %s lost its worker %s", lost.pk, lost.worker)
            if lost.attempt < lost.max_attempts:
                lost.attempt += 1
                lost.status = JobStatus.QUEUED
                lost.progress, lost.step, lost.heartbeat_at, lost.task_id = 0, "", None, ""
                lost.queued_at = now
                lost.save()
                _enqueue(lost)
            else:
                with translation.override(lost.language):
                    lost.error = _(
                        "The worker doing this stopped (it was restarted or its machine went "
                        "down) %(times)s time(s), and no attempt is left. Nothing of it was "
                        "stored. Start it again."
                    ) % {"times": lost.lost_workers}
                lost.status, lost.finished_at = JobStatus.FAILED, now
                lost.save()
                job_failed.send(Job, job=lost)  # the domain marks its object, in this transaction
            taken.append(lost)
    return taken
