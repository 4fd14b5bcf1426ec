"""Benchmarks. `make bench` runs them on SQLite and on PostgreSQL and prints the figures.

    .venv/bin/python benchmarks/run.py tree   [--database sqlite|postgres] [--zones 3000]
    .venv/bin/python benchmarks/run.py import [--database sqlite|postgres] [--rows 100000]

tree: builds a tree of ~100 districts and N zones (default 3,000) in a scratch database,
then times, as the median of 50 runs: one district's subtree, the city's subtree count, a
district officer's visible units, a scoped query through `restrict`, and the server time
of the zone list page for a district officer and a city admin (median of 20, with the query
count).

import: generates a 100,000-row carriers workbook (once, in var/) and imports it in a fresh
process: parse, check and compare, write with a history row each; prints rows/s for each step
and end to end, and the process's peak memory; then the same parse with openpyxl; then the same
import committed as a job by a real worker (rows/s, the ratio to inline, and the longest gap
between progress updates).
Nothing is asserted: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import median_ms, migrate_and_load_plan  # noqa: E402

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

    quiet = migrate_and_load_plan()
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
        "one district's subtree (list)": median_ms(
            lambda: list(Unit.objects.subtree_of(districts[7])), 50
        ),
        "city subtree (count)": median_ms(lambda: Unit.objects.subtree_of(city).count(), 50),
        "district officer's visible units (list)": median_ms(
            lambda: list(visible_units(fresh(officer))), 50
        ),
        "restrict(Target) for a district officer": median_ms(
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
        pages[label] = (median_ms(lambda: client.get("/zones/"), 20), len(executed))

    vendor = connection.vendor
    print(
        f"== tree benchmark on {vendor}: {total:,} units ({zones:,} generated zones, built in {build_s:.1f} s) =="
    )
    for label, ms in figures.items():
        print(f"  {label:<45} {ms:8.2f} ms (median of 50)")
    for label, (ms, count) in pages.items():
        print(f"  zone list page, {label:<29} {ms:8.2f} ms (median of 20), {count} queries")


IMPORT_FILE = ROOT / "var" / "bench-carriers-100k.xlsx"


def make_carriers_workbook(path: Path, rows: int) -> float:
    """A realistic upload: the template's headers, the shipped zones, dates and areas."""
    import datetime as dt

    import yaml
    from openpyxl import Workbook

    from carriers.choices import CARRIER_KIND_ZH
    from carriers.registry import COLUMNS

    territory = yaml.safe_load(
        (ROOT / "plans/data/territory-chengdu.yaml").read_text(encoding="utf-8")
    )
    zones = [u["name"] for u in territory["units"] if u["kind"] == "zone"]
    kinds = list(CARRIER_KIND_ZH.values())
    rng = random.Random(2020)
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("产业载体")
    ws.append([c.template_header for c in COLUMNS])
    for i in range(rows):
        begun = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
        done = begun + dt.timedelta(days=rng.randint(300, 700)) if i % 3 == 0 else None
        ws.append(
            [
                zones[i % len(zones)],
                kinds[i % 4],
                f"基准载体{i:06d}",
                round(rng.uniform(0.5, 30), 2),
                "基准建设单位",
                f"基准路{i}号",
                round(104.0 + rng.random() * 0.2, 6),
                round(30.6 + rng.random() * 0.2, 6),
                begun - dt.timedelta(days=30),
                begun,
                begun + dt.timedelta(days=600),
                done,
                rng.randint(40, 100) if done else None,
                "",
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return time.perf_counter() - start


def bench_import_child(path: Path) -> None:
    """One import in this process, so that its peak memory is its own."""
    import resource

    from django.contrib.auth import get_user_model
    from django.db import connection

    from carriers.models import Carrier
    from carriers.registry import REGISTRY
    from core.tabular.engine import commit_import, plan_import
    from core.tabular.read import read_table

    migrate_and_load_plan()
    user = get_user_model().objects.create_superuser("bench", password="x")  # noqa: S106
    data = path.read_bytes()
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    t0 = time.perf_counter()
    table = read_table(data, path.name, max_bytes=200 * 1024 * 1024, max_rows=200_000)
    t1 = time.perf_counter()
    plan = plan_import(REGISTRY, table, user=user)
    t2 = time.perf_counter()
    if not plan.ok:
        raise SystemExit(f"benchmark workbook has errors: {plan.error or plan.bad_rows[0].errors}")
    commit_import(REGISTRY, plan, user=user, reason="基准测试")
    t3 = time.perf_counter()
    rows = len(plan.rows)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert Carrier.objects.count() == rows and Carrier.history.count() == rows
    print(f"== carriers import on {connection.vendor}: {rows:,} rows ==")
    print(f"  parse (calamine)      {t1 - t0:6.2f} s  {rows / (t1 - t0):>9,.0f} rows/s")
    print(f"  check and compare     {t2 - t1:6.2f} s  {rows / (t2 - t1):>9,.0f} rows/s")
    print(f"  write with history    {t3 - t2:6.2f} s  {rows / (t3 - t2):>9,.0f} rows/s")
    print(
        f"  end to end            {t3 - t0:6.2f} s  {rows / (t3 - t0):>9,.0f} rows/s   (goal ≥ 20,000)"
    )
    print(f"RATE {rows / (t3 - t0):.1f}")
    print(
        f"  peak memory           {peak_mb:6.0f} MB (process; {baseline_kb / 1024:.0f} MB before the import; goal ≤ 500)"
    )


def bench_import_export_child(path: Path) -> None:
    """The same workbook through django-import-export (a test extra): a plain ModelResource on
    Carrier whose fields take the template's headers, the zone looked up by name. It does less
    than Zoneplan's import (no unit conversion, no choice labels, no rights, no preview), which
    makes the comparison kind to it. Prints rows/s end to end (load and import)."""
    import resource

    import tablib
    from django.contrib.auth import get_user_model
    from import_export import fields, resources, widgets

    from carriers.models import Carrier
    from carriers.registry import COLUMNS
    from territory.models import Unit

    migrate_and_load_plan()
    get_user_model().objects.create_superuser("bench", password="x")  # noqa: S106
    headers = {c.key: c.template_header for c in COLUMNS}

    class CarrierResource(resources.ModelResource):
        zone = fields.Field(
            attribute="zone",
            column_name=headers["zone"],
            widget=widgets.ForeignKeyWidget(Unit, field="name"),
        )

        # The workbook writes occupancy as officers do (85 for 85%); the model keeps 0.85.
        class Share(widgets.DecimalWidget):
            def clean(self, value, row=None, **kwargs):
                number = super().clean(value, row, **kwargs)
                return number / 100 if number is not None and number > 1 else number

        occupancy_rate = fields.Field(
            attribute="occupancy_rate", column_name=headers["occupancy_rate"], widget=Share()
        )
        # An empty text cell is "" in the model, not NULL.
        note = fields.Field(
            attribute="note",
            column_name=headers["note"],
            widget=widgets.CharWidget(allow_blank=True),
        )

        class Meta:
            model = Carrier
            fields = tuple(headers)
            import_id_fields = ("zone", "kind", "name")

    for attr, header in headers.items():
        if attr not in ("zone", "note", "occupancy_rate"):
            CarrierResource.fields[attr].column_name = header
    t0 = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    t1 = time.perf_counter()
    result = CarrierResource().import_data(dataset, dry_run=False, use_transactions=True)
    t2 = time.perf_counter()
    if result.has_errors() or result.has_validation_errors():
        first = (
            result.row_errors()[0][1][0].error
            if result.row_errors()
            else result.invalid_rows[0].error_dict
        )
        raise SystemExit(f"django-import-export refused the benchmark workbook: {first!r}")
    rows = len(dataset)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert Carrier.objects.count() == rows
    print("== the same workbook through django-import-export 4.4 (plain ModelResource) ==")
    print(f"  load (tablib/openpyxl) {t1 - t0:6.2f} s  {rows / (t1 - t0):>9,.0f} rows/s")
    print(f"  import_data            {t2 - t1:6.2f} s  {rows / (t2 - t1):>9,.0f} rows/s")
    print(f"  end to end             {t2 - t0:6.2f} s  {rows / (t2 - t0):>9,.0f} rows/s")
    print(f"  peak memory            {peak_mb:6.0f} MB")
    print(f"RATE {rows / (t2 - t0):.1f}")


def bench_import_task_child(path: Path) -> None:
    """The same workbook committed as a job by a real `manage.py worker` (what a commit of more
    than ZONEPLAN_IMPORT_TASK_ROWS rows does): rows/s from the worker starting it to the end,
    the queue wait, and the longest gap between two progress updates seen by a poller."""
    import subprocess

    from django.contrib.auth import get_user_model
    from django.db import connection

    from carriers.models import Carrier
    from carriers.registry import REGISTRY
    from core import uploads
    from jobs.imports import start_import
    from jobs.models import Job

    migrate_and_load_plan()
    user = get_user_model().objects.create_superuser("bench", password="x")  # noqa: S106
    data = path.read_bytes()
    rows = int(path.stem.rsplit("-", 1)[1])
    staged = uploads.stage(
        data, filename=path.name, user_id=user.pk, registry="carriers", rows=rows
    )
    env = dict(os.environ, ZONEPLAN_TASK_LEASE_SECONDS="60")
    worker = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "-v", "0"],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)  # the worker is up and idle
        url = start_import(user=user, registry=REGISTRY, staged=staged, list_url="/carriers/")
        pk = url.rstrip("/").split("/")[-1]
        seen, last_change, longest, previous = time.perf_counter(), None, 0.0, None
        where = ""
        while True:
            job = Job.objects.get(pk=pk)
            now = time.perf_counter()
            mark = (job.progress, job.heartbeat_at)
            if job.status == "running" and mark != previous:
                if last_change is not None and now - last_change > longest:
                    longest = now - last_change
                    where = f"from {previous[0]}% to {job.progress}% ({job.step})"
                last_change, previous = now, mark
            if not job.is_open:
                break
            if now - seen > 1800:
                raise SystemExit("the import job did not end in 30 minutes")
            time.sleep(0.05)
        if last_change is not None:
            longest = max(longest, time.perf_counter() - last_change)
    finally:
        worker.terminate()
        worker.wait(30)
    if job.status != "done":
        raise SystemExit(f"the import job failed: {job.error}\n{job.traceback}")
    assert Carrier.objects.count() == rows
    run_s = (job.finished_at - job.started_at).total_seconds()
    wait_s = (job.started_at - job.created_at).total_seconds()
    print(f"== the same import as a job in a worker on {connection.vendor} ==")
    print(
        f"  in the worker         {run_s:6.2f} s  {rows / run_s:>9,.0f} rows/s (queue wait {wait_s:.2f} s)"
    )
    print(f"  longest gap between progress updates {longest:.1f} s (goal ≤ 2), {where}")
    print(f"RATE {rows / run_s:.1f}")


def bench_openpyxl_parse(path: Path) -> None:
    from openpyxl import load_workbook

    start = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in wb.active.iter_rows(values_only=True)) - 1
    seconds = time.perf_counter() - start
    print(
        f"  parse (openpyxl, read-only, for comparison) {seconds:6.2f} s  {rows / seconds:>9,.0f} rows/s"
    )


def bench_progress(zones: int) -> None:
    """National scale: ~3,000 zones, 300,000 carriers, 300,000 projects, 5 years of monthly
    reported values; progress of every target and the city cockpit."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from carriers.models import Carrier
    from core import bulk
    from investment.models import Enterprise, InvestmentProject
    from plans.models import Indicator, Plan, ReportedValue, Section, Target
    from plans.selectors import plan_progress
    from territory.choices import UnitKind
    from territory.models import Unit
    from territory.services import save_unit

    migrate_and_load_plan()
    rng = random.Random(2020)
    started = time.perf_counter()
    with transaction.atomic():
        city = Unit.objects.get(code="510100")
        districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT))
        districts += [
            save_unit(Unit(code=f"n-d{i}", kind=UnitKind.DISTRICT, name=f"区{i}", parent=city))
            for i in range(77)
        ]
        new = [
            Unit(
                code=f"n-z{i}",
                kind=UnitKind.ZONE,
                name=f"功能区{i}",
                parent=districts[i % len(districts)],
                is_demo=True,
            )
            for i in range(zones - Unit.objects.filter(kind=UnitKind.ZONE).count())
        ]
        Unit.objects.bulk_create(new, batch_size=1000)
        rows = list(Unit.objects.filter(code__startswith="n-z").select_related("parent"))
        for row in rows:
            row.path, row.depth = f"{row.parent.path}{row.pk}/", 2
        Unit.objects.bulk_update(rows, ["path", "depth"], batch_size=1000)
        zone_ids = list(Unit.objects.filter(kind=UnitKind.ZONE).values_list("pk", flat=True))

        def when(low: int, high: int) -> dt.date:
            return dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(low, high))

        kinds = ["scitech_space", "standard_factory", "professional_building", "talent_apartment"]
        carriers = []
        for i in range(300_000):
            begun = when(0, 1400) if rng.random() < 0.85 else None
            planned = when(0, 1400)
            carriers.append(
                {
                    "zone_id": zone_ids[i % len(zone_ids)],
                    "kind": kinds[i % 4],
                    "name": f"载体{i}",
                    "floor_area_m2": Decimal(rng.randint(1_000, 300_000)),
                    "planned_start": planned,
                    "actual_start": begun,
                    "planned_completion": planned + dt.timedelta(days=rng.randint(300, 900)),
                    "actual_completion": begun + dt.timedelta(days=rng.randint(300, 900))
                    if begun and rng.random() < 0.5
                    else None,
                    "is_demo": True,
                }
            )
        bulk.insert_rows(
            Carrier, carriers, constants={"updated_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}
        )
        del carriers
        enterprises = [
            {"credit_code": f"N{i:017d}", "name": f"企业{i}", "is_demo": True}
            for i in range(20_000)
        ]
        bulk.insert_rows(Enterprise, enterprises)
        enterprise_ids = list(
            Enterprise.objects.filter(credit_code__startswith="N").values_list("pk", flat=True)
        )
        tiers = ["top500", "segment_leader", "core_supplier", "other", "other"]
        projects = []
        for i in range(300_000):
            lead = when(0, 1400)
            signed = lead + dt.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.6 else None
            projects.append(
                {
                    "zone_id": zone_ids[i % len(zone_ids)],
                    "name": f"项目{i}",
                    "tier": tiers[i % 5],
                    "enterprise_id": enterprise_ids[i % len(enterprise_ids)],
                    "lead_on": lead,
                    "negotiating_on": lead + dt.timedelta(days=20),
                    "signed_on": signed,
                    "is_demo": True,
                }
            )
        bulk.insert_rows(InvestmentProject, projects)
        del projects
        plan = Plan.objects.get(code="cd-2020")
        indicator = Indicator.objects.create(
            code="n_reported", name="填报指标", kind="reported", measure="count"
        )
        Target.objects.create(
            plan=plan,
            section=Section.objects.get(plan=plan, code="resources"),
            code="n-reported",
            title="填报指标",
            unit=city,
            indicator=indicator,
            comparator="gte",
            value=Decimal(10**7),
            display_unit="个",
            deadline=dt.date(2020, 12, 31),
            clause="基准测试",
        )
        values = []
        for zone_id in zone_ids:
            for month in range(60):
                year, m = divmod(2016 * 12 + month, 12)
                end = dt.date(year + (m + 1) // 12, (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)
                values.append(
                    {
                        "indicator_id": indicator.pk,
                        "unit_id": zone_id,
                        "period_end": end,
                        "value": Decimal(month * 10),
                    }
                )
        bulk.insert_rows(ReportedValue, values)
    built = time.perf_counter() - started
    counts = (
        Unit.objects.filter(kind=UnitKind.ZONE).count(),
        Carrier.objects.count(),
        InvestmentProject.objects.count(),
        ReportedValue.objects.count(),
        plan.targets.count(),
    )
    day = dt.date(2020, 9, 30)
    from plans import cache, figures

    def compute():
        return plan_progress(plan, day=day, with_drivers=True)

    executed: list = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    figures.forget()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        compute()  # the zone figures are empty: every per-zone value is computed and stored
    first_ms = (time.perf_counter() - started) * 1000
    first_queries = len(executed)
    if os.environ.get("ZONEPLAN_BENCH_PROFILE"):
        # Each target on its own engine: which ones cost the time.
        from plans.progress import Engine, progress

        costs = []
        for target in plan.targets.select_related("indicator", "unit", "plan"):
            t0 = time.perf_counter()
            progress(target, day=day, with_drivers=True, engine=Engine(plan))
            costs.append(
                (time.perf_counter() - t0, target.code, target.rule or target.indicator_id)
            )
        for cost, code, what in sorted(costs, reverse=True)[:12]:
            print(f"    {cost * 1000:8.0f} ms  {code} ({what})")
    executed.clear()
    with connection.execute_wrapper(count):
        compute()
    compute_queries = len(executed)
    compute_ms = median_ms(compute, 3)
    admin = get_user_model().objects.create_superuser("bench-viewer", password="x")  # noqa: S106
    client = Client()
    client.force_login(admin)
    response = client.get("/cockpit/", {"day": "2020-09-30"})
    if response.status_code != 200:
        raise SystemExit(f"/cockpit/ answered {response.status_code}")
    # A real change: one officer saves one carrier (another zone each time), then the first
    # view of the city cockpit computes every target again over the zone figures.
    edited = iter(
        Carrier.objects.filter(kind="scitech_space").order_by("pk")[i * 997] for i in range(30)
    )

    def after_change():
        carrier = next(edited)
        carrier.floor_area_m2 += 1
        carrier.save()
        started = time.perf_counter()
        client.get("/cockpit/", {"day": "2020-09-30"})
        return (time.perf_counter() - started) * 1000

    after_change()  # warm up
    changed_ms = statistics.median(after_change() for _ in range(5))
    executed.clear()
    carrier = next(edited)
    carrier.floor_area_m2 += 1
    carrier.save()
    with connection.execute_wrapper(count):
        client.get("/cockpit/", {"day": "2020-09-30"})
    cockpit_queries = len(executed)

    def bumped():  # the data version moves on without a write: the figures are all current
        cache.bump()
        client.get("/cockpit/", {"day": "2020-09-30"})

    bumped_ms = median_ms(bumped, 3)
    executed.clear()
    with connection.execute_wrapper(count):
        client.get("/cockpit/", {"day": "2020-09-30"})
    warm_queries = len(executed)
    cockpit_ms = median_ms(lambda: client.get("/cockpit/", {"day": "2020-09-30"}), 20)
    print(
        f"== progress benchmark on {connection.vendor}: {counts[0]:,} zones, {counts[1]:,} carriers, "
        f"{counts[2]:,} projects, {counts[3]:,} monthly values, {counts[4]} targets (built in {built:.0f} s) =="
    )
    print(
        f"  progress of every target, zone figures empty  {first_ms:8.0f} ms (fills them), {first_queries} queries"
    )
    print(
        f"  progress of every target      {compute_ms:8.0f} ms (median of 3; goal ≤ 500), {compute_queries} queries"
    )
    print(
        f"  city cockpit, after a change  {changed_ms:8.0f} ms (median of 5: one carrier saved before each; goal ≤ 300), {cockpit_queries} queries"
    )
    print(
        f"  city cockpit, version moved   {bumped_ms:8.0f} ms (median of 3: the data version moved on, no write)"
    )
    print(
        f"  city cockpit, server time     {cockpit_ms:8.0f} ms (median of 20; goal ≤ 150 on PostgreSQL), {warm_queries} queries"
    )
    print(
        f"  ratio, computed from the registries (zone figures empty) to read from the zone "
        f"figures: progress {first_ms / compute_ms:.1f}×, cockpit after a change {first_ms / changed_ms:.1f}×"
    )
    # The tree over time: 300 zones move to another district from 2020-07-01; a figure for a
    # day before the moves and one after roll up over the tree of their own day.
    from territory.services import record_change

    moved = rng.sample(zone_ids, 300)
    by_pk = Unit.objects.in_bulk(moved)
    started = time.perf_counter()
    for pk in moved:
        zone = by_pk[pk]
        others = [d for d in districts if d.pk != zone.parent_id]
        record_change(unit=zone, on=dt.date(2020, 7, 1), parent=rng.choice(others))
    moves_s = time.perf_counter() - started
    before_ms = median_ms(lambda: plan_progress(plan, day=dt.date(2020, 6, 30)), 3)
    after_ms = median_ms(lambda: plan_progress(plan, day=day), 3)
    print(
        f"  300 moves recorded            {moves_s * 1000:8.0f} ms in all; then progress of every target:"
    )
    print(
        f"    for 2020-06-30 (before)     {before_ms:8.0f} ms; for 2020-09-30 (after) {after_ms:.0f} ms; "
        f"ratio to no moves {after_ms / compute_ms:.2f}"
    )


def bench_geo(zones: int) -> None:
    """3,000 core areas: assign 1,000,000 points to them, and serve the map data."""
    import datetime as dt
    import gzip

    import numpy as np
    import shapely
    from django.contrib.auth import get_user_model
    from django.test import Client
    from shapely.geometry import box

    from carriers.models import Carrier
    from core import bulk
    from territory.choices import UnitKind
    from territory.models import Unit, ZoneShape
    from territory.services import save_unit

    migrate_and_load_plan()
    city = Unit.objects.get(code="510100")
    district = save_unit(Unit(code="g-d", kind=UnitKind.DISTRICT, name="基准区", parent=city))
    Unit.objects.bulk_create(
        [
            Unit(code=f"g-z{i}", kind=UnitKind.ZONE, name=f"基准功能区{i}", parent=district)
            for i in range(zones)
        ]
    )
    rows = list(Unit.objects.filter(code__startswith="g-z"))
    for row in rows:
        row.path, row.depth = f"{district.path}{row.pk}/", 2
    Unit.objects.bulk_update(rows, ["path", "depth"], batch_size=1000)
    # 3,000 squares of ~1 km² in a 60 × 50 grid over the city, 0.03° apart.
    squares = [
        box(
            103.0 + (i % 60) * 0.03,
            30.1 + (i // 60) * 0.025,
            103.0104 + (i % 60) * 0.03,
            30.109 + (i // 60) * 0.025,
        )
        for i in range(zones)
    ]
    shapes = []
    for zone, square in zip(rows, squares, strict=True):
        west, south, east, north = square.bounds
        shapes.append(
            {
                "zone_id": zone.pk,
                "kind": "core_area",
                "geojson": shapely.to_geojson(square),
                "area_m2": 1_000_000,
                "min_lon": west,
                "min_lat": south,
                "max_lon": east,
                "max_lat": north,
                "source_crs": "wgs84",
                "delineated_on": dt.date(2020, 6, 1),
            }
        )
    bulk.insert_rows(ZoneShape, shapes)

    rng = np.random.default_rng(2020)
    lon = rng.uniform(103.0, 104.8, 1_000_000)
    lat = rng.uniform(30.1, 31.35, 1_000_000)
    polygons = [shapely.from_geojson(s["geojson"]) for s in shapes]

    def assign():
        tree = shapely.STRtree(polygons)
        points = shapely.points(lon, lat)
        point_index, polygon_index = tree.query(points, predicate="within")
        owner = np.full(len(points), -1)
        owner[point_index] = polygon_index
        return owner

    started = time.perf_counter()
    owner = assign()
    assign_s = time.perf_counter() - started
    inside = int((owner >= 0).sum())

    carriers = [
        {
            "zone_id": rows[i % zones].pk,
            "kind": "scitech_space",
            "name": f"点{i}",
            "floor_area_m2": 1000,
            "longitude": round(float(lon[i]), 6),
            "latitude": round(float(lat[i]), 6),
        }
        for i in range(5000)
    ]
    bulk.insert_rows(
        Carrier, carriers, constants={"updated_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}
    )
    admin = get_user_model().objects.create_superuser("bench-map", password="x")  # noqa: S106
    client = Client()
    client.force_login(admin)
    started = time.perf_counter()  # the first request computes target progress for every zone
    response = client.get("/map/data.json", HTTP_ACCEPT_ENCODING="gzip")
    cold_ms = (time.perf_counter() - started) * 1000
    size_gz = len(response.content)
    size_raw = len(gzip.decompress(response.content))
    map_ms = median_ms(lambda: client.get("/map/data.json", HTTP_ACCEPT_ENCODING="gzip"), 10)
    from django.db import connection

    print(f"== geometry benchmark on {connection.vendor}: {zones:,} core areas ==")
    print(
        f"  assign 1,000,000 points to core areas   {assign_s * 1000:8.0f} ms (goal ≤ 3,000); {inside:,} fall inside one"
    )
    print(
        f"  map data for {zones:,} zones + 5,000 points  {map_ms:8.0f} ms (median of 10; goal ≤ 300), "
        f"{size_gz / 1024 / 1024:.2f} MB gzipped (goal ≤ 5), {size_raw / 1024 / 1024:.2f} MB raw; "
        f"first request after a change {cold_ms:.0f} ms (computes target progress, then cached)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "what",
        nargs="?",
        choices=[
            "tree",
            "import",
            "import-child",
            "import-export-child",
            "import-task-child",
            "progress",
            "geo",
        ],
        default="tree",
    )
    parser.add_argument("--database", choices=sorted(URLS), default="sqlite")
    parser.add_argument("--zones", type=int, default=3000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="import: skip the django-import-export run (minutes at 100k rows)",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = URLS[args.database]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneplan.settings")
    os.environ.setdefault("ZONEPLAN_LOG_LEVEL", "WARNING")
    os.environ["ZONEPLAN_ALLOWED_HOSTS"] = "testserver"  # the test client's host
    import django

    if args.what == "import":
        import subprocess

        django.setup()
        path = IMPORT_FILE.with_name(f"bench-carriers-{args.rows}.xlsx")
        if not path.exists():
            print(
                f"  generating {args.rows:,}-row workbook: {make_carriers_workbook(path, args.rows):.1f} s"
            )

        def run(what: str) -> float:
            _prepare_database(args.database)
            command = [sys.executable, __file__, what, "--database", args.database]
            command += ["--rows", str(args.rows)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
            if done.returncode:
                raise SystemExit(f"{what} failed:\n{done.stdout}{done.stderr}")
            lines = done.stdout.splitlines()
            print("\n".join(line for line in lines if not line.startswith("RATE ")))
            return float(next(line for line in lines if line.startswith("RATE ")).split()[1])

        ours = run("import-child")
        bench_openpyxl_parse(path)
        as_task = run("import-task-child")
        print(f"  ratio, as a job to inline: {as_task / ours:.2f} (goal: the same, 1.0)")
        if not args.no_reference:
            theirs = run("import-export-child")
            print(
                f"  ratio, Zoneplan to django-import-export end to end: {ours / theirs:.1f}× (goal ≥ 10)"
            )
        return
    if args.what in ("tree", "progress", "geo"):
        _prepare_database(args.database)
    django.setup()
    if args.what == "geo":
        bench_geo(args.zones)
    elif args.what == "progress":
        bench_progress(args.zones)
    elif args.what == "import-child":
        bench_import_child(IMPORT_FILE.with_name(f"bench-carriers-{args.rows}.xlsx"))
    elif args.what == "import-task-child":
        bench_import_task_child(IMPORT_FILE.with_name(f"bench-carriers-{args.rows}.xlsx"))
    elif args.what == "import-export-child":
        bench_import_export_child(IMPORT_FILE.with_name(f"bench-carriers-{args.rows}.xlsx"))
    else:
        bench_tree(args.zones)


if __name__ == "__main__":
    main()
