"""An import with more rows than ZONEPLAN_IMPORT_TASK_ROWS is committed by a task worker: the
officer is sent to the job's page, which ends on the registry's list with the counts; when the
data changed since the preview, or the file expired, the job says so and nothing is written."""

import datetime as dt

import pytest
from django.urls import reverse

from carriers.models import Carrier
from carriers.tests.test_carrier_import import GOOD_ROWS, snapshot, token_of, upload, xlsx
from conftest import QUEUE_ONLY
from core.models import StagedUpload
from jobs.choices import JobKind, JobStatus
from jobs.models import Job


@pytest.fixture
def officer(login, settings):
    settings.ZONEPLAN_IMPORT_TASK_ROWS = 1  # the two good rows are "many"
    return login("xinjingji")


def test_a_large_import_is_committed_by_a_job_and_ends_on_the_list(officer):
    token = token_of(upload(officer, xlsx(GOOD_ROWS)))
    response = officer.post(reverse("carrier_import_commit", args=[token]))
    job = Job.objects.get()
    assert response["Location"] == reverse("job", args=[job.pk])
    assert job.kind == JobKind.IMPORT and job.status == JobStatus.DONE
    assert job.summary == "已导入 载体.xlsx：新建 2 条，更新 0 条，未变 0 条。"
    assert set(Carrier.objects.values_list("name", flat=True)) >= {"导入科创中心A", "导入标准厂房B"}
    assert not StagedUpload.objects.filter(token=token).exists()
    poll = officer.get(response["Location"], headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == reverse("carrier_list")
    page = officer.get(response["Location"]).content.decode()
    assert "表格导入" in page and "新建 2 条" in page


def test_a_small_import_still_commits_in_the_request(officer, settings):
    settings.ZONEPLAN_IMPORT_TASK_ROWS = 5
    token = token_of(upload(officer, xlsx(GOOD_ROWS)))
    response = officer.post(reverse("carrier_import_commit", args=[token]))
    assert response["Location"] == reverse("carrier_list") and not Job.objects.exists()


def test_data_changed_since_the_preview_fails_the_job_and_writes_nothing(officer, settings):
    settings.TASKS = QUEUE_ONLY  # preview and queue now; the worker runs it after the change
    token = token_of(upload(officer, xlsx(GOOD_ROWS)))
    officer.post(reverse("carrier_import_commit", args=[token]))
    job = Job.objects.get()
    # Meanwhile the officer is moved off the zone: neither row may be written any more.
    from accounts.models import Membership

    Membership.objects.filter(user__username="xinjingji").delete()
    before = snapshot()
    from jobs.imports import commit_import_job

    assert commit_import_job.call(job_id=str(job.pk), attempt=1) == "refused"
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("自预览以来数据或您的权限已有变化，未导入任何行：")
    assert "共 2 处问题" in job.error
    assert snapshot() == before


def test_an_expired_upload_fails_the_job_with_the_reason(officer, settings):
    settings.TASKS = QUEUE_ONLY
    token = token_of(upload(officer, xlsx(GOOD_ROWS)))
    officer.post(reverse("carrier_import_commit", args=[token]))
    job = Job.objects.get()
    from django.utils import timezone

    StagedUpload.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    from jobs.imports import commit_import_job

    before = snapshot()
    commit_import_job.call(job_id=str(job.pk), attempt=1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "上传的文件已过期" in job.error
    assert snapshot() == before


def test_an_english_officer_reads_the_outcome_in_english(officer):
    officer.cookies["django_language"] = "en"
    token = token_of(upload(officer, xlsx(GOOD_ROWS)))
    officer.post(reverse("carrier_import_commit", args=[token]))
    job = Job.objects.get()
    assert job.language == "en"
    assert job.summary == "Imported 载体.xlsx: 2 new, 0 updated, 0 unchanged."
