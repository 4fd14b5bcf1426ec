"""Periodic work is started by the workers themselves, once per slot: the daily reminders at
ZONEPLAN_REMIND_AT (08:00 local time) send what is due that day, a second wake-up in the same
slot starts nothing, and the next day's slot starts again."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from jobs.choices import JobKind, JobStatus
from jobs.models import Job, PeriodicRun
from jobs.periodic import latest_slot, registered, start_due
from reporting.models import Notice
from reporting.tests.factories import make_data_set

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def _reminders(jobs) -> list:
    """The reminder jobs among those started (the nightly conflict search is another)."""
    return [j for j in jobs if j.kind == JobKind.REMINDERS]


def test_the_conflict_search_is_registered_at_the_configured_time():
    (search,) = [p for p in registered() if p.kind == JobKind.CONFLICTS]
    assert search.at == dt.time(2, 30)
    assert search.task == "investment.tasks.detect_conflicts_job"


def test_the_reminders_are_registered_at_the_configured_time():
    (reminders,) = [p for p in registered() if p.kind == JobKind.REMINDERS]
    assert reminders.at == dt.time(8, 0)
    assert latest_slot(reminders, _at("2026-11-08", 7, 59)) == _at("2026-11-07", 8)
    assert latest_slot(reminders, _at("2026-11-08", 8, 0)) == _at("2026-11-08", 8)


@pytest.fixture
def data_set(db, users):
    ds = make_data_set(units=("z-new-economy",), due_days=10)  # 2026-10 due 2026-11-10
    users["xinjingji"].email = "xinjingji@example.org"
    users["xinjingji"].save()
    return ds


def test_each_slot_is_started_once_and_sends_that_days_reminders(data_set):
    # Before 08:00 on 8 November the latest slot is the 7th's, three days before the due day
    # (ZONEPLAN_REMIND_DAYS): the zone's officer is reminded.
    first = _reminders(start_due(now=_at("2026-11-08", 7, 30)))
    assert [j.kind for j in first] == [JobKind.REMINDERS]
    job = Job.objects.get(pk=first[0].pk)
    assert job.status == JobStatus.DONE and job.params["day"] == "2026-11-07"
    assert job.summary == "已发送提醒 1 条，逾期升级通知 0 条。"
    assert [m.to for m in mail.outbox] == [["xinjingji@example.org"]]
    # Another worker waking in the same slot starts nothing.
    assert start_due(now=_at("2026-11-08", 7, 59)) == []
    # The 8th's slot starts again, and sends nothing twice.
    (second,) = _reminders(start_due(now=_at("2026-11-08", 8, 1)))
    second.refresh_from_db()
    assert second.summary == "已发送提醒 0 条，逾期升级通知 0 条。"
    assert Notice.objects.count() == 1 and len(mail.outbox) == 1
    assert list(
        PeriodicRun.objects.filter(name="reporting.reminders").values_list("slot", flat=True)
    ) == [
        _at("2026-11-08", 8),
        _at("2026-11-07", 8),
    ]


def test_a_slot_another_worker_recorded_is_not_started_again(data_set):
    PeriodicRun.objects.create(name="reporting.reminders", slot=_at("2026-11-07", 8))
    assert _reminders(start_due(now=_at("2026-11-08", 7, 30))) == []
    assert not Job.objects.filter(kind=JobKind.REMINDERS).exists()
    assert not Notice.objects.exists()
