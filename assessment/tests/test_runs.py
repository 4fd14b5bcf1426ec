"""The shipped 2020 scheme runs on the demo data end to end; the run is frozen and reproduces
itself exactly; schemes that overlap or cover nothing are refused and nothing is written."""

import pytest

from assessment.models import Run, Scheme, ZoneResult
from assessment.schemes import load_scheme
from assessment.services import start, verify
from conftest import QUEUE_ONLY, SCHEME_FILE
from territory.models import Stage

SCHEME = SCHEME_FILE.read_text(encoding="utf-8")


def _run(users, samples=50) -> Run:
    return start(2020, user=users["admin"], samples=samples)  # the task runs at once in tests


def test_the_default_scheme_grades_and_ranks_every_zone_and_reproduces_itself(users):
    run = _run(users)
    assert run.status == Run.Status.DONE, run.message
    results = list(run.results.select_related("unit"))
    zones = run.inputs["schemes"]["default-2020"]["zones"]
    assert len(results) == len(zones) > 60
    assert {r.grade for r in results} <= {"优秀", "良好", "达标", "不达标"}
    assert sorted(r.rank for r in results)[0] == 1
    top_share = sum(r.grade == "优秀" for r in results) / len(results)
    assert top_share <= 0.2  # the quota
    for r in results:
        assert 1 <= r.rank_low <= r.rank_high <= len(results)
        assert abs(sum(r.detail["probabilities"].values()) - 1) < 1e-3
        assert set(r.detail["dimensions"]) == {
            "core-area",
            "scitech-space",
            "projects",
            "supporting",
        }
    assert run.digest and verify(run)


def test_a_changed_frozen_input_no_longer_verifies(users):
    run = _run(users)
    run.inputs["schemes"]["default-2020"]["values"][0][3] = 1e9  # someone edits a value
    assert not verify(run)


def test_two_schemes_covering_the_same_zones_are_refused_and_nothing_is_written(users):
    load_scheme(SCHEME.replace("code: default-2020", "code: copy-2020", 1))
    run = _run(users)
    assert run.status == Run.Status.FAILED
    assert "同时适用多个方案" in run.message
    assert not ZoneResult.objects.exists() and run.outputs == {}


def test_a_scheme_that_covers_no_zone_is_refused(users):
    Stage.objects.create(code="t-empty", name="无功能区的阶段")
    only_empty = SCHEME.replace("code: default-2020", "code: empty-2020\nstages: [t-empty]", 1)
    load_scheme(only_empty)
    run = _run(users)
    assert run.status == Run.Status.FAILED and "不适用于任何功能区" in run.message


def test_no_scheme_means_no_run(users):
    Scheme.objects.all().delete()
    run = _run(users)
    assert run.status == Run.Status.FAILED and run.message == "尚未设置考核方案"


def test_only_one_run_at_a_time(users, settings):
    settings.TASKS = QUEUE_ONLY  # the first run waits for a worker
    start(2020, user=users["admin"], samples=50)
    from assessment.framework import AssessmentError

    with pytest.raises(AssessmentError, match="正在计算"):
        start(2020, user=users["admin"], samples=50)
    assert Run.objects.count() == 1


def test_a_run_keeps_each_zones_stage_and_last_years_values(users):
    from assessment.services import gather
    from territory.models import Unit
    from tests.factories import assessment_run

    zones = list(Unit.objects.filter(code__in=["z-new-economy", "z-bailuwan"]).order_by("code"))
    earlier = assessment_run(zones, users["admin"], year=2019)
    frozen = gather(2020, 20, {"default-2020": zones})["schemes"]["default-2020"]
    assert frozen["groups"] == [z.stage.code if z.stage_id else "" for z in zones]
    assert frozen["last"] == earlier.inputs["schemes"]["default-2020"]["values"]


def test_a_run_whose_worker_died_too_often_fails_and_does_not_block_the_next_one(users, settings):
    import datetime as dt

    from django.utils import timezone

    from jobs.choices import JobStatus

    settings.TASKS = QUEUE_ONLY
    lost = start(2020, user=users["admin"], samples=50)
    # Its last attempt was running in a worker that stopped renewing the lease.
    lost.job.__class__.objects.filter(pk=lost.job.pk).update(
        status=JobStatus.RUNNING,
        attempt=2,
        max_attempts=2,
        heartbeat_at=timezone.now()
        - dt.timedelta(seconds=settings.ZONEPLAN_TASK_LEASE_SECONDS + 1),
    )
    Run.objects.filter(pk=lost.pk).update(status=Run.Status.RUNNING)
    fresh = start(2020, user=users["admin"], samples=50)
    lost.refresh_from_db()
    assert lost.status == Run.Status.FAILED
    assert "no attempt is left" in lost.message or "已无重试机会" in lost.message
    assert not lost.results.exists()
    assert fresh.status == Run.Status.QUEUED and fresh.job.status == JobStatus.QUEUED
