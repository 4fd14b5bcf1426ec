"""The REST API under load: PostgreSQL, one gunicorn server, token clients on loopback.

    .venv/bin/python benchmarks/api.py [--carriers 300000] [--clients 200] [--seconds 20]
                                       [--workers 3]

Builds a scratch database (zoneplan_bench_api: the shipped plan, and --carriers generated
carriers spread over the zones, each named 演示载体-N and marked as demo), starts gunicorn (sync,
--workers) and measures, as the city administrator with an API token:

1. **A 100-item page of carriers** (`/api/v1/carriers/?page_size=100`, following `next` 200
   times): p50 and p95 of the answer (goal p95 ≤ 100 ms; tests/test_api.py holds the queries
   of a page to a bound whatever its size). The reference: the registry's own list page
   (/carriers/, 50 rows with its count) for the same user, 50 times; the ratio of the p95s.
2. **Progress of the plan for a day** (`/api/v1/targets/?plan=cd-2020&day=2020-12-31`): the
   first answer after a change (computed, goal ≤ 500 ms) and the p95 of 20 after it (cached).
   The reference: the same progress computed in this process by the selector the cockpit and
   `manage.py progress` use; the ratio.
3. **--clients concurrent token clients** (each its own token, as programs are), reading pages
   of carriers as fast as answers come for --seconds: requests/s and errors (goal ≥ 300/s,
   0 errors). The reference: the same clients on /api/v1/plans/ (the lightest endpoint: what
   the server gives when the database does almost nothing); the ratio.

Nothing is asserted: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_postgres, migrate_and_load_plan, session_for  # noqa: E402
from benchmarks.reporters import Client, free_port  # noqa: E402

DATABASE = "postgres://postgres@127.0.0.1:5432/zoneplan_bench_api"
SECRET = secrets.token_urlsafe(40)  # the server and this process sign cursors alike


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def build(carriers: int, clients: int) -> tuple[list[str], str]:
    """A fresh database; returns the clients' tokens (the first is the admin's) and the admin's
    session key (for the page)."""
    fresh_postgres("zoneplan_bench_api")
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from accounts.services import issue_token
    from carriers.models import Carrier
    from territory.models import Unit

    quiet = migrate_and_load_plan()
    call_command("seed_demo", stdout=quiet)
    zones = list(Unit.objects.filter(kind="zone").order_by("code").values_list("pk", flat=True))
    kinds = ["scitech_space", "standard_factory", "professional_building", "talent_apartment"]
    started = time.perf_counter()
    batch = []
    for n in range(carriers):
        batch.append(
            Carrier(
                zone_id=zones[n % len(zones)],
                kind=kinds[n % len(kinds)],
                name=f"演示载体-{n:06d}",
                floor_area_m2=1000 + n % 50_000,
                is_demo=True,
            )
        )
        if len(batch) == 10_000:
            Carrier.objects.bulk_create(batch)
            batch = []
    Carrier.objects.bulk_create(batch)
    print(f"{carriers} carriers written in {time.perf_counter() - started:.0f} s")
    admin = User.objects.get(username="admin")
    officers = [admin, *User.objects.exclude(pk=admin.pk).order_by("pk")]
    tokens = [
        issue_token(user=officers[n % len(officers)], name=f"bench-{n}", days=1, can_write=False)[1]
        for n in range(clients)
    ]
    return tokens, session_for(admin)


def start_server(workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": DATABASE + "?conn_max_age=600",
        "ZONEPLAN_DEBUG": "false",
        "ZONEPLAN_ALLOWED_HOSTS": "127.0.0.1",
        "ZONEPLAN_SECRET_KEY": SECRET,
        "ZONEPLAN_LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 - our own server
        [str(gunicorn), "zoneplan.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    import socket

    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if time.time() > deadline:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)


async def _timed(client: Client, path: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    status, body = await client.request("GET", path)
    return time.perf_counter() - started, status, body


def pages(port: int, token: str, session: str) -> None:
    async def go():
        api = Client(port, token=token)
        for _warm in range(5):
            await api.request("GET", "/api/v1/carriers/?page_size=100")
        times, path, rows = [], "/api/v1/carriers/?page_size=100", 0
        for _page in range(200):
            elapsed, status, body = await _timed(api, path)
            if status != 200:
                raise SystemExit(f"GET {path}: {status} {body[:200]!r}")
            page = json.loads(body)
            rows += len(page["results"])
            times.append(elapsed)
            if page["next"] is None:  # the end of a small registry: from the start again
                path = "/api/v1/carriers/?page_size=100"
                continue
            parts = urlsplit(page["next"])
            path = f"{parts.path}?{parts.query}"
        browser = Client(port, session, secrets.token_hex(16))
        reference = []
        for n in range(50):
            elapsed, status, _body = await _timed(browser, f"/carriers/?page={n + 1}")
            if status != 200:
                raise SystemExit(f"GET /carriers/: {status}")
            reference.append(elapsed)
        return times, rows, reference

    times, rows, reference = asyncio.run(go())
    print("== a 100-item page of carriers (city admin) ==")
    print(
        f"  {len(times)} pages, {rows} rows: p50 {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {_p95(times):.0f} ms (goal ≤ 100)"
    )
    print(
        f"  reference, the list page (50 rows): p95 {_p95(reference):.0f} ms; "
        f"API/page ratio {_p95(times) / _p95(reference):.2f}"
    )


def progress(port: int, token: str) -> None:
    from plans.cache import bump
    from plans.models import Plan
    from plans.selectors import plan_progress
    from territory.models import Unit

    bump()  # a saved change: the next answer computes the progress
    path = "/api/v1/targets/?plan=cd-2020&day=2020-12-31"

    async def go():
        api = Client(port, token=token)
        first, status, body = await _timed(api, path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body[:200]!r}")
        after = [(await _timed(api, path))[0] for _ in range(20)]
        return first, after, len(json.loads(body)["results"])

    first, after, targets = asyncio.run(go())
    plan = Plan.objects.get(code="cd-2020")
    import datetime as dt

    started = time.perf_counter()
    plan_progress(plan, day=dt.date(2020, 12, 31), units=Unit.objects.all(), with_drivers=False)
    selector = time.perf_counter() - started
    print("== progress of the plan for a day ==")
    print(f"  {targets} targets: first after a change {first * 1000:.0f} ms (goal ≤ 500)")
    print(f"  cached: p95 {_p95(after):.0f} ms")
    print(
        f"  reference, the selector in this process: {selector * 1000:.0f} ms; "
        f"API/selector ratio {first / selector:.2f}"
    )


def crowd(port: int, tokens: list[str], seconds: float, path: str) -> tuple[float, int, float]:
    async def client(token, stop_at, times, errors):
        api = Client(port, token=token)
        while time.perf_counter() < stop_at:
            try:
                elapsed, status, _body = await _timed(api, path)
            except (OSError, asyncio.IncompleteReadError) as error:
                errors.append(type(error).__name__)
                api.reader = api.writer = None
                continue
            if status != 200:
                errors.append(str(status))
                continue
            times.append(elapsed)

    times, errors = [], []
    start = time.perf_counter()

    async def everyone():
        await asyncio.gather(*(client(t, start + seconds, times, errors) for t in tokens))

    asyncio.run(everyone())
    elapsed = time.perf_counter() - start
    return len(times) / elapsed, len(errors), _p95(times) if times else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--carriers", type=int, default=300_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=DATABASE,
        DJANGO_SETTINGS_MODULE="zoneplan.settings",
        ZONEPLAN_LOG_LEVEL="WARNING",
        ZONEPLAN_SECRET_KEY=SECRET,
    )
    tokens, session = build(args.carriers, args.clients)
    (ROOT / "var").mkdir(exist_ok=True)
    server, port = start_server(args.workers, ROOT / "var" / "bench-api.log")
    try:
        pages(port, tokens[0], session)
        progress(port, tokens[0])
        path = "/api/v1/carriers/?page_size=20"
        rate, errors, p95 = crowd(port, tokens, args.seconds, path)
        light, light_errors, light_p95 = crowd(port, tokens, args.seconds, "/api/v1/plans/")
    finally:
        server.terminate()
        server.wait(30)
    print(f"== {args.clients} token clients, 1 server × {args.workers} workers ==")
    print(f"  {path}: {rate:.0f} requests/s (goal ≥ 300), errors {errors}, p95 {p95:.0f} ms")
    print(
        f"  reference, /api/v1/plans/: {light:.0f} requests/s, errors {light_errors}, "
        f"p95 {light_p95:.0f} ms; ratio {rate / light:.2f}"
    )


if __name__ == "__main__":
    main()
