"""Long work in a real worker process (`manage.py worker`) on the test database: an assessment
started from its page is run by the worker and followed to its end; a worker killed with
SIGKILL mid-run is noticed within a lease, and the run is done again from the start by the next
worker or, with no retry left, failed with the reason; nothing is ever stored twice."""

import pytest
from django.urls import reverse

from assessment.models import Run, ZoneResult
from jobs.choices import JobStatus
from jobs.models import Job

pytestmark = pytest.mark.worker


def _start_run(client, samples: int) -> Run:
    response = client.post(reverse("assessment_runs"), {"year": "2020", "samples": str(samples)})
    assert response.status_code == 302, response.content.decode()[:500]
    return Run.objects.select_related("job").get(pk=response["Location"].rstrip("/").split("/")[-1])


def _job(run: Run) -> Job:
    return Job.objects.get(pk=run.job_id)


def test_an_assessment_runs_in_the_worker_and_the_page_follows_it(worker, client, users):
    client.force_login(users["admin"])
    run = _start_run(client, samples=100)
    worker.wait_for(lambda: _job(run).status == JobStatus.DONE, what="the run")
    run.refresh_from_db()
    assert run.status == Run.Status.DONE
    zones = run.inputs["schemes"]["default-2020"]["zones"]
    assert run.results.count() == len(zones) > 60
    job = _job(run)
    assert job.attempt == 1 and job.lost_workers == 0 and job.worker
    poll = client.get(reverse("assessment_run", args=[run.pk]), headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    assert 'id="results"' in client.get(reverse("assessment_run", args=[run.pk])).content.decode()


def test_the_worker_starts_the_days_reminders_itself_once(worker, client, users):
    from jobs.choices import JobKind

    def reminders():
        return list(Job.objects.filter(kind=JobKind.REMINDERS))

    worker.wait_for(lambda: [j.status for j in reminders()] == [JobStatus.DONE], what="reminders")
    assert reminders()[0].summary.startswith("已发送提醒")
    worker.stop()
    worker.start()  # restarted in the same slot: it keeps the house but starts nothing again
    client.force_login(users["admin"])
    run = _start_run(client, samples=10)
    worker.wait_for(lambda: _job(run).status == JobStatus.DONE, what="a run after the restart")
    assert len(reminders()) == 1


def _killed_mid_run(worker, client, users) -> Run:
    client.force_login(users["admin"])
    run = _start_run(client, samples=100_000)  # the most allowed: seconds of Monte Carlo

    def mid_way() -> bool:  # into the Monte Carlo, past the values, before anything is stored
        job = _job(run)
        assert job.status != JobStatus.DONE, "the run finished before the worker was killed"
        return job.status == JobStatus.RUNNING and job.progress >= 11

    worker.wait_for(mid_way, what="the run reaching mid-way")
    worker.kill()
    assert _job(run).status == JobStatus.RUNNING  # nobody knows yet
    return run


def test_a_run_whose_worker_is_killed_is_done_again_by_the_next_worker(worker, client, users):
    run = _killed_mid_run(worker, client, users)
    worker.start()  # a worker comes back (systemd restarts it) and takes the run back
    worker.wait_for(lambda: _job(run).attempt == 2, what="the lost run being taken back")
    worker.wait_for(lambda: not _job(run).is_open, timeout=180, what="the second attempt")
    job, run = _job(run), Run.objects.get(pk=run.pk)
    assert job.status == JobStatus.DONE and job.lost_workers == 1
    assert run.status == Run.Status.DONE
    assert ZoneResult.objects.filter(run=run).count() == len(
        run.inputs["schemes"]["default-2020"]["zones"]
    )
    from django_tasks_db.models import DBTaskResult

    statuses = sorted(
        DBTaskResult.objects.filter(task_path="assessment.tasks.run_assessment").values_list(
            "status", flat=True
        )
    )
    assert statuses == ["FAILED", "SUCCESSFUL"]  # the lost attempt is not left "running"


def test_a_run_with_no_retry_left_fails_with_the_reason(worker, client, users, settings):
    settings.ZONEPLAN_TASK_RETRIES = 0
    run = _killed_mid_run(worker, client, users)
    worker.start()
    worker.wait_for(lambda: not _job(run).is_open, what="the lost run being noticed")
    job, run = _job(run), Run.objects.get(pk=run.pk)
    assert job.status == JobStatus.FAILED and job.attempt == 1
    assert run.status == Run.Status.FAILED and "已无重试机会" in run.message
    assert not ZoneResult.objects.filter(run=run).exists()
    page = client.get(reverse("assessment_run", args=[run.pk])).content.decode()
    assert "已无重试机会" in page
    # The lease was kept: the run was not taken from a worker that was still alive.
    assert (job.finished_at - job.heartbeat_at).total_seconds() >= worker.lease


def test_a_large_import_previewed_here_is_committed_by_the_worker(worker, client, users, settings):
    """The staged file is in the database: the worker process, not this one, reads and writes it."""
    from carriers.models import Carrier
    from carriers.tests.test_carrier_import import GOOD_ROWS, token_of, upload, xlsx

    settings.ZONEPLAN_IMPORT_TASK_ROWS = 1
    client.force_login(users["xinjingji"])
    token = token_of(upload(client, xlsx(GOOD_ROWS)))
    response = client.post(reverse("carrier_import_commit", args=[token]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    worker.wait_for(lambda: not Job.objects.get(pk=job.pk).is_open, what="the import")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.worker and job.summary.startswith("已导入 载体.xlsx：新建 2 条")
    names = set(Carrier.objects.values_list("name", flat=True))
    assert {"导入科创中心A", "导入标准厂房B"} <= names
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == reverse("carrier_list")
