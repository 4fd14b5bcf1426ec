from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

from .forms import TokenForm
from .models import User
from .scoping import may_manage_users, may_unlock_log_ins
from .selectors import locked_log_ins, people, tokens_of
from .services import (
    issue_token,
    remember_language,
    reset_password,
    revoke_token,
    set_active,
    unlock,
)


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


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens: make one (its key is shown once, on the answer to the POST, and
    never stored), revoke one. A token acts as the user, so each user keeps only their own."""
    form = TokenForm()
    new_key = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            token = revoke_token(user=request.user, token_id=_int(request.POST.get("token")))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("api_tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, new_key = issue_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    can_write=form.cleaned_data["can_write"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {
            "nav": "api_tokens",
            "form": form,
            "tokens": tokens_of(request.user),
            "new_key": new_key,
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" and new_key is None else 200,
    )
    response["Cache-Control"] = "no-store"  # the new key must not stay in a cache
    return response


USERS_PER_PAGE = 50


def _int(value) -> int:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else 0


class PasswordChange(auth_views.PasswordChangeView):
    """Each user changes their own password: the old one, then the new one twice, under the
    site's password rules (AUTH_PASSWORD_VALIDATORS); the user stays logged in here and every
    other session of theirs ends."""

    template_name = "accounts/password.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"nav": "password"}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


password_change = PasswordChange.as_view()


def set_language(request):
    """Django's language switch; a signed-in person's choice is also kept on their account,
    so that what is mailed to them (notices) is written in it."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        remember_language(user=request.user, language=request.POST.get("language", ""))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def users(request):
    """The city's user administration: every account with its roles; an administrator
    disables or enables one here (POST), or opens the page to reset its password."""
    if not may_manage_users(request.user):
        raise PermissionDenied
    if request.method == "POST":
        raw = request.POST.get("person", "")
        person = (
            User.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
        )
        if person is None:
            messages.error(request, _("There is no such account."))
            return redirect("users")
        active = request.POST.get("active") == "1"
        try:
            set_active(user=request.user, person=person, active=active)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            text = (
                _("%(name)s can log in again.") if active else _("%(name)s can no longer log in.")
            )
            messages.success(request, text % {"name": person})
        return redirect("users")
    page = Paginator(people(), USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"nav": "users", "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request, pk: int):
    """An administrator sets a new password for another person (told to them in person); the
    person's sessions end."""
    if not may_manage_users(request.user):
        raise PermissionDenied
    person = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        reset_password(
            user=request.user, person=person, password=form.cleaned_data["new_password1"]
        )
        messages.success(
            request,
            _("The password of %(name)s is reset; their sessions have ended.") % {"name": person},
        )
        return redirect("users")
    return render(
        request, "accounts/user_password.html", {"nav": "users", "form": form, "person": person}
    )
