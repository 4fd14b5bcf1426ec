"""`manage.py backup` and `restore`: everything round-trips into an empty database — the plan's
progress (`progress --format json`) and every registry's export are identical afterwards, and
evidence files, staged uploads and jobs come back byte for byte; a database that holds data is
refused unless --force; a damaged or foreign file is refused and nothing is written."""

import contextlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from carriers.models import Carrier
from conftest import ROOT, database_url, process_env
from core import uploads
from core.models import Attachment
from jobs.choices import JobKind, JobStatus
from jobs.models import Job

# Each registry's export as cell values, the evidence, staged uploads and jobs, as JSON.
SNAPSHOT = """
import hashlib, io, json, openpyxl
from core.models import Attachment, StagedUpload
from core.registry_io import export_registry
from core.tabular import catalogue
from jobs.models import Job
out = {}
for name in catalogue.names():
    content, _n = export_registry(catalogue.pages(name))
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    out[name] = [[str(c) for c in row] for s in book.worksheets for row in s.iter_rows(values_only=True)]
out["files"] = sorted((a.name, hashlib.sha256(bytes(a.content)).hexdigest()) for a in Attachment.objects.all())
out["staged"] = sorted((s.token, s.rows, hashlib.sha256(bytes(s.content)).hexdigest()) for s in StagedUpload.objects.all())
out["jobs"] = sorted((str(j.pk), j.status, j.error[:20]) for j in Job.objects.all())
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


def _manage(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = process_env(DATABASE_URL=url, ZONEPLAN_LOG_LEVEL="WARNING")
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture
def empty_database(tmp_path):
    """A second database on the same server, migrated and empty."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        name = None
    else:
        import psycopg

        name = f"{connection.settings_dict['NAME']}_restored"
        admin = database_url().rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        url = database_url().rsplit("/", 1)[0] + f"/{name}"
    _manage(url, "migrate", "-v", "0")
    yield url
    if name:
        with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def kept(db, users):
    """Beyond the shipped data: an evidence file, a staged upload and a job still running."""
    carrier = Carrier.objects.first()
    Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(Carrier), object_id=carrier.pk,
        name="现场照片.png", kind="png", size=12, content=b"\x89PNG\r\n\x1a\n\x00\x01\x02\x03",
        uploaded_by=users["xinjingji"],
    )  # fmt: skip
    uploads.stage(b"PK\x03\x04 rows", filename="载体.xlsx", user_id=users["xinjingji"].pk,
                  registry="carriers", rows=2)  # fmt: skip
    Job.objects.create(kind=JobKind.ASSESSMENT, task_path="x", status=JobStatus.RUNNING)


def _snapshot(url: str) -> tuple[str, dict]:
    progress = _manage(url, "progress", "--format", "json").stdout
    rest = json.loads(_manage(url, "shell", "-v", "0", "-c", SNAPSHOT).stdout.splitlines()[-1])
    return progress, rest


def _snapshot_here() -> tuple[str, dict]:
    """The same, of the test's own database (its rows are in this test's transaction)."""
    progress, rest = io.StringIO(), io.StringIO()
    call_command("progress", format="json", stdout=progress)
    with contextlib.redirect_stdout(rest):
        exec(SNAPSHOT, {})  # noqa: S102 - the snippet above, run here instead of in a shell
    return progress.getvalue(), json.loads(rest.getvalue().splitlines()[-1])


def test_a_backup_restored_into_an_empty_database_gives_the_same_figures(
    kept, empty_database, tmp_path
):
    file = tmp_path / "zoneplan.zip"
    call_command("backup", file, verbosity=0)
    before_progress, before = _snapshot_here()
    restored = _manage(empty_database, "restore", str(file))
    assert "已从" in restored.stdout and "恢复" in restored.stdout
    after_progress, after = _snapshot(empty_database)
    assert after_progress == before_progress and json.loads(after_progress)
    registries = ("carriers", "platforms", "service_projects", "enterprises", "investment_projects")
    for name in registries:
        assert after[name] == before[name], name
    assert sum(len(before[name]) > 1 for name in registries) >= 3  # rows, not only headers
    assert after["files"] == before["files"] and len(before["files"]) == 1
    assert after["staged"] == before["staged"] and len(before["staged"]) == 1
    # New rows get new keys after a restore (the sequences were moved past the restored ones).
    created = _manage(
        empty_database, "shell", "-v", "0", "-c",
        "from accounts.models import User; print(User.objects.create(username='after-restore').pk)",
    )  # fmt: skip
    from accounts.models import User

    assert int(created.stdout.split()[-1]) > User.objects.order_by("-pk").first().pk
    # The job that was running has no worker any more: it is failed, with the reason.
    (job,) = after["jobs"]
    assert job[1] == "failed" and before["jobs"][0][1] == "running"
    # A second restore is refused (the database holds data), unless forced.
    again = _manage(empty_database, "restore", str(file), check=False)
    assert again.returncode != 0 and "不是空的" in again.stderr and "territory.Unit" in again.stderr
    _manage(empty_database, "restore", str(file), "--force")
    assert _snapshot(empty_database)[0] == before_progress


def test_a_database_that_holds_data_is_refused_and_left_alone(kept, tmp_path):
    file = tmp_path / "zoneplan.zip"
    call_command("backup", file, verbosity=0)
    units = Carrier.objects.count()
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", file)
    assert Carrier.objects.count() == units


def _rewrite(source: Path, target: Path, *, manifest=None, data=None) -> None:
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest(json.loads(members["manifest.json"])))
    if data is not None:
        members["data.jsonl"] = data(members["data.jsonl"])
    with zipfile.ZipFile(target, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)


def test_damaged_or_foreign_files_are_refused_before_anything_is_written(
    kept, empty_database, tmp_path
):
    good = tmp_path / "good.zip"
    call_command("backup", good, verbosity=0)
    cases = {
        "not-a-zip.zip": (None, "不是 zip 文件"),
        "damaged.zip": ({"data": lambda d: d.replace(b"\\u", b"\\x", 1) + b"{}"}, "校验和不符"),
        "other-format.zip": (
            {"manifest": lambda m: {**m, "format": "something-else/9"}},
            "不是本版本能读取的",
        ),
        "other-migrations.zip": (
            {"manifest": lambda m: {**m, "migrations": [*m["migrations"], ["plans", "9999_x"]]}},
            "plans 9999_x",
        ),
    }
    (tmp_path / "not-a-zip.zip").write_bytes(b"<html>not a backup</html>")
    for name, (change, message) in cases.items():
        if change is not None:
            _rewrite(good, tmp_path / name, **change)
        done = _manage(empty_database, "restore", str(tmp_path / name), check=False)
        assert done.returncode != 0 and message in done.stderr, (name, done.stderr[-500:])
    counts = _manage(
        empty_database, "shell", "-v", "0", "-c",
        "from territory.models import Unit; from accounts.models import User; "
        "print(Unit.objects.count(), User.objects.count())",
    ).stdout.split()  # fmt: skip
    assert counts == ["0", "0"]


def test_backup_refuses_to_overwrite_a_file(db, tmp_path):
    file = tmp_path / "zoneplan.zip"
    file.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", file)
    assert file.read_bytes() == b"yesterday's backup"


def test_backup_and_restore_name_a_missing_folder_or_file(db, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("backup", tmp_path / "no-such-folder" / "zoneplan.zip")
    assert not (tmp_path / "no-such-folder").exists()
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("restore", tmp_path / "never-made.zip")
