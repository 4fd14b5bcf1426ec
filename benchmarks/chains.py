"""Chains and the pipeline at the size issue 12 names.

    .venv/bin/python benchmarks/chains.py [--database postgres|sqlite] [--nodes 2000]
        [--enterprises 50000] [--projects 100000] [--runs 7]

Builds, in a scratch database with the shipped plan: 20 chains of --nodes nodes in all (three
segments, nested three deep), --enterprises enterprises spread over the zones, each on one to
two nodes (2% of them chain leaders), --projects investment projects at every stage (a tenth
serving a node), and capital in place for a third of the signed ones. Then prints, as the
median of --runs runs:

- every node's status and the three gap lists for the city, for a district and for a zone
  (goal ≤ 1 s);
- a zone's chain page (the map, the table and the gap lists of one chain), server time
  through Django's test client with the query count (goal ≤ 300 ms);
- 三率 and 资金到位率 for all zones: the city's four rates computed afresh (zone figures
  forgotten), and again with the zone figures kept (goal ≤ 200 ms).

Each figure is printed with its ratio to the goal, measured in the same run. Nothing is
asserted: the numbers are for people to read.
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

DATABASES = ("postgres", "sqlite")
GOALS_MS = {"statuses": 1000, "page": 300, "rates": 200}


def _build(args, rng: random.Random) -> dict:
    from chains.models import Chain, ChainLink, ChainNode, NodeEnterprise, NodeProject
    from investment.models import CapitalArrival, Enterprise, InvestmentProject
    from territory.models import Unit

    zones = list(Unit.objects.filter(kind="zone").order_by("code").values_list("pk", flat=True))
    chains = Chain.objects.bulk_create(
        [Chain(code=f"b-{n:02d}", name=f"基准链{n:02d}", order=n) for n in range(20)]
    )
    per_chain = args.nodes // len(chains)
    nodes: list[ChainNode] = []
    for chain in chains:
        made = 0
        for segment in ("upstream", "midstream", "downstream"):
            share = per_chain // 3 + (1 if segment == "upstream" else 0) * (per_chain % 3)
            tops = ChainNode.objects.bulk_create(
                [
                    ChainNode(
                        chain=chain,
                        code=f"{segment}-{i}",
                        name=f"{segment}{i}",
                        segment=segment,
                        order=made + i,
                    )
                    for i in range(max(1, share // 10))
                ]
            )
            made += len(tops)
            nodes.extend(tops)
            left = share - len(tops)
            children = []
            for i in range(left):
                parent = tops[i % len(tops)]
                children.append(
                    ChainNode(
                        chain=chain,
                        code=f"{segment}-c{i}",
                        name=f"{segment}子{i}",
                        segment=segment,
                        parent=parent,
                        order=made + i,
                    )
                )
            made += len(children)
            nodes.extend(ChainNode.objects.bulk_create(children))
        ChainLink.objects.bulk_create(
            [
                ChainLink(source=a, target=b, kind="supplies")
                for a, b in zip(
                    [n for n in nodes if n.chain_id == chain.pk and n.parent_id is None][:-1],
                    [n for n in nodes if n.chain_id == chain.pk and n.parent_id is None][1:],
                    strict=True,
                )
            ]
        )
    leaves = [n.pk for n in nodes if n.parent_id is not None] or [n.pk for n in nodes]
    Enterprise.objects.bulk_create(
        [
            Enterprise(credit_code=f"B{n:017d}", name=f"基准企业{n}", zone_id=rng.choice(zones))
            for n in range(args.enterprises)
        ],
        batch_size=5000,
    )
    enterprise_ids = list(
        Enterprise.objects.filter(credit_code__startswith="B").values_list("pk", flat=True)
    )
    mappings = []
    for pk in enterprise_ids:
        for node in rng.sample(leaves, k=rng.choice((1, 1, 2))):
            mappings.append(
                NodeEnterprise(node_id=node, enterprise_id=pk, is_leader=rng.random() < 0.02)
            )
    NodeEnterprise.objects.bulk_create(mappings, batch_size=5000, ignore_conflicts=True)
    start = dt.date(2020, 1, 1)
    projects = []
    for n in range(args.projects):
        signed = start + dt.timedelta(days=rng.randint(-200, 360)) if rng.random() < 0.6 else None
        started = (
            signed + dt.timedelta(days=rng.randint(10, 300))
            if signed and rng.random() < 0.6
            else None
        )
        producing = (
            started + dt.timedelta(days=rng.randint(30, 300))
            if started and rng.random() < 0.5
            else None
        )
        projects.append(
            InvestmentProject(
                zone_id=rng.choice(zones),
                name=f"基准项目{n}",
                tier=rng.choice(["top500", "segment_leader", "core_supplier", "other", "other"]),
                enterprise_id=rng.choice(enterprise_ids),
                investment_yuan=Decimal(rng.randint(1, 500)) * 10_000_000,
                lead_on=start - dt.timedelta(days=300),
                signed_on=signed,
                started_on=started,
                production_on=producing,
                contract_production_on=signed + dt.timedelta(days=rng.randint(200, 700))
                if signed
                else None,
            )
        )
    InvestmentProject.objects.bulk_create(projects, batch_size=5000)
    rows = list(InvestmentProject.objects.values_list("pk", "signed_on", "investment_yuan"))
    NodeProject.objects.bulk_create(
        [
            NodeProject(node_id=rng.choice(leaves), project_id=pk)
            for pk, _s, _i in rows
            if rng.random() < 0.1
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    CapitalArrival.objects.bulk_create(
        [
            CapitalArrival(
                project_id=pk, on=signed + dt.timedelta(days=30), amount_yuan=investment / 4
            )
            for pk, signed, investment in rows
            if signed and rng.random() < 0.33
        ],
        batch_size=5000,
    )
    return {"chains": chains, "zones": zones, "nodes": len(nodes), "mappings": len(mappings)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=DATABASES, default="postgres")
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch_django(args.database, "zoneplan_bench_chains")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from chains.selectors import chain_states, gaps
    from investment.selectors import pipeline_rates
    from plans import figures
    from plans.models import Plan
    from plans.progress import Engine
    from territory.models import Unit

    settings.ALLOWED_HOSTS = ["*"]
    began = time.perf_counter()
    built = _build(args, random.Random(2020))
    print(
        f"built in {time.perf_counter() - began:.0f} s on {args.database}: {built['nodes']:,} nodes "
        f"in {len(built['chains'])} chains, {args.enterprises:,} enterprises on "
        f"{built['mappings']:,} node mappings, {args.projects:,} projects"
    )
    city = Unit.objects.get(code="510100")
    district = Unit.objects.get(code="hi-tech-zone")
    zone = Unit.objects.get(code="z-new-economy")
    day = dt.date(2020, 12, 31)

    def statuses(unit):
        def run():
            states = chain_states(unit=unit, day=day)
            gaps(states, unit=unit, day=day)

        return run

    print("\nnode statuses and gap lists, all chains (median ms; goal ≤ 1000 ms)")
    for label, unit in (("city", city), ("district", district), ("zone", zone)):
        ms = median_ms(statuses(unit), args.runs)
        print(f"  {label:<9} {ms:8.1f} ms   ratio to goal {ms / GOALS_MS['statuses']:.2f}")

    admin = User.objects.create_superuser("bench-admin", password="x")  # noqa: S106
    client = Client()
    client.force_login(admin)
    url = f"/chains/{built['chains'][0].code}/?unit={zone.code}"
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    ms = median_ms(lambda: client.get(url), args.runs)
    print(f"\na zone's chain page ({len(queries)} queries; goal ≤ 300 ms)")
    print(f"  {url:<40} {ms:8.1f} ms   ratio to goal {ms / GOALS_MS['page']:.2f}")

    plan = Plan.objects.get(code="cd-2020")

    def rates_cold():
        figures.forget()
        pipeline_rates(Engine(plan), city.pk, day)

    def rates_kept():
        pipeline_rates(Engine(plan), city.pk, day)

    print(
        "\n三率, 资金到位率 and the share from the list for all zones: the city's (goal ≤ 200 ms)"
    )
    for label, fn in (("afresh", rates_cold), ("figures kept", rates_kept)):
        ms = median_ms(fn, args.runs)
        print(f"  {label:<13} {ms:8.1f} ms   ratio to goal {ms / GOALS_MS['rates']:.2f}")
    rates = pipeline_rates(Engine(plan), city.pk, day)
    print("  " + "; ".join(f"{r.code} {r.percent:.1f}%" for r in rates if r.percent is not None))


if __name__ == "__main__":
    main()
