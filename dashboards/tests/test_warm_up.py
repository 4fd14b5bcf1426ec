"""After a bulk write, with a shared cache, a worker computes the city cockpit's progress in
every language before anyone asks; without a shared cache nothing is started; one warm-up
waiting in the queue is enough for any number of writes."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from carriers.models import Carrier
from conftest import QUEUE_ONLY, REDIS_TEST_URL
from core.bulk import rows_written
from dashboards.warm import default_day, progress_key
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from plans.cache import version
from plans.selectors import current_plan
from territory.models import Unit


@pytest.fixture
def shared_cache(settings, redis_cache):
    settings.ZONEPLAN_REDIS_URL = REDIS_TEST_URL
    return redis_cache


def _bulk_write(capture) -> None:
    with capture(execute=True):
        rows_written.send(sender=Carrier)  # what core.bulk sends after an import's rows


def test_a_bulk_write_warms_the_city_cockpit_in_every_language(
    db, shared_cache, django_capture_on_commit_callbacks, login, caplog
):
    _bulk_write(django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=JobKind.WARM_UP)
    assert job.status == JobStatus.DONE and "2" in job.summary
    plan, city = current_plan(), Unit.objects.get(code="510100")
    for language in ("zh-hans", "en"):
        key = f"zoneplan:{version()}:{progress_key(plan, city, default_day(plan), language)}"
        assert cache.get(key) is not None, language
    caplog.clear()
    with caplog.at_level("INFO", logger="plans.cache"):
        assert login("admin").get(reverse("cockpit")).status_code == 200
    assert not [r for r in caplog.records if ":progress:" in r.getMessage()]  # served warm


def test_without_a_shared_cache_nothing_is_started(db, django_capture_on_commit_callbacks):
    _bulk_write(django_capture_on_commit_callbacks)
    assert not Job.objects.filter(kind=JobKind.WARM_UP).exists()


def test_one_waiting_warm_up_is_enough(
    db, shared_cache, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUE_ONLY
    for _ in range(3):
        _bulk_write(django_capture_on_commit_callbacks)
    assert Job.objects.filter(kind=JobKind.WARM_UP).count() == 1
