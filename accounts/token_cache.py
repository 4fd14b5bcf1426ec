"""API tokens read from the shared cache, so a token's request does not wait for its row.

Only with a cache every process shares (ZONEPLAN_REDIS_URL): a token changed or revoked in one
process must stop working in all of them, so every save or deletion of a token or of its user
removes the cached copy at once (the signals below). Without a shared cache nothing is cached
and each request reads the row. A copy lives at most `SECONDS`, which bounds how long a change
made around the ORM's signals (a queryset `update()`) could go unseen. The user's password hash
is never read for a token, so it is never cached.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

SECONDS = 30


def _enabled() -> bool:
    return bool(settings.ZONEPLAN_REDIS_URL)


def _key(prefix: str) -> str:
    return f"apitoken:{prefix}"


def get(prefix: str):
    """The cached token with this prefix, or None."""
    return cache.get(_key(prefix)) if _enabled() else None


def put(token) -> None:
    if _enabled():
        cache.set(_key(token.prefix), token, SECONDS)


def forget(prefixes) -> None:
    if _enabled():
        cache.delete_many([_key(p) for p in prefixes])


def token_saved(sender, instance, **kwargs) -> None:
    """post_save / post_delete of ApiToken: its cached copy is stale."""
    forget([instance.prefix])


def user_saved(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a user (made inactive, renamed): their tokens' copies are
    stale."""
    if _enabled():
        from .models import ApiToken

        forget(ApiToken.objects.filter(user_id=instance.pk).values_list("prefix", flat=True))
