"""The public portal under load: many logged-out readers at once, and a flood at the answer
form from one address while enterprises elsewhere still answer.

    .venv/bin/python benchmarks/portal_load.py [--opportunities 100000] [--readers 200]
        [--seconds 20] [--workers 3] [--threads 8] [--flood-rate 50] [--flood-seconds 10]
        [--senders 20]

Builds a scratch PostgreSQL database (zoneplan_bench_portal_load: the shipped plan and
--opportunities published opportunities, generated as benchmarks/portal.py makes them), starts
gunicorn (--workers gthread workers × --threads, keeping connections alive) with the Redis
cache a deployment of several workers has, behind a trusted proxy on loopback (each client
names its address in X-Forwarded-For, as the city's proxy would), and measures:

1. **Readers.** --readers concurrent clients, each on its own kept-alive connection, reading
   a round of portal pages (the home page, list pages 1–5, each field, searches, details of
   published opportunities, the scenario IPs, the feed and the JSON) as fast as answers
   come, for --seconds: requests/s, errors, p95 (goal ≥ 500 requests/s, 0 errors). The
   reference, in the same run: the same crowd reading one static file (WhiteNoise: no
   database, no cache), the ceiling of this server on this machine; the ratio.
2. **A flood.** One address sends a well-formed answer to one opportunity --flood-rate times
   a second for --flood-seconds (the form fetched once and sent after the least fill time, as
   a script would). Meanwhile --senders enterprises, each from its own address, send one real
   answer each to the same opportunity, spread over the flood. Printed: what the flood sent
   and how much was accepted (the limit is ZONEPLAN_RESPONSE_PER_ADDRESS an hour) and
   refused with 429; how many real answers were accepted; the p95 of a real answer during the
   flood against the reference of as many answers spread over as long a time before it, to
   another opportunity, with no flood (the ratio).

Nothing is asserted: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import scratch_django, start_gunicorn  # noqa: E402
from benchmarks.reporters import Client  # noqa: E402

NAME = "zoneplan_bench_portal_load"
DATABASE = f"postgres://postgres@127.0.0.1:5432/{NAME}"
REDIS = "redis://127.0.0.1:6379/12"
SECRET = secrets.token_urlsafe(40)
READERS_GOAL = 500.0
STATIC = "/static/css/zoneplan.css"


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000 if times else 0


def _round(details: list[int], fields: list[str]) -> list[str]:
    """What readers read, in turn: the pages people open on the portal."""
    pages = ["/open/", *(f"/open/opportunities/?page={n}" for n in range(1, 6))]
    pages += [f"/open/opportunities/?field={f}" for f in fields]
    pages += [
        f"/open/opportunities/?{urlencode({'q': q})}" for q in ("人工智能", "供应链", "5G 园区")
    ]
    pages += [f"/open/opportunities/{pk}/" for pk in details]
    pages += ["/open/scenarios/", "/open/feed.atom", "/open/opportunities.json?state=open"]
    return pages


def _reader(port: int, n: int) -> Client:
    return Client(port, extra=f"X-Forwarded-For: 198.51.{n // 250}.{n % 250 + 1}")


def crowd(port: int, readers: int, seconds: float, plan: list[str]):
    """`readers` clients reading `plan` round and round for `seconds`: requests/s, errors,
    the p95 in ms and the clients' own share of a core."""

    async def reader(n, stop_at, times, errors):
        client = _reader(port, n)
        step = n  # each starts at another page
        while time.perf_counter() < stop_at:
            path = plan[step % len(plan)]
            step += 1
            started = time.perf_counter()
            try:
                status, _body = await client.request("GET", path)
            except (OSError, asyncio.IncompleteReadError) as error:
                errors.append(type(error).__name__)
                client.reader = client.writer = None
                continue
            if status != 200:
                errors.append(f"{path}: {status}")
                continue
            times.append(time.perf_counter() - started)

    times: list[float] = []
    errors: list[str] = []
    start, used = time.perf_counter(), time.process_time()

    async def everyone():
        await asyncio.gather(*(reader(n, start + seconds, times, errors) for n in range(readers)))

    asyncio.run(everyone())
    elapsed = time.perf_counter() - start
    return len(times) / elapsed, errors, _p95(times), (time.process_time() - used) / elapsed


async def _form(client: Client, pk: int, csrf: str) -> str:
    status, body = await client.request("GET", f"/open/opportunities/{pk}/respond/")
    assert status == 200, status
    opened = re.search(rb'name="opened" value="([^"]+)"', body)
    assert opened, "the form has no signed opening time"
    return opened.group(1).decode()


def _answer(n: int, csrf: str, opened: str) -> bytes:
    from dashboards.demo import _demo_credit_code

    return urlencode(
        {
            "csrfmiddlewaretoken": csrf,
            "organisation": f"演示企业{n}",
            "credit_code": _demo_credit_code(random.Random(n)),
            "contact_name": "联系人（演示）",
            "contact_email": f"bench{n}@example.invalid",
            "message": "（演示）我们有相关能力，愿意对接。",
            "consent": "on",
            "website": "",
            "opened": opened,
        }
    ).encode()


def flood(port, pk, quiet_pk, rate, seconds, senders, min_seconds):
    """The flood at `pk` and the real answers (the module's docstring, part 2); the reference
    answers go to `quiet_pk`, so that the opportunity's own hourly limit is not spent on them."""

    async def sender(n: int, address: str, pk: int = pk):
        csrf = secrets.token_hex(16)
        client = Client(port, csrf=csrf, extra=f"X-Forwarded-For: {address}")
        return client, csrf, await _form(client, pk, csrf)

    async def send(client, body, pk: int = pk) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            status, _ = await client.request("POST", f"/open/opportunities/{pk}/respond/", body)
        except (OSError, asyncio.IncompleteReadError):
            client.reader = client.writer = None
            return 0, time.perf_counter() - started
        return status, time.perf_counter() - started

    async def real(n: int, delay: float, results: list, pk: int = pk):
        client, csrf, opened = await sender(n, f"192.0.{2 + n // 250}.{n % 250 + 1}", pk)
        await asyncio.sleep(max(delay, min_seconds + 0.5))
        results.append(await send(client, _answer(n, csrf, opened), pk))

    async def go():
        # The reference: the same kind of real answers, with nothing else going on.
        spread = [seconds * (n + 0.5) / senders for n in range(senders)]
        alone: list = []
        await asyncio.gather(*(real(1000 + n, spread[n], alone, quiet_pk) for n in range(senders)))
        flooder, csrf, opened = await sender(0, "203.0.113.7")
        await asyncio.sleep(min_seconds + 0.5)
        body = _answer(0, csrf, opened)
        sent: list = []
        during: list = []
        reals = [asyncio.create_task(real(2000 + n, spread[n], during)) for n in range(senders)]
        start = time.perf_counter()
        flood_tasks = []
        for n in range(int(rate * seconds)):
            wait = start + n / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            # A fresh connection each time: a script does not wait for the last answer.
            client = Client(port, csrf=csrf, extra="X-Forwarded-For: 203.0.113.7")
            flood_tasks.append(asyncio.create_task(send(client, body)))
        sent = await asyncio.gather(*flood_tasks)
        elapsed = time.perf_counter() - start
        await asyncio.gather(*reals)
        del flooder
        return alone, sent, during, elapsed

    return asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--flood-rate", type=float, default=50)
    parser.add_argument("--flood-seconds", type=float, default=10)
    parser.add_argument("--senders", type=int, default=20)
    args = parser.parse_args()
    scratch_django("postgres", NAME)
    import logging

    import redis
    from django.conf import settings
    from django.db import connection

    from benchmarks.portal import build
    from opportunities.models import Field, Response, Version

    logging.getLogger("plans.cache").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # what WhiteNoise serves
    redis.Redis.from_url(REDIS).flushdb()
    build(args.opportunities, random.Random(13))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    fields = list(Field.objects.values_list("code", flat=True))
    rng = random.Random(7)
    published = list(
        Version.objects.filter(status="published", deadline__gte="2027-01-01").values_list(
            "opportunity_id", flat=True
        )[:2000]
    )
    details = rng.sample(published, 20)
    target = details[0]
    (ROOT / "var").mkdir(exist_ok=True)
    log = ROOT / "var" / "bench-portal-load.log"
    server, port = start_gunicorn(
        database=DATABASE, secret=SECRET, workers=args.workers, threads=args.threads, log=log,
        settings={"ZONEPLAN_REDIS_URL": REDIS, "ZONEPLAN_TRUSTED_PROXIES": "127.0.0.1/32"},
    )  # fmt: skip
    try:
        plan = _round(details, fields)
        crowd(port, 20, 3, plan)  # every page once into the cache, connections opened
        reading = crowd(port, args.readers, args.seconds, plan)
        reference = crowd(port, args.readers, args.seconds, [STATIC])
        alone, sent, during, elapsed = flood(
            port, target, details[1], args.flood_rate, args.flood_seconds, args.senders,
            settings.ZONEPLAN_RESPONSE_MIN_SECONDS,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(30)
    kind = f"{args.workers} gthread workers × {args.threads}"
    print(f"== the portal, {args.opportunities:,} published, 1 server of {kind}, Redis cache ==")
    for label, (rate, errors, p95, load) in (
        (f"{args.readers} readers, a round of {len(plan)} portal pages", reading),
        (f"reference, the same readers on one static file ({STATIC})", reference),
    ):
        shown = sorted(set(errors))[:3]
        print(
            f"  {label}: {rate:.0f} requests/s, errors {len(errors)}{' ' if shown else ''}"
            f"{shown if shown else ''}, p95 {p95:.0f} ms (the clients: {load:.0%} of a core)"
        )
    print(
        f"  readers: goal ≥ {READERS_GOAL:.0f} requests/s, 0 errors; ratio to the goal "
        f"{reading[0] / READERS_GOAL:.2f}, to the static reference {reading[0] / reference[0]:.2f}"
    )
    statuses = [status for status, _ in sent]
    accepted = statuses.count(200)
    print(
        f"  flood from one address: {len(sent)} sent in {elapsed:.1f} s "
        f"({len(sent) / elapsed:.0f}/s): {accepted} accepted, {statuses.count(429)} refused "
        f"with 429, {len(sent) - accepted - statuses.count(429)} otherwise "
        f"(limit: {settings.ZONEPLAN_RESPONSE_PER_ADDRESS} an hour)"
    )
    real_ok = [t for status, t in during if status == 200]
    alone_ok = [t for status, t in alone if status == 200]
    print(
        f"  real answers from {args.senders} other addresses during the flood: {len(real_ok)} "
        f"accepted; p95 {_p95(real_ok):.0f} ms against {_p95(alone_ok):.0f} ms with no flood "
        f"({len(alone_ok)} accepted), ratio "
        f"{(_p95(real_ok) / _p95(alone_ok)) if alone_ok and real_ok else float('nan'):.2f}"
    )
    kept = Response.objects.filter(opportunity_id=target).count()
    print(f"  answers kept for the opportunity: {kept} (median of the flood's answers "
          f"{statistics.median([t for _, t in sent]) * 1000:.0f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
