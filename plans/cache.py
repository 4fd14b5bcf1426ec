"""Progress is computed once per version of the data and then served from the cache.

The version is a counter in the database (`DataVersion`), moved on by every save or delete of
a watched model (registry apps call `watch` for theirs) and by every bulk write (`bump`, which
the bulk writers call, since bulk writes send no signals). A cached result is keyed by the
version, so it is never served after the data changed, in any server process; the cache itself
is Django's (per process by default; set CACHES for a shared one).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from .models import DataVersion

TIMEOUT_SECONDS = 3600


def version() -> int:
    row = DataVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return row or 0


def bump(**_ignored) -> None:
    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def watch(*models) -> None:
    """Move the data version on whenever rows of `models` change: saved or deleted one by one,
    or written in bulk through core.bulk."""
    from core.bulk import rows_written

    for model in models:
        rows_written.connect(
            bump, sender=model, weak=False, dispatch_uid=f"zoneplan-cache-bulk-{model._meta.label}"
        )
        post_save.connect(
            bump, sender=model, weak=False, dispatch_uid=f"zoneplan-cache-save-{model._meta.label}"
        )
        post_delete.connect(
            bump,
            sender=model,
            weak=False,
            dispatch_uid=f"zoneplan-cache-delete-{model._meta.label}",
        )


def cached(key: str, compute: Callable[[], object]):
    """`compute()` once per data version for `key`."""
    full_key = f"zoneplan:{version()}:{key}"
    result = cache.get(full_key)
    if result is None:
        result = compute()
        cache.set(full_key, result, TIMEOUT_SECONDS)
    return result
