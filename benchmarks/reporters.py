"""Many reporters saving submissions at once, against the app served by gunicorn on PostgreSQL.

    .venv/bin/python benchmarks/reporters.py [--reporters 200] [--seconds 30] [--saves 20000]
                                             [--think 1.5] [--shared 0.2] [--workers N]

Builds a scratch PostgreSQL database (zoneplan_bench) with zones reporting a monthly data set
of 10 indicators, one zone officer per zone except that --shared of the reporters (default 20%)
work in pairs on one zone's form, so their saves race each other as two colleagues' would; then
starts gunicorn (sync workers, one per core and one more) on a free loopback port. Each
simulated reporter then does what the entry page does: read the form (its version travels in a
hidden field), post the values, and on "已被他人修改" (409) save again from the form that answer
shows. Between saves a reporter pauses --think seconds on average (exponentially distributed,
seeded): 1.5 s makes 200 reporters offer ~130 saves/s, the load the goal names. With --think 0
every reporter is always waiting on the server, which measures the most it can take; latency is
then 200 / throughput by Little's law, whatever the server does. The run stops at --seconds or
at --saves acknowledged saves, whichever comes first.

It prints acknowledged saves per second, p50/p99 latency of the save requests, refusals because
another reporter saved first, errors, and lost updates: after the run each submission's version,
its save events and its stored values are compared with the saves the server acknowledged; an
acknowledged save that is not in the database, or two acknowledged on the same version, is lost.
Goal (issue 6): ≥ 100 saves/s, p99 ≤ 500 ms, 0 lost. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import migrate_and_load_plan  # noqa: E402

DATABASE = "postgres://postgres@127.0.0.1:5432/zoneplan_bench"
INDICATORS = [f"ind{i:02d}" for i in range(10)]
VERSION = re.compile(rb'name="version" value="(\d+)"')


def build(reporters: int, shared: float) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """The scratch database: returns (submission pk, session key) per reporter and each
    submission's version before the run."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS zoneplan_bench")
        conn.execute("CREATE DATABASE zoneplan_bench")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.choices import Role
    from accounts.models import Membership, User
    from plans.models import Indicator
    from reporting.models import DataSet
    from reporting.services import open_submission
    from reporting.tests.factories import last_month_end
    from territory.choices import UnitKind
    from territory.models import Unit
    from territory.services import save_unit

    migrate_and_load_plan()
    district = Unit.objects.get(code="510107")
    data_set = DataSet.objects.create(
        code="bench", name="基准测试月报", period_type="month", lock_days=60
    )
    data_set.indicators.add(
        *[
            Indicator.objects.create(code=code, name=f"指标{code}", kind="reported", measure="area")
            for code in INDICATORS
        ]
    )
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend"))
    period_end = last_month_end()
    plan, versions = [], {}
    pairs = round(reporters * shared / 2)  # zones where two colleagues edit one form
    for z in range(reporters - pairs):
        zone = save_unit(
            Unit(code=f"bench-z{z}", kind=UnitKind.ZONE, name=f"功能区{z}", parent=district)
        )
        data_set.units.add(zone)
        submission = open_submission(data_set, zone, period_end)
        versions[submission.pk] = submission.version
        for colleague in range(2 if z < pairs else 1):
            user = User(username=f"bench-{z}-{colleague}")
            user.set_unusable_password()  # a session is made directly; no slow hashing
            user.save()
            Membership.objects.create(user=user, unit=zone, role=Role.ZONE_OFFICER)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = backend
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            plan.append((submission.pk, session.session_key))
    return plan, versions


class Client:
    """A reporter's HTTP/1.1 connection (reopened when the server closes it)."""

    def __init__(
        self, port: int, session: str = "", csrf: str = "", *, token: str = "", extra: str = ""
    ):
        self.port, self.reader, self.writer = port, None, None
        # A browser's session, or a program's API token; `extra`: more header lines.
        self.credentials = (
            f"Authorization: Token {token}"
            if token
            else f"Cookie: sessionid={session}; csrftoken={csrf}"
        ) + (f"\r\n{extra}" if extra else "")

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.credentials}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:  # the server closed a kept-alive connection: send again
            self.writer.close()
            self.reader = self.writer = None
            return await self.request(method, path, body)
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        else:
            payload = await self.reader.read()
        if headers.get("connection", "").lower() == "close" or "content-length" not in headers:
            self.writer.close()
            self.reader = self.writer = None
        return int(status_line.split()[1]), payload


async def reporter(n, pk, session, port, stop_at, budget, results, think):
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret
    client = Client(port, session, csrf)
    version, seq = None, 0
    pause = random.Random(n)  # a person's pause between saves, the same every run
    while time.perf_counter() < stop_at and budget[0] > 0:
        if think:
            await asyncio.sleep(pause.expovariate(1 / think))
            if time.perf_counter() >= stop_at:
                break
        try:
            if version is None:
                status, page = await client.request("GET", f"/reporting/{pk}/")
                found = VERSION.search(page)
                if status != 200 or not found:
                    results["errors"].append(f"GET {status}")
                    await asyncio.sleep(0.05)
                    continue
                version = int(found.group(1))
            seq += 1
            values = {code: str(n * 1_000_000 + seq * 10 + i) for i, code in enumerate(INDICATORS)}
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": csrf, "step": "save", "version": version}
                | {f"value:{code}": value for code, value in values.items()}
            ).encode()
            start = time.perf_counter()
            status, answer = await client.request("POST", f"/reporting/{pk}/", body)
            elapsed = time.perf_counter() - start
        except (OSError, asyncio.IncompleteReadError) as error:
            results["errors"].append(type(error).__name__)
            client.writer = client.reader = None
            version = None
            continue
        results["latency"].append(elapsed)
        if status == 302:
            budget[0] -= 1
            results["saved"].append((pk, version, values))
            results["last"] = time.perf_counter()
            version += 1  # ours; if a colleague saved meanwhile, the next save is refused
        elif status == 409:  # the answer is the form again, with the typed values and the
            results["stale"] += 1  # new version: the reporter saves again from there
            found = VERSION.search(answer)
            version = int(found.group(1)) if found else None
        else:
            results["errors"].append(f"POST {status}")
            version = None


async def run_reporters(plan, port, seconds, saves, think):
    start = time.perf_counter()
    results = {"latency": [], "saved": [], "stale": 0, "errors": [], "last": start}
    budget = [saves]
    await asyncio.gather(
        *(
            reporter(n, pk, session, port, start + seconds, budget, results, think)
            for n, (pk, session) in enumerate(plan)
        )
    )
    return results, results["last"] - start  # to the last acknowledged save


def lost_updates(saved, versions) -> tuple[int, int]:
    """(lost, checked): compare the acknowledged saves with what the database holds."""
    from reporting.models import Event, Submission

    by_submission: dict[int, list] = {}
    for pk, version, values in saved:
        by_submission.setdefault(pk, []).append((version, values))
    lost = 0
    for pk, acknowledged in by_submission.items():
        submission = Submission.objects.get(pk=pk)
        bases = [version for version, _values in acknowledged]
        lost += len(bases) - len(set(bases))  # two saves acknowledged on one version
        lost += max(0, len(acknowledged) - (submission.version - versions[pk]))
        events = Event.objects.filter(submission=submission, step="save").count()
        lost += max(0, len(acknowledged) - events)
        _version, last = max(acknowledged, key=lambda item: item[0])
        stored = {
            v.indicator.code: str(int(v.value))
            for v in submission.values.select_related("indicator")
        }
        lost += stored != last
    return lost, len(by_submission)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reporters", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--saves", type=int, default=20_000)
    parser.add_argument("--think", type=float, default=1.5, help="mean pause between saves (s)")
    parser.add_argument(
        "--shared", type=float, default=0.2, help="share of reporters with a colleague on one form"
    )
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=DATABASE,
        DJANGO_SETTINGS_MODULE="zoneplan.settings",
        ZONEPLAN_LOG_LEVEL="WARNING",
        ZONEPLAN_SECRET_KEY=secrets.token_urlsafe(40),  # the sessions made here must verify there
    )
    plan, versions = build(args.reporters, args.shared)
    port = free_port()
    server_env = os.environ | {
        "DATABASE_URL": DATABASE + "?conn_max_age=600",  # a connection per worker, kept
        "ZONEPLAN_DEBUG": "false",
        "ZONEPLAN_ALLOWED_HOSTS": "127.0.0.1",
        "ZONEPLAN_LOG_LEVEL": "ERROR",  # not a line per refused save
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 - our own server
        [
            str(gunicorn),
            "zoneplan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        results, elapsed = asyncio.run(
            run_reporters(plan, port, args.seconds, args.saves, args.think)
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    latency_ms = sorted(x * 1000 for x in results["latency"])
    saved = len(results["saved"])
    lost, checked = lost_updates(results["saved"], versions)
    if not latency_ms:
        raise SystemExit(f"no save got an answer: {sorted(set(results['errors']))[:5]}")
    p99 = latency_ms[max(0, int(len(latency_ms) * 0.99) - 1)]
    print(
        f"reporting under gunicorn ({args.workers} {args.worker_class} workers × {args.threads} "
        f"threads) on PostgreSQL, "
        f"{len(plan)} reporters on {len(versions)} submissions, "
        f"mean pause {args.think:g} s between saves, {elapsed:.1f} s:"
    )
    print(f"  acknowledged saves      {saved:8,}  ({saved / elapsed:.0f} saves/s; goal ≥ 100)")
    print(
        f"  save latency            p50 {statistics.median(latency_ms):.0f} ms, "
        f"p99 {p99:.0f} ms (goal ≤ 500), over {len(latency_ms):,} save requests"
    )
    print(
        f"  refused: another saved first  {results['stale']:,} (the reporter re-reads and retries)"
    )
    print(
        f"  errors                  {len(results['errors']):8,}  {sorted(set(results['errors']))[:5]}"
    )
    print(f"  lost updates            {lost:8,}  (goal 0; {checked} submissions checked)")


if __name__ == "__main__":
    main()
