"""Back up everything Zoneplan keeps into one file, and restore it into an empty database.

Everything is in the database — data, history, evidence files, staged uploads, jobs — so a
backup is a logical dump of every model (Django's serializer, JSON lines, foreign keys to
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

from .refusals import Refusal

FORMAT = "zoneplan-backup/1"
DATA = "data.jsonl"
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
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            zf.write(dump, DATA)
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
            restored.send(sender=None, made_at=dt.datetime.fromisoformat(manifest["created_at"]))
    return Summary(
        rows=sum(manifest["rows"].values()), models=len(manifest["rows"]), bytes=path.stat().st_size
    )


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
