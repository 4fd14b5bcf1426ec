"""The dashboards' work that runs in a task worker: the whole city's briefing (.docx, .xlsx),
made from the same figures as the cockpit and kept with its job for download."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django_tasks import task

from jobs.choices import JobKind
from jobs.services import Context, run, start


def start_briefing(*, user, plan, unit, day: dt.date, kind: str):
    return start(
        kind=JobKind.BRIEFING,
        task=briefing_job,
        params={"plan": plan.pk, "unit": unit.pk, "day": day.isoformat(), "kind": kind},
        user=user,
    )


@task()
def briefing_job(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        from plans.models import Plan
        from territory.models import Unit

        from .views import briefing_file

        params = context.params
        plan = Plan.objects.get(pk=params["plan"])
        unit = Unit.objects.get(pk=params["unit"])
        day = dt.date.fromisoformat(params["day"])
        context.progress(10, _("Computing the progress of %(unit)s") % {"unit": unit.name})
        name, content_type, content = briefing_file(plan, unit, day, params["kind"])
        context.keep_file(name, content_type, content)
        context.summary(_("The briefing %(name)s is ready.") % {"name": name})
        return ""

    return run(job_id, attempt, work)
