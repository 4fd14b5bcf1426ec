"""Benchmarks. `make bench` runs them on SQLite and on PostgreSQL and prints the figures.

    .venv/bin/python benchmarks/run.py [--database sqlite|postgres] [--zones 3000]

tree: builds a tree of ~100 districts and N zones (default 3,000) in a scratch database,
then times, as the median of 50 runs: one district's subtree, the city's subtree count, a
district officer's visible units, a scoped query through `restrict`, and the server time
of the zone list page for a district officer and a city admin (median of 20, with the query
count). Nothing is asserted: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_SQLITE = ROOT / "var" / "bench.sqlite3"
URLS = {
    "sqlite": f"sqlite:///{BENCH_SQLITE}",
    "postgres": "postgres://postgres@127.0.0.1:5432/zoneplan_bench",
}


def _prepare_database(kind: str) -> None:
    if kind == "sqlite":
        BENCH_SQLITE.unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS zoneplan_bench")
        conn.execute("CREATE DATABASE zoneplan_bench")


def _median_ms(fn, runs: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_tree(zones: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.choices import Role
    from accounts.models import Membership, User
    from accounts.scoping import restrict, visible_units
    from plans.models import Target
    from territory.choices import UnitKind
    from territory.models import Unit
    from territory.services import save_unit

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command(
        "load_plan",
        ROOT / "plans/data/territory-chengdu.yaml",
        ROOT / "plans/data/plan-2020.yaml",
        stdout=quiet,
    )
    call_command("seed_demo", stdout=quiet)

    city = Unit.objects.get(code="510100")
    start = time.perf_counter()
    districts = [
        save_unit(Unit(code=f"b-d{i}", kind=UnitKind.DISTRICT, name=f"区{i}", parent=city))
        for i in range(100)
    ]
    new = [
        Unit(
            code=f"b-z{i}",
            kind=UnitKind.ZONE,
            name=f"功能区{i}",
            parent=districts[i % 100],
            is_demo=True,
        )
        for i in range(zones)
    ]
    Unit.objects.bulk_create(new, batch_size=1000)
    rows = list(Unit.objects.filter(code__startswith="b-z").select_related("parent"))
    for row in rows:
        row.path, row.depth = f"{row.parent.path}{row.pk}/", 2
    Unit.objects.bulk_update(rows, ["path", "depth"], batch_size=1000)
    build_s = time.perf_counter() - start
    total = Unit.objects.count()

    officer = User.objects.create_user("bench-officer", password="x")  # noqa: S106
    Membership.objects.create(user=officer, unit=districts[7], role=Role.DISTRICT_OFFICER)
    admin = User.objects.get(username="admin")

    def fresh(user):
        return User.objects.get(pk=user.pk)  # no cached memberships

    figures = {
        "one district's subtree (list)": _median_ms(
            lambda: list(Unit.objects.subtree_of(districts[7])), 50
        ),
        "city subtree (count)": _median_ms(lambda: Unit.objects.subtree_of(city).count(), 50),
        "district officer's visible units (list)": _median_ms(
            lambda: list(visible_units(fresh(officer))), 50
        ),
        "restrict(Target) for a district officer": _median_ms(
            lambda: list(restrict(Target.objects.all(), fresh(officer))), 50
        ),
    }
    client = Client()
    pages = {}
    for label, user in (("district officer", officer), ("city admin", admin)):
        client.force_login(user)
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        # Django empties its query log when a request starts, so count at the cursor.
        with connection.execute_wrapper(count):
            response = client.get("/zones/")
        if response.status_code != 200:
            raise SystemExit(f"/zones/ answered {response.status_code} for the {label}")
        pages[label] = (_median_ms(lambda: client.get("/zones/"), 20), len(executed))

    vendor = connection.vendor
    print(
        f"== tree benchmark on {vendor}: {total:,} units ({zones:,} generated zones, built in {build_s:.1f} s) =="
    )
    for label, ms in figures.items():
        print(f"  {label:<45} {ms:8.2f} ms (median of 50)")
    for label, (ms, count) in pages.items():
        print(f"  zone list page, {label:<29} {ms:8.2f} ms (median of 20), {count} queries")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=sorted(URLS), default="sqlite")
    parser.add_argument("--zones", type=int, default=3000)
    args = parser.parse_args()
    _prepare_database(args.database)
    os.environ["DATABASE_URL"] = URLS[args.database]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneplan.settings")
    os.environ.setdefault("ZONEPLAN_LOG_LEVEL", "WARNING")
    os.environ["ZONEPLAN_ALLOWED_HOSTS"] = "testserver"  # the test client's host
    import django

    django.setup()
    bench_tree(args.zones)


if __name__ == "__main__":
    main()
