"""Progress is computed once per version of the data and then served from the cache.

The version is a counter in the database (`DataVersion`), moved on by every save or delete of
a watched model (registry apps call `watch` for theirs) and by every bulk write (`bump`, which
the bulk writers call, since bulk writes send no signals). A cached result is keyed by the
version, so it is never served after the data changed, in any server process; the cache itself
is Django's (per process by default; `ZONEPLAN_REDIS_URL` makes it one that every process
shares). When several processes miss the same key at once, one computes it and the others wait
for its result (a lock in the cache), so a change is computed once, not once per process.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from .models import DataVersion

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3600
#: How long others wait for the process that is computing a key before computing it themselves.
COMPUTING_SECONDS = 30
#: Results this process fetched lately, pickled, by full key. A key holds the data version, so a
#: result under it never goes stale: with a shared cache this saves fetching the same figures
#: from Redis on every view (each view unpickles its own copy, as from any Django cache).
LOCAL_KEYS = 32
_local: OrderedDict[str, bytes] = OrderedDict()


def forget_local() -> None:
    """Empty this process's copies (tests, whose rolled-back data reuses version numbers)."""
    _local.clear()


def _remember(full_key: str, result) -> None:
    _local[full_key] = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
    _local.move_to_end(full_key)
    while len(_local) > LOCAL_KEYS:
        _local.popitem(last=False)


def version() -> int:
    """The data version now. Read on every cached page and figure, so as one plain statement
    (the ORM's building of it cost more than the database's answer)."""
    from django.db import connections, router

    alias = router.db_for_read(DataVersion)
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {DataVersion._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


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


def key_for(key: str) -> str:
    """`key` under the current data version: what `cached_under` stores it as."""
    return f"zoneplan:{version()}:{key}"


def cached(key: str, compute: Callable[[], object]):
    """`compute()` once per data version for `key`, however many processes ask at once."""
    return cached_under(key_for(key), compute)


def cached_under(full_key: str, compute: Callable[[], object], *, local: bool = True):
    """`cached` for a key already under its data version (`key_for`), for a caller that names
    other things after the same key, e.g. a rendered fragment. `local=False` keeps the result
    out of this process's few copies (the many pages of the portal would push out the
    figures)."""
    kept = _local.get(full_key) if local else None
    if kept is not None:
        return pickle.loads(kept)  # noqa: S301 - bytes this process pickled itself
    result = cache.get(full_key)
    if result is not None:
        if local:
            _remember(full_key, result)
        return result
    lock = f"{full_key}:computing"
    if cache.add(lock, 1, COMPUTING_SECONDS):
        try:
            result = _compute(full_key, compute, local=local)
        finally:
            cache.delete(lock)
        return result
    deadline = time.monotonic() + COMPUTING_SECONDS
    while time.monotonic() < deadline:  # another process is computing it: take its result
        time.sleep(0.05)
        result = cache.get(full_key)
        if result is not None:
            return result
        if cache.get(lock) is None:
            # Done or given up. It stores the result before it lets go of the lock, so a
            # result stored between the two reads above is found here, not computed again.
            result = cache.get(full_key)
            if result is not None:
                return result
            break  # it gave up (an error): compute here
    return _compute(full_key, compute, local=local)


def _compute(full_key: str, compute: Callable[[], object], *, local: bool = True):
    started = time.perf_counter()
    result = compute()
    if result is None:
        return None  # nothing to keep (e.g. a page that is not the same for everyone)
    cache.set(full_key, result, TIMEOUT_SECONDS)
    if local:
        _remember(full_key, result)
    # One line per computation: how often and how long the figures are computed again.
    log.info("computed %s in %.0f ms", full_key, (time.perf_counter() - started) * 1000)
    return result
