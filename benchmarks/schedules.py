"""The late-and-due list of backward schedules (`/schedules/`) at the size issue 19 names.

    .venv/bin/python benchmarks/schedules.py [--database sqlite|postgres] [--carriers 2000]
        [--runs 5]

Builds, in a scratch database with the shipped plan, a backward-schedule template of five
steps for each carrier kind (演示 durations: 20, 40, 5, 180 and 20 working days) and --carriers
generated carriers over the zones (2,000 × 5 = 10,000 milestones), with planned completions
from two years back to two years ahead and a start recorded for a third of them. It prints the
server time of the list's first page as a city administrator (the median of --runs requests,
goal ≤ 300 ms) and, in the same run, the same page with the calendar walked one day at a time
(what counting back did before the kept count of workdays), with the ratio of the two. Nothing
is asserted: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import median_ms, scratch_django  # noqa: E402

GOAL_MS = 300
STEPS = [(20, ""), (40, ""), (5, "actual_start"), (180, ""), (20, "actual_completion")]


def build(carriers: int) -> None:
    from django.utils import timezone

    from carriers.choices import CarrierKind
    from carriers.models import Carrier, ScheduleStep, ScheduleTemplate
    from core import bulk
    from territory.models import Unit

    for kind in CarrierKind:
        template = ScheduleTemplate.objects.create(kind=kind, name=f"{kind}（演示）", is_demo=True)
        previous = None
        for order, (days, tracks) in enumerate(STEPS, start=1):
            previous = ScheduleStep.objects.create(
                template=template,
                order=order,
                name=f"步骤{order}（演示）",
                working_days=days,
                predecessor=previous,
                tracks=tracks,
            )
    zones = list(Unit.objects.filter(kind="zone").values_list("pk", flat=True))
    kinds = list(CarrierKind)
    rng = random.Random(19)
    today = timezone.localdate()
    rows = []
    for n in range(carriers):
        completion = today + dt.timedelta(days=rng.randint(-700, 700))
        started = completion - dt.timedelta(days=rng.randint(200, 400)) if n % 3 == 0 else None
        rows.append(
            {
                "zone_id": zones[n % len(zones)],
                "kind": kinds[n % len(kinds)],
                "name": f"基准载体{n:05d}（演示）",
                "floor_area_m2": Decimal(10_000),
                "planned_completion": completion,
                "actual_start": started if started and started <= today else None,
                "is_demo": True,
            }
        )
    bulk.insert_rows(Carrier, rows, constants={"updated_at": timezone.now()})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--carriers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch_django(args.database, "bench_schedules")

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from carriers import calendar
    from carriers.models import Carrier
    from carriers.schedules import late_or_due

    build(args.carriers)
    admin = get_user_model().objects.create_superuser("bench", password="x")  # noqa: S106
    settings.ALLOWED_HOSTS = ["testserver"]  # the test client's host
    client = Client()
    client.force_login(admin)
    if client.get(reverse("schedule_list")).status_code != 200:
        raise SystemExit("the list did not open")
    url = reverse("schedule_list")
    calendar._index()  # kept once per process, as a server keeps it
    ours = median_ms(lambda: client.get(url), args.runs)
    listed = len(late_or_due(Carrier.objects.all(), today=dt.date.today()))

    class Uncovered(calendar._WorkdayIndex):
        def __init__(self) -> None:
            self.weekday_years = frozenset()

        def covers(self, day: dt.date) -> bool:
            return False

    kept = calendar._index
    calendar._index = lambda: Uncovered()
    start = time.perf_counter()
    walked = median_ms(lambda: client.get(url), max(1, args.runs // 2))
    calendar._index = kept
    from django.db import connection

    print(
        f"== /schedules/ on {connection.vendor}: {args.carriers:,} carriers, "
        f"{args.carriers * len(STEPS):,} milestones, {listed:,} late or due =="
    )
    print(
        f"  first page, kept count of workdays   {ours:8.0f} ms (goal ≤ {GOAL_MS}; {ours / GOAL_MS:.2f} of it)"
    )
    print(
        f"  reference: walking the calendar      {walked:8.0f} ms ({time.perf_counter() - start:.1f} s in all)"
    )
    print(f"  ratio, reference to ours             {walked / ours:8.1f}×")


if __name__ == "__main__":
    main()
