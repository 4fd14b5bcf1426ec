"""Back up everything Zoneplan keeps into one file, and restore it into an empty database.

Everything is in the database — data, history, evidence files, staged uploads, jobs — so a
backup is a logical dump of every model, plus the bytes of the files that ZONEPLAN_STORAGE put
in a file store instead of their rows (core.files; under `files/` in the zip, each with its
SHA-256 in the manifest), (Django's serializer, JSON lines, foreign keys to
content types by natural key so they survive a database whose content types were numbered
differently) in a zip with a manifest: the format, when and from which migrations it was made,
how many rows of each model, and the SHA-256 of the data. Left out: what migrate recreates
(content types, permissions), sessions, log-in lock-outs and the task backend's queue.

A restore checks the whole file first (format, checksum, that the database is at the same
migrations) and refuses a database that already holds units, users or plans unless forced
(then it is emptied first). The rows are loaded in one transaction: all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from . import files
from .refusals import Refusal

FORMAT = "zoneplan-backup/1"
DATA = "data.jsonl"
FILES = "files"
MANIFEST = "manifest.json"
LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "axes", "django_tasks_database"]
#: The rows that make a database "not empty": a restore would mix two cities' data.
ROOTS = ["territory.Unit", "accounts.User", "plans.Plan"]

restored = Signal()  # sent after a restore commits; apps put their own state right (jobs)


class BackupRefused(Refusal):
    pass


@dataclass
class Summary:
    rows: int
    models: int
    bytes: int


def _migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _backed_up(*, include_auto_created: bool = False) -> list:
    """The models a backup holds: every managed, concrete one but those LEFT_OUT."""
    left_out = {x.lower() for x in LEFT_OUT}
    return [
        m
        for m in apps.get_models(include_auto_created=include_auto_created)
        if m._meta.managed
        and not m._meta.proxy
        and m._meta.app_label not in left_out
        and m._meta.label_lower not in left_out
    ]


def _file_models() -> list:
    """The models whose rows may keep their bytes in the file store (core.files)."""
    from .models import StagedUpload, StoredFile

    return [m for m in _backed_up() if issubclass(m, StoredFile | StagedUpload)]


def _in_store() -> list[tuple[str, int, str]]:
    """(model label, pk, name in the store) of every row whose bytes are in the file store."""
    return [
        (model._meta.label, pk, name)
        for model in _file_models()
        for pk, name in model._base_manager.exclude(stored_as="")
        .order_by("pk")
        .values_list("pk", "stored_as")
    ]


def _member(label: str, pk: int) -> str:
    return f"{FILES}/{label}/{pk}"


def _counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in _backed_up()}


def backup(path: Path) -> Summary:
    """Write the backup of this database to `path` (a zip)."""
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DATA
        connection = connections[DEFAULT_DB_ALIAS]
        already_in_one = connection.in_atomic_block
        with transaction.atomic():  # one consistent snapshot (a repeatable read on PostgreSQL)
            if connection.vendor == "postgresql" and not already_in_one:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            call_command(
                "dumpdata",
                exclude=LEFT_OUT,
                natural_foreign=True,
                format="jsonl",
                output=str(dump),
                verbosity=0,
            )
            counts = _counts()
            migrations = _migrations()
            stored = _in_store()
        digest = hashlib.sha256()
        with dump.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connections[DEFAULT_DB_ALIAS].vendor,
            "migrations": migrations,
            "rows": counts,
            "sha256": digest.hexdigest(),
            "files": [],
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.write(dump, DATA)
            for label, pk, name in stored:
                data = files.read(name)
                zf.writestr(_member(label, pk), data)
                manifest["files"].append(
                    {"model": label, "pk": pk, "sha256": hashlib.sha256(data).hexdigest()}
                )
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return Summary(rows=sum(counts.values()), models=len(counts), bytes=path.stat().st_size)


def _read_manifest(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupRefused(
            _("This is not a Zoneplan backup: it has no readable manifest.")
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupRefused(
            _("This backup's format %(found)s is not one this version reads (%(known)s).")
            % {"found": manifest.get("format") or "—", "known": FORMAT}
        )
    return manifest


def check(path: Path) -> dict:
    """The manifest of a backup whose data is whole; refuses anything else."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise BackupRefused(_("This is not a Zoneplan backup: it is not a zip file.")) from None
    with zf:
        manifest = _read_manifest(zf)
        digest = hashlib.sha256()
        try:
            with zf.open(DATA) as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except (KeyError, zipfile.BadZipFile, OSError, EOFError):
            raise BackupRefused(_("The backup's data is missing or damaged.")) from None
        if digest.hexdigest() != manifest.get("sha256"):
            raise BackupRefused(_("The backup's data does not match its checksum: it is damaged."))
        for entry in manifest.get("files", []):
            try:
                data = zf.read(_member(entry["model"], entry["pk"]))
            except (KeyError, zipfile.BadZipFile, OSError, EOFError):
                data = None
            if data is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise BackupRefused(
                    _("A file in the backup is missing or damaged (%(model)s %(pk)s).")
                    % {"model": entry["model"], "pk": entry["pk"]}
                )
    return manifest


def holds_data() -> dict[str, int]:
    """What makes this database not empty (units, users, plans), by model."""
    found = {}
    for label in ROOTS:
        n = apps.get_model(label)._base_manager.count()
        if n:
            found[label] = n
    return found


def restore(path: Path, *, force: bool = False) -> Summary:
    """Load a backup into this database (which must be empty unless `force`); all or nothing."""
    manifest = check(path)
    here = _migrations()
    if manifest["migrations"] != here:
        theirs = {tuple(m) for m in manifest["migrations"]}
        ours = {tuple(m) for m in here}
        first = sorted(theirs ^ ours)[0]
        raise BackupRefused(
            _(
                "The backup was made at other migrations than this database's (first difference: "
                "%(app)s %(name)s). Restore it with the Zoneplan version that made it, then migrate."
            )
            % {"app": first[0], "name": first[1]}
        )
    present = holds_data()
    if present and not force:
        raise BackupRefused(
            _(
                "This database is not empty (%(found)s). Restore into an empty database, or give "
                "--force to replace everything in it."
            )
            % {"found": ", ".join(f"{label} {n}" for label, n in present.items())}
        )
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DATA
        with zipfile.ZipFile(path) as zf, zf.open(DATA) as source, dump.open("wb") as target:
            for block in iter(lambda: source.read(1 << 20), b""):
                target.write(block)
        with transaction.atomic():
            if force:
                _empty()
            call_command("loaddata", str(dump), verbosity=0, stdout=io.StringIO())
            _restore_files(path, manifest)
            restored.send(sender=None, made_at=dt.datetime.fromisoformat(manifest["created_at"]))
    return Summary(
        rows=sum(manifest["rows"].values()), models=len(manifest["rows"]), bytes=path.stat().st_size
    )


def _restore_files(path: Path, manifest: dict) -> None:
    """Put each file of the backup where this installation keeps files (its rows, or its file
    store under a new name) and point its row at it."""
    with zipfile.ZipFile(path) as zf:
        for entry in manifest.get("files", []):
            data = zf.read(_member(entry["model"], entry["pk"]))
            model = apps.get_model(entry["model"])
            if files.in_database():
                holding = {"content": data, "stored_as": ""}
            else:
                holding = {"content": b"", "stored_as": files.put(FILES, data)}
            model._base_manager.filter(pk=entry["pk"]).update(**holding)


def _empty() -> None:
    """Delete every backed-up row (many-to-many tables too), inside the restore's transaction;
    foreign keys are checked when it commits."""
    connection = connections[DEFAULT_DB_ALIAS]
    tables = [m._meta.db_table for m in _backed_up(include_auto_created=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {quoted} CASCADE")
        else:
            with connection.constraint_checks_disabled():
                for table in tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
