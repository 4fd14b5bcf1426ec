"""Reads of accounts: the log-ins locked out now; API tokens."""

from __future__ import annotations

import datetime as dt
import hmac

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from . import token_cache
from .models import KEY_PREFIX, ApiToken, hash_key


def locked_log_ins() -> list[AccessAttempt]:
    """User names locked at an address now: as many failures as the limit, the last within
    the cool-off time. Newest first."""
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return list(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).order_by("-attempt_time")
    )


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_for_key(key: str) -> ApiToken | None:
    """The token whose key this is, whatever its state; None for a key that was never issued.
    The key's prefix finds the row (in the shared cache first: accounts.token_cache) and its
    hash is compared in constant time."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0][:12]
    token = token_cache.get(prefix)
    if token is None:
        token = (
            ApiToken.objects.select_related("user")
            .defer("user__password")
            .filter(prefix=prefix)
            .first()
        )
        if token is not None:
            token_cache.put(token)
    if token is None or not hmac.compare_digest(token.key_hash, hash_key(key)):
        return None
    return token


def people() -> QuerySet:
    """Every account with its memberships, for the city's user administration, by user name."""
    from .models import User

    return User.objects.prefetch_related("memberships__unit").order_by("username")
