"""The to-do inbox (待办): what waits for the person, and their notices (dashboards.todo)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from reporting.services import Refused, mark_notices_read, review_many

from .. import todo

BADGE_SECONDS = 30  # the navigation's count may lag this long; the inbox itself never does


def _badge_key(user) -> str:
    return f"todo-badge:{user.pk}"


@login_required
def todo_page(request):
    found = todo.inbox(request.user)
    cache.set(_badge_key(request.user), found.count + found.unread, BADGE_SECONDS)
    return render(request, "dashboards/todo.html", {"nav": "todo", "inbox": found})


@login_required
def todo_badge(request):
    """The count next to 待办 in the navigation, loaded after the page (so no page waits for
    it), kept for BADGE_SECONDS per person."""
    count = cache.get(_badge_key(request.user))
    if count is None:
        count = todo.badge(request.user)
        cache.set(_badge_key(request.user), count, BADGE_SECONDS)
    return render(request, "dashboards/_todo_badge.html", {"count": count})


@login_required
@require_http_methods(["GET", "POST"])
def notices_read(request):
    """POST: the person's notices are marked read (all, or the one named); GET goes back."""
    if request.method == "POST":
        raw = request.POST.get("notice", "")
        if raw and not raw.isdigit():
            messages.error(request, _("There is no such notice."))
            return redirect("todo")
        marked = mark_notices_read(user=request.user, notice_id=int(raw) if raw else None)
        cache.delete(_badge_key(request.user))
        if raw and not marked:
            messages.error(request, _("There is no such notice."))
    return redirect("todo")


def _chosen(values: list[str]) -> list[tuple[int, int]] | None:
    """The reports ticked in the inbox, as (id, version seen); None when one is malformed."""
    chosen = []
    for value in values:
        pk, _sep, version = value.partition(":")
        if not (pk.isdigit() and version.isdigit()) or len(value) > 40:
            return None
        chosen.append((int(pk), int(version)))
    return chosen


@login_required
@require_http_methods(["GET", "POST"])
def todo_review(request):
    """POST: approve or return the ticked reports at once (reporting.services.review_many);
    GET goes back to the inbox."""
    if request.method != "POST":
        return redirect("todo")
    chosen = _chosen(request.POST.getlist("report"))
    if chosen is None:
        messages.error(request, _("The chosen reports could not be read: nothing was changed."))
        return redirect("todo")
    approve = request.POST.get("action") == "approve"
    try:
        done = review_many(
            user=request.user,
            items=chosen,
            approve=approve,
            comment=request.POST.get("comment", ""),
        )
    except Refused as error:
        messages.error(request, str(error))
        return redirect("todo")
    cache.delete(_badge_key(request.user))
    if approve:
        text = ngettext("%(n)s report approved.", "%(n)s reports approved.", len(done))
    else:
        text = ngettext("%(n)s report returned.", "%(n)s reports returned.", len(done))
    messages.success(request, text % {"n": len(done)})
    return redirect("todo")
