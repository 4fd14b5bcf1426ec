"""Warming the city cockpit after a bulk write, so the first person to open it after a large
import does not wait for the progress to be computed.

Only worth it with a cache that every process shares (ZONEPLAN_REDIS_URL): the worker computes
the city's progress for the current plan and today, in each language, under the same key the
cockpit reads. Without a shared cache the worker's own memory would help nobody, so nothing is
started. A warm-up already waiting in the queue covers any later write too: one is enough.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from jobs.choices import JobKind, JobStatus
from jobs.services import Context, run, start
from plans import cache


def progress_key(plan, unit, day, language: str) -> str:
    """The cache key of a unit's progress on a day (the cockpit's and the warm-up's)."""
    return f"progress:{plan.pk}:{unit.pk}:{day.isoformat()}:{language}"


def default_day(plan):
    return min(timezone.localdate(), plan.ends_on)


def after_bulk_write(sender, **kwargs) -> None:
    """core.bulk.rows_written: queue a warm-up once the writing transaction commits."""
    if settings.ZONEPLAN_REDIS_URL:
        transaction.on_commit(queue_warm_up)


def queue_warm_up():
    from jobs.models import Job

    if Job.objects.filter(kind=JobKind.WARM_UP, status=JobStatus.QUEUED).exists():
        return None
    return start(kind=JobKind.WARM_UP, task=warm_up_job, params={})


@task()
def warm_up_job(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        from plans.progress import Engine
        from plans.selectors import current_plan, plan_progress
        from territory.choices import UnitKind
        from territory.models import Unit

        plan = current_plan()
        city = Unit.objects.filter(kind=UnitKind.CITY).order_by("depth", "code").first()
        if plan is None or city is None:
            return ""
        day = default_day(plan)
        engine = Engine(plan)
        languages = [code for code, _name in settings.LANGUAGES]
        for n, language in enumerate(languages):
            with translation.override(language):
                cache.cached(
                    progress_key(plan, city, day, language),
                    lambda: plan_progress(plan, day=day, units=None, engine=engine),
                )
            context.progress(100 * (n + 1) // len(languages))
        context.summary(
            _("The cockpit of %(unit)s on %(day)s is ready in %(n)s languages.")
            % {"unit": city.name, "day": day.isoformat(), "n": len(languages)}
        )
        return ""

    return run(job_id, attempt, work)
