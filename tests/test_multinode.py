"""Past one machine: two gunicorn servers on two loopback ports, one worker, one PostgreSQL and
Redis, driven over real HTTP with one officer's cookies. An import previewed on server A is
committed on server B; an assessment started on A is followed to its end on B while its worker
is killed with SIGKILL and a new one started; after a change the cockpit, asked for on both
servers at once, is computed once. Runs on PostgreSQL (SQLite is one machine's database)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.db import connection

from carriers.tests.test_carrier_import import GOOD_ROWS, xlsx
from conftest import ROOT, database_url, free_port, process_env

pytestmark = pytest.mark.worker
REDIS = "redis://127.0.0.1:6379/13"


def computed_in(log, key_part: str) -> int:
    """How many times a process logged computing figures whose key holds `key_part`."""
    return sum(
        key_part in line
        for line in log.read_text(errors="replace").splitlines()
        if "computed" in line
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's cookies over plain HTTP, to whichever server; redirects are not followed."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def send(self, url, data=None, headers=None, files=None):
        headers = dict(headers or {})
        body = None
        if files is not None:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in (data or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        if body is not None:
            headers.setdefault("X-CSRFToken", self.csrf())
            headers.setdefault("Referer", url)
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - http://127.0.0.1 only
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx come here
            return error.code, dict(error.headers), error.read().decode(errors="replace")
        return response.status, dict(response.headers), response.read().decode(errors="replace")


class Server:
    def __init__(self, name: str, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / "var" / f"test-gunicorn-{name}-{os.getpid()}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "zoneplan.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/login/", timeout=5)  # noqa: S310 - loopback
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(
                        f"gunicorn did not start: {self.log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.3)

    def stop(self):
        self.process.terminate()
        self.process.wait(20)

    def computed(self, key_part: str) -> int:
        return sum(
            key_part in line for line in self.log.read_text().splitlines() if "computed" in line
        )


@pytest.fixture
def conflicts_found(loaded_data):
    """The demo's attraction conflicts, found before the worker starts: its start-up search
    (the nightly slot has passed) then writes nothing, so the only cockpit it warms up is the
    one after the import below."""
    from investment.services import detect_conflicts

    detect_conflicts()


@pytest.fixture
def servers(conflicts_found, worker, settings):
    if connection.vendor != "postgresql":
        pytest.skip("several servers share one PostgreSQL; SQLite is one machine's database")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    env = process_env(
        DATABASE_URL=database_url(),
        ZONEPLAN_REDIS_URL=REDIS,
        ZONEPLAN_IMPORT_TASK_ROWS="1",
        ZONEPLAN_TASK_LEASE_SECONDS=str(worker.lease),
        ZONEPLAN_LOG_LEVEL="INFO",
    )
    worker.extra_env = {"ZONEPLAN_REDIS_URL": REDIS, "ZONEPLAN_LOG_LEVEL": "INFO"}
    worker.stop()
    worker.start()  # the worker shares the cache too
    a, b = Server("a", env), Server("b", env)
    yield a, b
    a.stop()
    b.stop()


def _log_in(browser: Browser, server: Server) -> None:
    browser.send(f"{server.url}/login/")
    status, _headers, body = browser.send(
        f"{server.url}/login/", {"username": "admin", "password": "zoneplan-demo"}
    )
    assert status == 302, body[:500]


def _wait(condition, *, timeout=120, what=""):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout} s"
        time.sleep(0.3)
    return found


def test_two_servers_one_worker_one_database(servers, worker):
    from assessment.models import Run, ZoneResult
    from carriers.models import Carrier
    from jobs.models import Job

    a, b = servers
    officer = Browser()
    _log_in(officer, a)
    assert officer.send(f"{b.url}/")[0] == 200  # the session is valid on the other server

    # An import previewed on A is committed on B, by the worker.
    status, _h, page = officer.send(
        f"{a.url}/carriers/import/", {}, files={"file": ("载体.xlsx", xlsx(GOOD_ROWS))}
    )
    token = re.search(r"/carriers/import/([\w-]+)/commit", page).group(1)
    status, headers, _body = officer.send(f"{b.url}/carriers/import/{token}/commit/", {})
    assert status == 302 and "/jobs/" in headers["Location"], _body[:500]
    job_url = b.url + headers["Location"]
    _wait(lambda: officer.send(job_url, headers={"HX-Request": "true"})[1].get("HX-Redirect"),
          what="the import")  # fmt: skip
    assert {"导入科创中心A", "导入标准厂房B"} <= set(Carrier.objects.values_list("name", flat=True))

    # After that change the cockpit, asked for on both servers at once, is computed once.
    answers = []
    askers = [threading.Thread(target=lambda s=s: answers.append(officer.send(f"{s.url}/cockpit/")[0]))
              for s in (a, b)]  # fmt: skip
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    assert answers == [200, 200]
    # Once in all, in the language asked: by one of the servers, or by the worker's warm-up
    # after the import's write (which also computes the English one nobody asked for here).
    asked = ":zh-hans in "
    assert a.computed(asked) + b.computed(asked) + computed_in(worker.log, asked) == 1

    # An assessment started on A is followed on B; its worker is killed mid-run.
    status, headers, _body = officer.send(
        f"{a.url}/assessment/", {"year": "2020", "samples": "100000"}
    )
    assert status == 302, _body[:500]
    run_url = b.url + headers["Location"]
    run = Run.objects.latest("pk")

    def mid_way():
        job = Job.objects.get(pk=run.job_id)
        assert job.status != "done", "the run finished before the worker was killed"
        return job.status == "running" and job.progress >= 11

    _wait(mid_way, what="the run reaching mid-way")
    worker.kill()
    assert "job-progress" in officer.send(run_url)[2]  # B shows the run still going
    worker.start()
    _wait(lambda: officer.send(run_url, headers={"HX-Request": "true"})[1].get("HX-Refresh"),
          timeout=180, what="the run finishing on the second attempt")  # fmt: skip
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert run.status == Run.Status.DONE and job.attempt == 2 and job.lost_workers == 1
    zones = run.inputs["schemes"]["default-2020"]["zones"]
    assert ZoneResult.objects.filter(run=run).count() == len(zones)
    assert 'id="results"' in officer.send(run_url)[2]
