"""Uploaded files waiting between the import preview and its commit.

A staged file is bound to the user and the registry that staged it, named by an unguessable
token, and kept for a day. Commit reads it again and checks it again: what the database
holds may have changed since the preview.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class Staged:
    token: str
    data: bytes
    filename: str
    sha256: str


def _folder() -> Path:
    folder = Path(settings.ZONEPLAN_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.json"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            path.with_suffix(".bin").unlink(missing_ok=True)


def stage(data: bytes, *, filename: str, user_id: int, registry: str) -> Staged:
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    digest = hashlib.sha256(data).hexdigest()
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"filename": filename[:200], "user": user_id, "registry": registry, "sha256": digest}
    (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Staged(token, data, meta["filename"], digest)


def fetch(token: str, *, user_id: int, registry: str) -> Staged | None:
    """The staged file, or None when the token is unknown, expired, or someone else's."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    meta_path = folder / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user") != user_id or meta.get("registry") != registry:
        return None
    if time.time() - meta_path.stat().st_mtime > MAX_AGE_SECONDS:
        return None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return None
    return Staged(token, data, meta["filename"], meta["sha256"])


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        folder = _folder()
        (folder / f"{token}.json").unlink(missing_ok=True)
        (folder / f"{token}.bin").unlink(missing_ok=True)
