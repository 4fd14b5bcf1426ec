"""Where the contents of stored files live: evidence files (core.models.StoredFile) and staged
uploads (core.models.StagedUpload).

By default (ZONEPLAN_STORAGE=database) a file's bytes are in its own row: written, rolled back
and backed up with it. With ZONEPLAN_STORAGE=filesystem or s3 they go to Django's storage API
(the `zoneplan_files` entry of STORAGES: a folder every server shares, or any S3-compatible
store through django-storages) under an unguessable name kept in the row's `stored_as`; the
row holds no bytes. Rows written under either setting are read the same way, so the setting
can change on a running system: old files stay where they were written.

A file put in the store before its row is written is removed again if the row is not written
(`kept` below); a row deleted removes its file once the deletion commits (core.apps). A crash
between the two can leave a file with no row: harmless, and `manage.py backup` ignores it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

from .refusals import Refusal

STORE = "zoneplan_files"
log = logging.getLogger(__name__)


class StorageUnavailable(Refusal):
    """The file store could not be reached; nothing was written."""


def in_database() -> bool:
    return settings.ZONEPLAN_STORAGE == "database"


def _store():
    return storages[STORE]


def _unavailable(error: Exception) -> StorageUnavailable:
    log.exception("the file store failed: %s", error)
    return StorageUnavailable(
        _("The file store cannot be reached just now, and nothing was saved. Try again later.")
    )


def put(folder: str, data: bytes) -> str:
    """Write `data` to the store under a new name in `folder`; returns the name."""
    try:
        return _store().save(f"{folder}/{uuid.uuid4().hex}", ContentFile(data))
    except Exception as error:  # any store's failure (OSError, botocore's errors…)
        raise _unavailable(error) from error


def read(name: str) -> bytes:
    try:
        with _store().open(name, "rb") as handle:
            return handle.read()
    except Exception as error:
        raise _unavailable(error) from error


def remove(name: str) -> None:
    try:
        _store().delete(name)
    except Exception:  # a file left behind is harmless; the row is gone either way
        log.warning("could not remove %s from the file store", name)


def content_of(row) -> bytes:
    """The bytes of a StoredFile or StagedUpload row, wherever they live."""
    return read(row.stored_as) if row.stored_as else bytes(row.content)


@contextmanager
def kept(folder: str, data: bytes) -> Iterator[dict]:
    """The fields that hold `data` in a row about to be written: the bytes themselves, or the
    name they were written under in the store. If the block fails, the stored file is removed."""
    if in_database():
        yield {"content": data, "stored_as": ""}
        return
    name = put(folder, data)
    try:
        yield {"content": b"", "stored_as": name}
    except BaseException:
        remove(name)
        raise


def forget_on_delete(sender, instance, **kwargs) -> None:
    """post_delete of a file-holding row: remove its file from the store after the commit."""
    name = getattr(instance, "stored_as", "")
    if name:
        transaction.on_commit(lambda: remove(name))
