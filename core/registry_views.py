"""Import, export and template views shared by every registry.

An app's views call these with its registry (core.tabular.engine.Registry) and an
`ImportPage` naming its URLs. Nothing here knows about users' rights: the registry's lookups
refuse rows outside the user's scope, and the app's view decides who may reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import bulk, files, uploads
from .tabular.engine import ImportPlan, commit_import, plan_import, preview_of
from .tabular.read import UploadError, read_table
from .tabular.report import XLSX_CONTENT_TYPE, error_workbook

PREVIEW_ERRORS = 200
PREVIEW_CHANGES = 20


@dataclass
class ImportPage:
    title: str  # e.g. "产业载体"
    url_prefix: str  # URL names: <prefix>_list, <prefix>_import, <prefix>_import_commit, ...


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _render(
    request,
    page: ImportPage,
    *,
    plan: ImportPlan | None = None,
    error: str = "",
    token: str = "",
    filename: str = "",
    status: int = 200,
):
    labels = {c.key: c.template_header for c in plan.columns} if plan is not None else {}
    rows_with_errors = plan.problems() if plan is not None else []
    context = {
        "page": page,
        "plan": plan,
        "error": error or (plan.error if plan else ""),
        "token": token,
        "filename": filename,
        "errors": rows_with_errors[:PREVIEW_ERRORS],
        "error_count": len(rows_with_errors),
        "bad_row_count": len(plan.bad_rows) if plan else 0,
        "labels": labels,
        "preview": preview_of(
            plan,
            english=not (get_language() or "zh").startswith("zh"),
            updates=PREVIEW_CHANGES,
        )
        if plan is not None and plan.header is not None
        else None,
        "max_mb": settings.ZONEPLAN_IMPORT_MAX_BYTES // (1024 * 1024),
        "max_rows": settings.ZONEPLAN_IMPORT_MAX_ROWS,
    }
    return render(request, "registry/import.html", context, status=status)


def _plan(registry, data: bytes, filename: str, user, progress=None) -> ImportPlan:
    report = progress or (lambda fraction: None)
    table = read_table(
        data,
        filename,
        max_bytes=settings.ZONEPLAN_IMPORT_MAX_BYTES,
        max_rows=settings.ZONEPLAN_IMPORT_MAX_ROWS,
    )
    report(0.1)  # parsed: the checks follow
    return plan_import(registry, table, user=user, progress=lambda f: report(0.1 + 0.9 * f))


class ChangedSincePreview(Exception):
    """The staged file no longer imports cleanly (data or rights changed): `plan` says why."""

    def __init__(self, plan: ImportPlan):
        super().__init__(plan.error or f"{len(plan.problems())} problems")
        self.plan = plan


def commit_staged(registry, staged, *, user, progress=None, before_commit=None) -> str:
    """Read and check a staged upload again and write every row, or none; returns the message
    for the officer. Raises UploadError (the file cannot be read) or ChangedSincePreview.
    `progress(fraction)` hears how far it has come: reading and checking up to 0.6, then the
    rows as they are sent. `before_commit()` runs last inside the writing transaction (a task
    checks there that it still owns the work; raising rolls everything back)."""
    report = progress or (lambda fraction: None)
    plan = _plan(registry, staged.data, staged.filename, user, progress=lambda f: report(0.6 * f))
    if not plan.ok:
        raise ChangedSincePreview(plan)
    report(0.6)
    counts = plan.counts
    # Each created or updated row is sent twice: itself, then its history row.
    expected = max(1, 2 * (counts["create"] + counts["update"]))
    sent = 0

    def tick(rows: int) -> None:
        nonlocal sent
        sent += rows
        report(0.6 + 0.39 * min(1.0, sent / expected))

    with transaction.atomic():
        with bulk.ticking(tick):
            commit_import(registry, plan, user=user, reason=f"导入 {staged.filename}")
        uploads.discard(staged.token)
        if before_commit is not None:
            before_commit()
    return _("Imported %(file)s: %(create)s new, %(update)s updated, %(unchanged)s unchanged.") % {
        "file": staged.filename,
        "create": counts["create"],
        "update": counts["update"],
        "unchanged": counts["unchanged"],
    }


# A commit of more rows than ZONEPLAN_IMPORT_TASK_ROWS is handed to this handler when an app
# above core has registered one (jobs does: it runs the commit in a task worker):
# handler(user=, registry=, staged=, list_url=) -> the URL of the page that follows the work.
_large_commits = None


def defer_large_commits(handler) -> None:
    global _large_commits
    _large_commits = handler


def import_view(request, *, registry, page: ImportPage):
    """GET: the upload form. POST: read and check the file, and show what would change."""
    if request.method != "POST":
        return _render(request, page)
    upload = request.FILES.get("file")
    if upload is None:
        return _render(request, page, error="请选择要上传的文件（.xlsx 或 .csv）", status=400)
    filename = PurePath(upload.name or "upload").name
    if upload.size > settings.ZONEPLAN_IMPORT_MAX_BYTES:
        limit = settings.ZONEPLAN_IMPORT_MAX_BYTES / 1024 / 1024
        return _render(
            request,
            page,
            error=f"文件过大（{upload.size / 1024 / 1024:.1f} MB，上限 {limit:.1f} MB）",
            filename=filename,
            status=400,
        )
    data = upload.read()
    try:
        plan = _plan(registry, data, filename, request.user)
    except UploadError as exc:
        return _render(request, page, error=str(exc), filename=filename, status=400)
    try:
        staged = uploads.stage(
            data,
            filename=filename,
            user_id=request.user.pk,
            registry=registry.name,
            rows=len(plan.rows),
        )
    except files.StorageUnavailable as error:
        return _render(request, page, error=str(error), filename=filename, status=503)
    return _render(
        request,
        page,
        plan=plan,
        token=staged.token,
        filename=filename,
        status=200 if plan.ok else 400,
    )


@require_POST
def import_commit_view(request, token: str, *, registry, page: ImportPage):
    staged = uploads.fetch(token, user_id=request.user.pk, registry=registry.name)
    if staged is None:
        return _render(request, page, error="上传的文件已过期或不存在，请重新上传", status=400)
    list_url = reverse(f"{page.url_prefix}_list")
    if _large_commits is not None and staged.rows > settings.ZONEPLAN_IMPORT_TASK_ROWS:
        return redirect(
            _large_commits(user=request.user, registry=registry, staged=staged, list_url=list_url)
        )
    try:
        message = commit_staged(registry, staged, user=request.user)
    except UploadError as exc:
        return _render(request, page, error=str(exc), status=400)
    except ChangedSincePreview as changed:
        # The data changed since the preview (or the user's rights did): show why, write nothing.
        return _render(
            request, page, plan=changed.plan, token=token, filename=staged.filename, status=400
        )
    messages.success(request, message)
    return redirect(list_url)


def import_errors_view(request, token: str, *, registry, page: ImportPage):
    """The officer's own workbook back with each bad cell highlighted and explained."""
    staged = uploads.fetch(token, user_id=request.user.pk, registry=registry.name)
    if staged is None:
        raise Http404("上传的文件已过期或不存在")
    plan = _plan(registry, staged.data, staged.filename, request.user)
    if plan.header is None:
        raise Http404(plan.error)
    content = error_workbook(plan.table.rows, plan.header, plan.rows, registry.columns)
    stem = PurePath(staged.filename).stem
    return xlsx_response(content, f"{stem}-错误标注.xlsx")
