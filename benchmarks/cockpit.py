"""The city cockpit under many readers, on two gunicorn servers against one PostgreSQL.

    .venv/bin/python benchmarks/cockpit.py [--readers 50] [--seconds 20] [--think 1.0]
                                           [--workers 2]

Builds a scratch database (zoneplan_bench_cockpit: the shipped plan and the demo data), then
runs the same load twice, each time on two fresh gunicorn servers (sync, --workers each) on two
loopback ports: once with Redis as the shared cache (ZONEPLAN_REDIS_URL), once without (each
process its own cache: the reference). Each of --readers readers, logged in as the city
administrator, alternates between the two servers, opens /cockpit/, and pauses --think seconds
on average (exponential, seeded) — 50 readers at 1 s offer ~50 views a second. Each server
process first serves a few views (as a server that has been up a while), then the data version
is moved on, as a saved change does, so the run includes the first computation after a change. Prints views/s, p50 and p95 of the cockpit's response time (goal
p95 ≤ 100 ms with Redis), how many times the progress was computed (once with Redis), and the
ratio of the p95s. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_postgres, migrate_and_load_plan, session_for  # noqa: E402
from benchmarks.reporters import Client, free_port  # noqa: E402

DATABASE = "postgres://postgres@127.0.0.1:5432/zoneplan_bench_cockpit"
REDIS = "redis://127.0.0.1:6379/12"


def build() -> str:
    """A fresh database with the plan and the demo; returns the admin's session key."""
    fresh_postgres("zoneplan_bench_cockpit")
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User

    quiet = migrate_and_load_plan()
    call_command("seed_demo", stdout=quiet)
    return session_for(User.objects.get(username="admin"))


def start_servers(workers: int, redis: bool, logs: list[Path]) -> tuple[list, list[int]]:
    env = os.environ | {
        "DATABASE_URL": DATABASE + "?conn_max_age=600",
        "ZONEPLAN_DEBUG": "false",
        "ZONEPLAN_ALLOWED_HOSTS": "127.0.0.1",
        "ZONEPLAN_LOG_LEVEL": "INFO",  # the "computed …" lines are counted
    }
    if redis:
        env["ZONEPLAN_REDIS_URL"] = REDIS
    gunicorn = Path(sys.executable).with_name("gunicorn")
    servers, ports = [], []
    for log in logs:
        port = free_port()
        servers.append(
            subprocess.Popen(  # noqa: S603 - our own server
                [
                    str(gunicorn),
                    "zoneplan.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
        ports.append(port)
    import socket

    for port in ports:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
    return servers, ports


async def reader(n, ports, session, stop_at, think, times, errors):
    csrf = secrets.token_hex(16)
    clients = [Client(port, session, csrf) for port in ports]
    pause = random.Random(n)
    turn = n
    while time.perf_counter() < stop_at:
        await asyncio.sleep(pause.expovariate(1 / think) if think else 0)
        client = clients[turn % len(clients)]
        turn += 1
        started = time.perf_counter()
        try:
            status, page = await client.request("GET", "/cockpit/")
        except (OSError, asyncio.IncompleteReadError) as error:
            errors.append(repr(error))
            continue
        if status != 200 or b'id="status-counts"' not in page:
            errors.append(f"GET {status}")
            continue
        times.append(time.perf_counter() - started)


def _computed(logs: list[Path]) -> int:
    return sum(
        "computed zoneplan:" in line and ":progress:" in line
        for log in logs
        for line in log.read_text(errors="replace").splitlines()
    )


def run(label: str, args, session: str, redis: bool) -> float:
    from plans.cache import bump

    logs = [ROOT / "var" / f"bench-cockpit-{label}-{i}.log" for i in (1, 2)]
    servers, ports = start_servers(args.workers, redis, logs)
    try:
        if redis:
            import redis as redis_client

            redis_client.Redis.from_url(REDIS).flushdb()

        # Every worker process past its first request (imports, templates, the tree), as a
        # server that has been up a while; then a saved change, so the progress is computed again.
        async def warm():
            clients = [
                Client(port, session, secrets.token_hex(16)) for port in ports for _ in range(4)
            ]
            for _round in range(3):
                await asyncio.gather(*(c.request("GET", "/cockpit/") for c in clients))

        asyncio.run(warm())
        before = _computed(logs)
        bump()
        times, errors = [], []
        start = time.perf_counter()

        async def everyone():
            stop_at = start + args.seconds
            readers = [
                reader(n, ports, session, stop_at, args.think, times, errors)
                for n in range(args.readers)
            ]
            await asyncio.gather(*readers)

        asyncio.run(everyone())
        elapsed = time.perf_counter() - start
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)
    computed = _computed(logs) - before
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
    print(f"== {label}: {args.readers} readers, 2 servers × {args.workers} workers ==")
    print(f"  views/s {len(times) / elapsed:.1f}, errors {len(errors)}")
    print(
        f"  p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95:.0f} ms (goal ≤ 100 with Redis)"
    )
    print(f"  progress computed {computed} time(s) after the change")
    return p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=DATABASE,
        DJANGO_SETTINGS_MODULE="zoneplan.settings",
        ZONEPLAN_LOG_LEVEL="WARNING",
        ZONEPLAN_SECRET_KEY=secrets.token_urlsafe(40),
    )
    session = build()
    shared = run("with Redis", args, session, redis=True)
    alone = run("without Redis (each process its own cache)", args, session, redis=False)
    print(f"  ratio of p95, without to with Redis: {alone / shared:.2f}")


if __name__ == "__main__":
    main()
