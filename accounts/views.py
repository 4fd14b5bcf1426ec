from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .scoping import may_unlock_log_ins
from .selectors import locked_log_ins
from .services import unlock


@login_required
@require_http_methods(["GET", "POST"])
def lockouts(request):
    """The user names locked out now, each with its address; a city admin lifts a lock."""
    if not may_unlock_log_ins(request.user):
        raise PermissionDenied
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            unlock(user=request.user, username=username)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(name)s can log in again.") % {"name": username.strip()})
        return redirect("lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {"nav": "lockouts", "attempts": locked_log_ins()},
    )
