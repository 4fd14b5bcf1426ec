"""A registry import too large to commit inside a request (more rows than
ZONEPLAN_IMPORT_TASK_ROWS) runs in a task worker: the commit page hands it here
(core.registry_views.defer_large_commits, registered in apps.py) and sends the officer to the
job's page, which goes to the registry's list when the rows are in."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from core import uploads
from core.refusals import Refusal
from core.registry_views import ChangedSincePreview, commit_staged
from core.tabular import catalogue
from core.tabular.read import UploadError

from .choices import JobKind
from .services import Context, run, start

SHOWN_PROBLEMS = 3


def start_import(*, user, registry, staged, list_url: str) -> str:
    """Queue the commit of a staged upload; returns the URL of the job's page."""
    job = start(
        kind=JobKind.IMPORT,
        task=commit_import_job,
        params={
            "registry": registry.name,
            "token": staged.token,
            "user": user.pk,
        },
        user=user,
        result_url=list_url,
    )
    return reverse("job", args=[job.pk])


def _changed(plan) -> str:
    if plan.error:
        first = plan.error
    else:
        first = "；".join(
            _("row %(row)s %(column)s: %(message)s")
            % {"row": row, "column": column, "message": message}
            for row, column, message in plan.problems()[:SHOWN_PROBLEMS]
        )
    return _(
        "The data or your rights changed since the preview, and nothing was imported: "
        "%(problems)s (%(count)s problems in all). Upload the file again to see them all."
    ) % {"problems": first, "count": len(plan.problems()) or 1}


@task()
def commit_import_job(job_id: str, attempt: int) -> str:
    def work(context: Context) -> str:
        from accounts.models import User

        params = context.params
        pages = catalogue.pages(params["registry"])
        user = User.objects.filter(pk=params["user"], is_active=True).first()
        staged = (
            uploads.fetch(params["token"], user_id=user.pk, registry=params["registry"])
            if user and pages
            else None
        )
        if staged is None:
            raise Refusal(
                _("The uploaded file has expired or was already imported; upload it again.")
            )
        step = _("Reading and checking %(rows)s rows of %(file)s") % {
            "rows": staged.rows,
            "file": staged.filename,
        }
        context.progress(2, step)

        def report(fraction: float) -> None:
            writing = fraction >= 0.6
            context.progress(
                2 + int(93 * fraction),
                _("Writing %(rows)s rows") % {"rows": staged.rows} if writing else step,
            )

        try:
            message = commit_staged(
                pages.spreadsheet,
                staged,
                user=user,
                progress=report,
                before_commit=context.ensure_current,
            )
        except UploadError as error:
            raise Refusal(str(error)) from None
        except ChangedSincePreview as changed:
            raise Refusal(_changed(changed.plan)) from None
        context.summary(message)
        return ""  # the job goes on to the registry list it was started with

    return run(job_id, attempt, work)
