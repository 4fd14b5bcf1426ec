"""The REST API under load: PostgreSQL, one gunicorn server, token clients on loopback.

    .venv/bin/python benchmarks/api.py [--carriers 300000] [--clients 200] [--seconds 20]
                                       [--workers 3] [--threads 1]

Builds a scratch database (zoneplan_bench_api: the shipped plan, and --carriers generated
carriers spread over the zones, each named 演示载体-N and marked as demo, written as an import
writes them), starts gunicorn (--workers sync workers, or gthread with --threads > 1) with the
Redis cache a deployment of several workers has, and measures, as the city administrator with
an API token:

1. **A 100-item page of carriers** (`/api/v1/carriers/?page_size=100`, following `next` 200
   times): p50 and p95 of the answer (goal p95 ≤ 100 ms; tests/test_api.py holds the queries
   of a page to a bound whatever its size). The reference: the registry's own list page
   (/carriers/, 50 rows with its count) for the same user, 50 times; the ratio of the p95s.
2. **Progress of the plan for a day** (`/api/v1/targets/?plan=cd-2020&day=2020-12-31`): the
   first answer after the bulk load (nothing computed yet, no worker warming it), the first
   answer after each of 5 carriers is changed through the API (goal ≤ 500 ms), and the p95 of
   20 with nothing changed. The reference: the same change and the same selector
   (plans.selectors.plan_progress) in this process; the ratio of the medians.
3. **--clients concurrent token clients** (each its own token, as programs are), reading as
   fast as answers come for --seconds, three times: pages of 20 carriers, each client
   following its own cursor; a mixed round of what programs read (ROUND); and the reference,
   /api/v1/plans/ (the lightest endpoint: what the server gives when the database does almost
   nothing). Requests/s, errors, the p95, the ratio to the reference and the share of a core
   the clients themselves used (goal ≥ 300 requests/s, 0 errors).

Nothing is asserted: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import (  # noqa: E402
    fresh_postgres,
    migrate_and_load_plan,
    session_for,
    start_gunicorn,
)
from benchmarks.reporters import Client  # noqa: E402

DATABASE = "postgres://postgres@127.0.0.1:5432/zoneplan_bench_api"
# The cache every process shares, as a deployment with several workers has (docs/deploying.md):
# throttling counts per token across workers, and a token's row is read once.
REDIS = "redis://127.0.0.1:6379/11"
SECRET = secrets.token_urlsafe(40)  # the server and this process sign cursors alike


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def build(carriers: int, clients: int) -> tuple[list[str], str, str]:
    """A fresh database; returns the clients' tokens (the first is the admin's), an admin
    token that may write (for the change before progress) and the admin's session key (for
    the page). The carriers are written as an import writes them (core.bulk, which ANALYZEs
    the table after a large load); 85% have begun, half of those are complete, on dates drawn
    from a seeded generator, so that progress sums real rows."""
    fresh_postgres("zoneplan_bench_api")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import issue_token
    from carriers.models import Carrier
    from core import bulk
    from territory.models import Unit

    quiet = migrate_and_load_plan()
    call_command("seed_demo", stdout=quiet)
    zones = list(Unit.objects.filter(kind="zone").order_by("code").values_list("pk", flat=True))
    kinds = ["scitech_space", "standard_factory", "professional_building", "talent_apartment"]
    rng = random.Random(20261202)
    first = dt.date(2017, 1, 1)
    started = time.perf_counter()
    rows = []
    for n in range(carriers):
        begun = first + dt.timedelta(days=rng.randint(0, 1400)) if rng.random() < 0.85 else None
        rows.append(
            {
                "zone_id": zones[n % len(zones)],
                "kind": kinds[n % len(kinds)],
                "name": f"演示载体-{n:06d}",
                "floor_area_m2": Decimal(1000 + n % 50_000),
                "actual_start": begun,
                "actual_completion": begun + dt.timedelta(days=rng.randint(300, 900))
                if begun and rng.random() < 0.5
                else None,
                "is_demo": True,
            }
        )
    with transaction.atomic():
        bulk.insert_rows(Carrier, rows, constants={"updated_at": timezone.now()})
    print(f"{carriers} carriers written in {time.perf_counter() - started:.0f} s")
    admin = User.objects.get(username="admin")
    officers = [admin, *User.objects.exclude(pk=admin.pk).order_by("pk")]
    tokens = [
        issue_token(user=officers[n % len(officers)], name=f"bench-{n}", days=1, can_write=False)[1]
        for n in range(clients)
    ]
    writer = issue_token(user=admin, name="bench-write", days=1, can_write=True)[1]
    return tokens, writer, session_for(admin)


def start_server(workers: int, threads: int, log: Path) -> tuple[subprocess.Popen, int]:
    return start_gunicorn(
        database=DATABASE, secret=SECRET, workers=workers, threads=threads, log=log,
        settings={"ZONEPLAN_REDIS_URL": REDIS},
    )  # fmt: skip


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


def _change_a_carrier(port: int, writer: str, n: int) -> None:
    """What an officer's program does: read a carrier, change its area, send it back with
    If-Match (through the same save service as the form)."""
    url = f"http://127.0.0.1:{port}/api/v1/carriers/{1000 + 7919 * n}/"
    auth = {"Authorization": f"Token {writer}"}
    with urllib.request.urlopen(urllib.request.Request(url, headers=auth)) as answer:  # noqa: S310
        etag, item = answer.headers["ETag"], json.loads(answer.read())
    body = json.dumps({"floor_area_m2": str(Decimal(item["floor_area_m2"]) + 1)}).encode()
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        url,
        data=body,
        method="PATCH",
        headers=auth | {"If-Match": etag, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310
        if answer.status != 200:
            raise SystemExit(f"PATCH {url}: {answer.status}")


def progress(port: int, token: str, writer: str) -> None:
    from accounts.models import User
    from carriers.models import Carrier
    from carriers.views import PAGES
    from plans.models import Plan
    from plans.selectors import plan_progress
    from territory.models import Unit

    path = "/api/v1/targets/?plan=cd-2020&day=2020-12-31"

    async def get(api):
        elapsed, status, body = await _timed(api, path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body[:200]!r}")
        return elapsed, len(json.loads(body)["results"])

    async def go():
        api = Client(port, token=token)
        cold, targets = await get(api)  # nothing computed since the bulk load
        changed = []
        for n in range(5):
            _change_a_carrier(port, writer, n)
            changed.append((await get(api))[0])
        cached = [(await get(api))[0] for _ in range(20)]
        return cold, changed, cached, targets

    cold, changed, cached, targets = asyncio.run(go())
    plan = Plan.objects.get(code="cd-2020")
    admin = User.objects.get(username="admin")
    selector = []
    for n in range(5):  # the same change, then the same progress, in this process
        carrier = Carrier.objects.get(pk=2000 + 7919 * n)
        carrier.floor_area_m2 += 1
        PAGES.save(user=admin, obj=carrier)
        started = time.perf_counter()
        plan_progress(plan, day=dt.date(2020, 12, 31), units=Unit.objects.all(), with_drivers=False)
        selector.append(time.perf_counter() - started)
    print(f"== progress of the plan for a day ({targets} targets) ==")
    print(f"  first answer after the bulk load (nothing computed yet): {cold * 1000:.0f} ms")
    print(
        f"  first answer after a carrier changed through the API: median "
        f"{statistics.median(changed) * 1000:.0f} ms, worst {max(changed) * 1000:.0f} ms of "
        f"{len(changed)} (goal ≤ 500)"
    )
    print(f"  with nothing changed (cached): p95 {_p95(cached):.0f} ms")
    print(
        f"  reference, the selector in this process after the same change: median "
        f"{statistics.median(selector) * 1000:.0f} ms; API/selector ratio "
        f"{statistics.median(changed) / statistics.median(selector):.2f}"
    )


FIRST_PAGE = "/api/v1/carriers/?page_size=20"

# What the programs the API serves read, one round of each client (a district's sync walks the
# registry a page at a time; a big screen polls the progress; a script reads units and one
# item): the "mixed" crowd goes through it again and again.
ROUND = [
    "carriers",
    "/api/v1/targets/?plan=cd-2020&day=2020-12-31",
    "carriers",
    "/api/v1/units/?day=2020-12-31",
    "carriers",
    "/api/v1/carriers/{pk}/",
    "/api/v1/plans/",
]


def _next_page(body: bytes) -> tuple[str, int | None]:
    """The path of the page after this one (the first again at the end), and an item's id."""
    page = json.loads(body)
    item = page["results"][-1]["id"] if page["results"] else None
    if page["next"] is None:
        return FIRST_PAGE, item
    parts = urlsplit(page["next"])
    return f"{parts.path}?{parts.query}", item


def crowd(port: int, tokens: list[str], seconds: float, plan: list[str]):
    """Every token a client that reads `plan` over and over ("carriers": the next page of
    carriers, following the cursor), as fast as answers come, for `seconds`. Returns
    requests/s, the errors and the p95 of an answer."""

    async def client(n, token, stop_at, times, errors):
        api = Client(port, token=token)
        page, step, seen = FIRST_PAGE, 0, None
        while time.perf_counter() < stop_at:
            path = plan[step % len(plan)]
            step += 1
            walking = path == "carriers"
            if "{pk}" in path and seen is None:
                continue  # one item of a page this client has read
            path = page if walking else path.format(pk=seen)
            try:
                elapsed, status, body = await _timed(api, path)
            except (OSError, asyncio.IncompleteReadError) as error:
                errors.append(type(error).__name__)
                api.reader = api.writer = None
                continue
            if status != 200:
                errors.append(f"{path}: {status}")
                continue
            times.append(elapsed)
            if walking:
                page, seen = _next_page(body)

    times, errors = [], []
    start, used = time.perf_counter(), time.process_time()

    async def everyone():
        await asyncio.gather(
            *(client(n, t, start + seconds, times, errors) for n, t in enumerate(tokens))
        )

    asyncio.run(everyone())
    elapsed = time.perf_counter() - start
    load = (time.process_time() - used) / elapsed  # the clients' own share of a core
    return len(times) / elapsed, errors, _p95(times) if times else 0.0, load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--carriers", type=int, default=300_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=DATABASE,
        DJANGO_SETTINGS_MODULE="zoneplan.settings",
        ZONEPLAN_LOG_LEVEL="WARNING",
        ZONEPLAN_SECRET_KEY=SECRET,
        ZONEPLAN_REDIS_URL=REDIS,
    )
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    tokens, writer, session = build(args.carriers, args.clients)
    (ROOT / "var").mkdir(exist_ok=True)
    server, port = start_server(args.workers, args.threads, ROOT / "var" / "bench-api.log")
    try:
        pages(port, tokens[0], session)
        progress(port, tokens[0], writer)
        crowds = [
            ("pages of carriers (20 a page, each client its own cursor)", ["carriers"]),
            ("a mixed round (" + ", ".join(p.split("?")[0] for p in ROUND) + ")", ROUND),
            ("reference, /api/v1/plans/", ["/api/v1/plans/"]),
        ]
        measured = [(label, crowd(port, tokens, args.seconds, plan)) for label, plan in crowds]
    finally:
        server.terminate()
        server.wait(30)
    reference = measured[-1][1][0]
    kind = (
        f"{args.workers} gthread workers × {args.threads}"
        if args.threads > 1
        else (f"{args.workers} sync workers")
    )
    print(f"== {args.clients} token clients, 1 server of {kind}, Redis cache ==")
    for label, (rate, errors, p95, load) in measured:
        shown = sorted(set(errors))[:3]
        print(
            f"  {label}: {rate:.0f} requests/s, errors {len(errors)}{' ' if shown else ''}"
            f"{shown if shown else ''}, p95 {p95:.0f} ms; ratio to the reference "
            f"{rate / reference:.2f} (the clients themselves: {load:.0%} of a core)"
        )
    print("  (goal: ≥ 300 requests/s, 0 errors)")


if __name__ == "__main__":
    main()
