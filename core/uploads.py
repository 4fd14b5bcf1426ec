"""Uploaded files waiting between the import preview and its commit.

A staged file is bound to the user and the registry that staged it, named by an unguessable
token, and kept for a day. It is kept in the database (`StagedUpload`), or in the shared file
store that ZONEPLAN_STORAGE names (core.files), never on one server's disk, so the commit may
reach another app server than the preview, or run in a task worker. Commit
reads it again and checks it again: what the database holds may have changed since the
preview; the file's SHA-256, taken when it was staged, must still match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.utils import timezone

from . import files
from .models import StagedUpload

MAX_AGE = dt.timedelta(days=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class Staged:
    token: str
    data: bytes
    filename: str
    sha256: str
    rows: int = 0


def _sweep() -> None:
    StagedUpload.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()


def stage(data: bytes, *, filename: str, user_id: int, registry: str, rows: int = 0) -> Staged:
    """Keep `data` for its commit. Raises files.StorageUnavailable when the file store (if one
    is set) cannot be reached."""
    _sweep()
    with files.kept("staged", data) as holding:
        staged = StagedUpload.objects.create(
            token=secrets.token_urlsafe(24),
            user_id=user_id,
            registry=registry,
            filename=filename[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=rows,
            **holding,
        )
    return Staged(staged.token, data, staged.filename, staged.sha256, rows)


def fetch(token: str, *, user_id: int, registry: str) -> Staged | None:
    """The staged file, or None when the token is unknown, expired, or someone else's."""
    if not _TOKEN.match(token or ""):
        return None
    staged = StagedUpload.objects.filter(
        token=token, user_id=user_id, registry=registry, created_at__gte=timezone.now() - MAX_AGE
    ).first()
    if staged is None:
        return None
    try:
        data = files.content_of(staged)
    except files.StorageUnavailable:
        return None
    if hashlib.sha256(data).hexdigest() != staged.sha256:
        return None
    return Staged(staged.token, data, staged.filename, staged.sha256, staged.rows)


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        StagedUpload.objects.filter(token=token).delete()
