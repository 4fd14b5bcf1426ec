"""A job as its starter follows it: it runs, reports progress and its result page; a refusal
shows its reason and an error a plain message (the traceback only in the admin); a job whose
worker stops renewing its lease is queued again while attempts remain, then failed; an attempt
taken back stores nothing; only the starter and city administrators see a job."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import QUEUE_ONLY
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import Context, Superseded, start, take_back_lost
from jobs.tests import tasks


def _start(task, users, **params) -> Job:
    return start(kind=JobKind.IMPORT, task=task, params=params, user=users["xinjingji"])


def _lose_the_worker(job: Job, settings) -> None:
    """As if the worker running it was killed: running, and silent for longer than a lease."""
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now()
        - dt.timedelta(seconds=settings.ZONEPLAN_TASK_LEASE_SECONDS + 1),
        worker="host:123",
    )


def test_a_job_runs_reports_progress_and_ends_on_its_result_page(users, login):
    job = _start(tasks.count_to, users, of=4, result_url="/plan/")
    assert job.status == JobStatus.DONE and job.progress == 100 and job.attempt == 1
    assert job.started_by == users["xinjingji"] and job.language == "zh-hans"
    client = login("xinjingji")
    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "查看结果" in page and 'href="/plan/"' in page and "数到了 4" in page
    poll = client.get(reverse("job", args=[job.pk]), headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == "/plan/"


def test_a_refusal_shows_its_reason_to_the_starter(users, login):
    job = _start(tasks.refuse, users, why="第 3 行：功能区不存在")
    assert job.status == JobStatus.FAILED and job.error == "第 3 行：功能区不存在"
    page = login("xinjingji").get(reverse("job", args=[job.pk])).content.decode()
    assert "未能完成" in page and "第 3 行：功能区不存在" in page


def test_an_error_shows_a_plain_message_and_keeps_the_traceback_for_the_admin(users, login):
    job = _start(tasks.break_down, users)
    assert job.status == JobStatus.FAILED
    assert "未保存任何结果" in job.error and "RuntimeError" in job.traceback
    page = login("xinjingji").get(reverse("job", args=[job.pk])).content.decode()
    assert "未保存任何结果" in page and "a bug the user must not read" not in page
    admin_page = login("admin").get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert "a bug the user must not read" in admin_page.content.decode()


def test_english_starters_read_english(users, login, client):
    client.force_login(users["xinjingji"])
    client.cookies["django_language"] = "en"
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("jobs"))
    assert "Background work" in response.content.decode()
    from django.utils import translation

    with translation.override("en"):
        job = _start(tasks.break_down, users)
    assert job.language == "en" and job.error.startswith("The work stopped on an error")


def test_only_the_starter_and_city_admins_follow_a_job(users, login):
    job = _start(tasks.count_to, users)
    assert login("bailuwan").get(reverse("job", args=[job.pk])).status_code == 404
    assert login("gaoxin").get(reverse("job", args=[job.pk])).status_code == 404
    assert login("admin").get(reverse("job", args=[job.pk])).status_code == 200
    assert str(job.pk)[:8] not in login("bailuwan").get(reverse("jobs")).content.decode()
    listing = login("admin").get(reverse("jobs")).content.decode()
    assert reverse("job", args=[job.pk]) in listing


def test_a_lost_worker_is_noticed_and_the_job_queued_again(users, settings, login):
    settings.TASKS = QUEUE_ONLY
    job = _start(tasks.count_to, users)
    assert job.status == JobStatus.QUEUED and job.max_attempts == 2
    _lose_the_worker(job, settings)
    # The page notices it when it polls, whether or not a worker is running.
    page = login("xinjingji").get(reverse("job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempt == 2 and job.lost_workers == 1
    assert "从头重新执行（第 2 次，共可尝试 2 次）" in page
    # Lost again: no attempt is left, and the page says so.
    _lose_the_worker(job, settings)
    assert [j.pk for j in take_back_lost()] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "中断 2 次" in job.error
    page = login("xinjingji").get(reverse("job", args=[job.pk])).content.decode()
    assert "已无重试机会" in page


def test_a_worker_that_is_alive_is_left_alone(users, settings):
    settings.TASKS = QUEUE_ONLY
    job = _start(tasks.count_to, users)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert take_back_lost() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempt == 1


def test_an_attempt_taken_back_stops_and_stores_nothing(users, settings):
    settings.TASKS = QUEUE_ONLY
    job = _start(tasks.count_to, users)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    first = Context(job_id=str(job.pk), attempt=1, params={})
    first.progress(10)
    _lose_the_worker(job, settings)
    take_back_lost()  # attempt 2 is queued
    with pytest.raises(Superseded):
        first.progress(20)
    with pytest.raises(Superseded):
        first.ensure_current()
    # The old attempt's task finding the job taken over does nothing.
    assert tasks.count_to.call(job_id=str(job.pk), attempt=1) == "superseded"
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempt == 2


def test_a_job_that_waits_long_for_a_worker_says_so(users, settings, login):
    settings.TASKS = QUEUE_ONLY
    job = _start(tasks.count_to, users)
    client = login("xinjingji")
    assert 'id="job-unclaimed"' not in client.get(reverse("job", args=[job.pk])).content.decode()
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(reverse("job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "尚无后台进程接手" in page.content.decode()


def test_an_unknown_or_malformed_job_is_not_found(login):
    client = login("admin")
    assert client.get("/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/jobs/not-a-job/").status_code == 404


@pytest.mark.parametrize(
    ("option", "message"),
    [("--interval=-1", "Must be zero or greater"), ("--max-tasks=0", "Must be greater than zero")],
)
def test_the_worker_refuses_bad_options_before_it_starts(option, message):
    import subprocess
    import sys

    from conftest import ROOT, process_env

    done = subprocess.run(
        [sys.executable, "manage.py", "worker", option, "--no-reload"], cwd=ROOT,
        env=process_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and message in done.stderr
