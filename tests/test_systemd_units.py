"""The systemd units in deploy/systemd are checked as systemd reads them and then started.

`systemd-analyze verify` reads each unit as systemd would (syntax, known settings, an
ExecStart that exists). systemd itself cannot run inside this test's container (its PID 1 is
not systemd), so the test then starts each unit the way systemd would: its ExecStart, with
WorkingDirectory, Environment and then EnvironmentFile (which wins), `${VAR}` and `%i`
expanded; it sees the web server answer and the worker do a job, then stops each with its
KillSignal and expects it gone within TimeoutStopSec. The install paths (/srv/zoneplan,
/etc/zoneplan) are pointed at this checkout and a test environment file.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, database_url, free_port, process_env

pytestmark = pytest.mark.worker
UNITS = ROOT / "deploy" / "systemd"


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections, each key with all its values in order (systemd's syntax:
    comments with # or ;, a trailing backslash continues the line)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    text = re.sub(r"\\\n", " ", path.read_text())
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _eq, value = line.partition("=")
        assert current is not None, f"{path.name}: {line!r} is outside a section"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def read_environment_file(path: Path) -> dict[str, str]:
    found = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", ";")):
            key, _eq, value = line.partition("=")
            found[key.strip()] = value.strip().strip('"')
    return found


def _seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)(s|min)?", value)
    assert match, f"an unexpected time span {value!r}"
    return int(match.group(1)) * (60 if match.group(2) == "min" else 1)


class Unit:
    """One unit installed into `folder` with the checkout's paths, started as systemd would."""

    def __init__(self, name: str, folder: Path, env_file: Path, instance: str = ""):
        source = UNITS / name
        text = source.read_text()
        text = text.replace("/srv/zoneplan", str(ROOT)).replace(
            "/etc/zoneplan/zoneplan.env", str(env_file)
        )
        self.path = folder / (name.replace("@.", f"@{instance}.") if instance else name)
        self.path.write_text(text)
        self.instance = instance
        self.service = read_unit(self.path)["Service"]
        self.process: subprocess.Popen | None = None
        self.log = folder / f"{self.path.stem}.log"

    def setting(self, key: str) -> str:
        return self.service[key][-1]

    def environment(self) -> dict[str, str]:
        env = process_env()
        for line in self.service.get("Environment", []):
            for assignment in shlex.split(line):
                key, _eq, value = assignment.partition("=")
                env[key] = value
        for path in self.service.get("EnvironmentFile", []):
            env.update(read_environment_file(Path(path.lstrip("-"))))
        return env

    def command(self, env: dict[str, str]) -> list[str]:
        line = self.setting("ExecStart").replace("%i", self.instance)
        line = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), line)
        return shlex.split(line)

    def start(self) -> None:
        env = self.environment()
        self.process = subprocess.Popen(
            self.command(env),
            cwd=self.setting("WorkingDirectory"),
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> int:
        """KillSignal, then wait up to TimeoutStopSec as systemd would; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(getattr(signal, self.setting("KillSignal")))
        try:
            return self.process.wait(_seconds(self.setting("TimeoutStopSec")))
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"{self.path.name} outlived TimeoutStopSec") from None


@pytest.fixture
def installed(tmp_path, loaded_data):
    port = free_port()
    env_file = tmp_path / "zoneplan.env"
    env_file.write_text(
        (UNITS / "zoneplan.env.example").read_text()
        + "\n# the test's own values (later lines win)\n"
        + "\n".join(
            [
                f"DATABASE_URL={database_url()}",
                "ZONEPLAN_REDIS_URL=",
                "ZONEPLAN_TRUSTED_PROXIES=",
                "ZONEPLAN_SSL_REDIRECT=false",
                "ZONEPLAN_HSTS_SECONDS=0",
                "ZONEPLAN_ALLOWED_HOSTS=127.0.0.1",
                "ZONEPLAN_TASK_LEASE_SECONDS=10",
                f"ZONEPLAN_BIND=127.0.0.1:{port}",
                "GUNICORN_WORKERS=2",
            ]
        )
        + "\n"
    )
    return tmp_path, env_file, port


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_reads_the_units_without_a_complaint(installed):
    folder, env_file, _port = installed
    web = Unit("zoneplan-web.service", folder, env_file)
    worker = Unit("zoneplan-worker@.service", folder, env_file, instance="1")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(web.path), str(worker.path)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    for unit in (web, worker):
        assert unit.setting("Restart") == "always"
        assert read_unit(unit.path)["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_web_unit_serves_and_stops_on_its_signal(installed):
    folder, env_file, port = installed
    web = Unit("zoneplan-web.service", folder, env_file)
    web.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as page:
                    body = page.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or web.process.poll() is not None:
                    raise AssertionError(web.log.read_text()[-3000:]) from None
                time.sleep(0.3)
        assert "登录" in body
        assert b"Booting worker" in web.log.read_bytes()  # gunicorn, with its workers
    finally:
        code = web.stop()
    assert code == 0, web.log.read_text()[-3000:]


def test_the_worker_unit_does_a_job_and_stops_on_its_signal(installed, users, settings):
    from jobs.choices import JobKind, JobStatus
    from jobs.models import Job
    from jobs.services import start
    from jobs.tests import tasks

    folder, env_file, _port = installed
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Unit("zoneplan-worker@.service", folder, env_file, instance="1")
    worker.start()
    try:
        job = start(kind=JobKind.IMPORT, task=tasks.count_to, params={"of": 3}, user=users["admin"])
        deadline = time.monotonic() + 60
        while Job.objects.get(pk=job.pk).is_open:
            if time.monotonic() > deadline or worker.process.poll() is not None:
                raise AssertionError(worker.log.read_text()[-3000:])
            time.sleep(0.2)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.summary == "数到了 3"
        assert job.worker.endswith(f":{worker.process.pid}")
    finally:
        code = worker.stop()
    assert code == 0, worker.log.read_text()[-3000:]


def test_the_example_environment_names_only_settings_that_exist():
    """Each variable in zoneplan.env.example is one the settings or the units read."""
    settings_text = (ROOT / "zoneplan" / "settings.py").read_text()
    units_text = "".join(p.read_text() for p in UNITS.glob("*.service"))
    for name in read_environment_file(UNITS / "zoneplan.env.example"):
        assert f'"{name}"' in settings_text or f"${{{name}}}" in units_text, name
    assert os.path.exists(UNITS / "zoneplan.env.example")
