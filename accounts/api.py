"""Who is calling the API, and what their token lets them do (docs/api.md, "Tokens").

A program sends `Authorization: Token <key>`; the key names an `ApiToken`, which acts as its
user: the same memberships, the same scoping. A token issued without write rights reads only.
A logged-in browser (the schema page's "try it out") is its user too, with the CSRF check.
Requests are limited per token (ZONEPLAN_API_RATE), or per user without one.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, serializers, throttling

from .choices import Action
from .models import ApiToken
from .scoping import restrict
from .selectors import token_for_key
from .services import mark_used


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Token <key>”, with nothing else.")
            )
        key = header[1].decode("ascii", "replace")
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not known."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("This token was revoked on %(when)s.") % {"when": _when(token.revoked_at)}
            )
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(when)s: ask for a new one on your account page.")
                % {"when": _when(token.expires_at)}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user may no longer log in."))
        mark_used(token)
        token.history_reason = _api_reason(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Token realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token: `Authorization: Token <key>`."""

    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key> (issued on the account's token page, or "
            "`manage.py issue_token`)",
        }


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _api_reason(token: ApiToken) -> str:
    """What a write made with the token says in the history."""
    return f"API · {token.name} ({token.prefix}…)"


class TokenRights(permissions.BasePermission):
    """Logged in (by token or session); a write needs a token issued with write rights."""

    message = gettext_lazy("Log in, or send a token: Authorization: Token <key>.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        if isinstance(token, ApiToken) and not token.can_write:
            raise exceptions.PermissionDenied(
                _("This token may only read: ask for a token with write rights to change data.")
            )
        return True


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """ZONEPLAN_API_RATE requests per token (or per user without one)."""

    scope = "token"

    def get_rate(self):
        """ZONEPLAN_API_RATE as it is now (DRF's own lookup keeps the rate of import time)."""
        return settings.ZONEPLAN_API_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class Scoped:
    """A related field that finds only what the requesting user may see (accounts.scoping),
    so a reference to another district's row reads as unknown, never as a hint it exists."""

    def __init__(self, *args, via: str, **kwargs):
        self.via = via
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return super().get_queryset().none()
        return restrict(super().get_queryset(), user, Action.VIEW, via=self.via)


class ScopedCode(Scoped, serializers.SlugRelatedField):
    """A unit named by its code (z-new-economy), among the units the user sees."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("via", "")
        super().__init__(*args, **kwargs)


class ScopedKey(Scoped, serializers.PrimaryKeyRelatedField):
    """A row named by its id, among the rows the user sees."""
