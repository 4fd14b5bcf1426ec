"""A long import's progress while its rows are being written: the write is one transaction,
yet the job's page hears how far it has come, and an attempt taken back meanwhile still stores
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections, transaction

from carriers.models import Carrier
from carriers.tests.test_carrier_import import HEADER, xlsx
from core import bulk, uploads
from core.registry_views import commit_staged
from core.tabular import catalogue
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import Context, Superseded, start
from jobs.tests import tasks

ROWS = 3000


def _rows(n: int) -> bytes:
    return xlsx(
        [HEADER]
        + [
            ["成都新经济活力区", "标准厂房", f"进度厂房{i:05d}", 1, dt.date(2020, 3, 1), None, None]
            for i in range(n)
        ]
    )


def _staged(user, n: int = ROWS):
    return uploads.stage(
        _rows(n), filename="厂房.xlsx", user_id=user.pk, registry="carriers", rows=n
    )


def test_the_write_reports_progress_as_its_rows_are_sent(users):
    user = users["xinjingji"]
    heard: list[float] = []
    message = commit_staged(
        catalogue.pages("carriers").spreadsheet, _staged(user), user=user, progress=heard.append
    )
    assert message.startswith(f"已导入 厂房.xlsx：新建 {ROWS} 条")
    writing = [f for f in heard if f > 0.6]
    # 3,000 carriers, told every TICK_ROWS rows sent; then their 3,000 history rows, which
    # the database copies from them in one statement, told at once.
    assert len(writing) == -(-ROWS // bulk.TICK_ROWS) + 1
    assert writing == sorted(writing) and writing[-1] == pytest.approx(0.99)
    assert Carrier.objects.filter(name__startswith="进度厂房").count() == ROWS


def test_a_refusal_last_in_the_transaction_writes_nothing(users):
    user = users["xinjingji"]
    staged = _staged(user)
    before = Carrier.objects.count(), Carrier.history.count()

    def taken_back() -> None:
        raise Superseded

    with pytest.raises(Superseded):
        commit_staged(
            catalogue.pages("carriers").spreadsheet, staged, user=user, before_commit=taken_back
        )
    assert (Carrier.objects.count(), Carrier.history.count()) == before
    # The staged file is kept, so the attempt that took over can still import it.
    assert uploads.fetch(staged.token, user_id=user.pk, registry="carriers") is not None


def _seen_from_outside(job_id) -> tuple[int, str]:
    """What another process (the job's page on another server) reads of the job now."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT progress, step FROM {Job._meta.db_table} WHERE id = %s",  # noqa: S608 - a model table
                [job_id],
            )
            return cursor.fetchone()
    finally:
        other.close()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: progress inside the transaction shows at its commit",
)
def test_progress_inside_the_storing_transaction_is_seen_at_once(loaded_data, users, settings):
    from conftest import QUEUE_ONLY

    settings.TASKS = QUEUE_ONLY
    job = start(kind=JobKind.IMPORT, task=tasks.count_to, params={}, user=users["xinjingji"])
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    context = Context(job_id=str(job.pk), attempt=1, params={})
    try:
        with transaction.atomic():
            Carrier.objects.filter(pk=-1).delete()  # the storing transaction has begun
            context.progress(70, "写入 3000 行")
            assert _seen_from_outside(job.pk) == (70, "写入 3000 行")
            context.ensure_current()  # takes the row's lock after the last progress write
    finally:
        context.close()
    job.refresh_from_db()
    assert job.progress == 70 and job.heartbeat_at is not None
