"""Queue latency: from enqueueing a job to a worker starting it, with the worker idle.

    .venv/bin/python benchmarks/tasks.py [--database sqlite|postgres] [--jobs 40] [--interval 0.5]

Migrates a scratch database, starts one real `manage.py worker` (polling every `--interval`
seconds, the worker's default being 0.5), then enqueues jobs one at a time, each after the
previous one finished and a random pause (so enqueues fall anywhere in the worker's sleep).
Prints the median, 95th percentile and maximum of enqueue → start (the job's own timestamps,
written by the two processes on one clock) and their ratio to the goal of 1 s. Nothing is
asserted: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 1.0
BENCH_SQLITE = ROOT / "var" / "bench-tasks.sqlite3"
URLS = {
    "sqlite": f"sqlite:///{BENCH_SQLITE}",
    "postgres": "postgres://postgres@127.0.0.1:5432/zoneplan_bench_tasks",
}


def _prepare(kind: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS zoneplan_bench_tasks")
        conn.execute("CREATE DATABASE zoneplan_bench_tasks")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=sorted(URLS), default="sqlite")
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()
    _prepare(args.database)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEPLAN_")}
    env["DATABASE_URL"] = URLS[args.database]
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zoneplan.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jobs.choices import JobKind, JobStatus
    from jobs.models import Job
    from jobs.services import start
    from jobs.tests.tasks import count_to

    worker = subprocess.Popen(  # noqa: S603 - our own manage.py
        [
            sys.executable,
            "manage.py",
            "worker",
            "--no-reload",
            "--no-startup-delay",
            "-v",
            "0",
            "--interval",
            str(args.interval),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)  # the worker is up and idle
        rng = random.Random(7)
        waits = []
        for _ in range(args.jobs):
            time.sleep(rng.uniform(0, args.interval))
            job = start(kind=JobKind.IMPORT, task=count_to, params={"of": 1})
            while Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED]).exists():
                time.sleep(0.01)
            job.refresh_from_db()
            waits.append((job.started_at - job.created_at).total_seconds())
            while Job.objects.get(pk=job.pk).is_open:
                time.sleep(0.01)
    finally:
        worker.terminate()
        worker.wait(20)
    waits.sort()
    p95 = waits[min(len(waits) - 1, round(0.95 * (len(waits) - 1)))]
    median = statistics.median(waits)
    print(
        f"queue latency, {args.database}, idle worker polling every {args.interval:g} s, {len(waits)} jobs"
    )
    print(
        f"  median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms"
    )
    print(f"  p95 / goal of {GOAL_SECONDS:g} s: {p95 / GOAL_SECONDS:.2f}")


if __name__ == "__main__":
    main()
