"""Attraction conflicts at the size issue 12 names.

    .venv/bin/python benchmarks/conflicts.py [--database postgres|sqlite]
        [--enterprises 50000] [--projects 100000] [--runs 3]

Builds, in a scratch database with the shipped plan, --enterprises enterprises with generated
names (演示 style: a place now and then, two to four characters, an industry word, a legal
form) and --projects investment projects over the zones, each in its enterprise's zone. Then
it plants two kinds of conflict:

- 2% of the enterprises get a second project in another zone (same credit code);
- 1% get a second record under a variant of their name, with a project in another zone. The
  variants change the legal form, add a bracketed place, add punctuation and a space, or
  change one character (which a short name may not survive: 2 of 4 characters is 67/100).

It prints:

- the search alone (`find_conflicts`), as the median of --runs runs;
- the first full run, which stores every conflict;
- a second full run, which finds the same and writes nothing.

Each is printed with its ratio to the goal (≤ 5 s), measured in the same run. It also prints
how many of the planted conflicts were found, and how many name comparisons the blocking keys
allowed against the pairs a full comparison would make. Nothing is asserted: the numbers are
for people to read.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import median_ms, scratch_django  # noqa: E402

DATABASES = ("postgres", "sqlite")
GOAL_S = 5.0

CHARACTERS = (
    "华盛德信达通恒泰康宏鑫源丰瑞安金银海天地山川江河湖云星辰光明东西南北中新锦蓉芙蜀"
    "川巴峨眉青城都江堰龙凤麟鹏鹰虎豹狮象鹤松柏竹梅兰菊桂荷莲桃李杏梨枫杨柳榕樟楠杉"
    "一二三四五六七八九百千万亿兆正大中小高远长久永昌盛隆兴旺发富贵荣耀辉煌灿烂晶"
    "睿智慧聪敏捷迅速飞跃腾翔宇宙乾坤阴阳和平安宁静雅致精诚博思创优品质量源泉"
)
PLACES = ["", "", "", "成都", "四川", "天府", "蓉城"]
TRADES = ["科技", "智能", "生物", "电子", "材料", "医药", "信息", "能源", "装备", "物流"]
FORMS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]


def _name(rng: random.Random) -> tuple[str, str, str]:
    core = "".join(rng.choice(CHARACTERS) for _ in range(rng.randint(2, 4)))
    return rng.choice(PLACES) + core, rng.choice(TRADES), rng.choice(FORMS)


def _variant(rng: random.Random, stem: str, trade: str, form: str) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return stem + trade + rng.choice([f for f in FORMS if f != form])
    if kind == 1:
        return stem + trade + "（成都）" + form
    if kind == 2:
        return stem + "·" + trade + " " + form  # punctuation and a space
    position = rng.randrange(len(stem))
    changed = stem[:position] + rng.choice(CHARACTERS) + stem[position + 1 :]
    return changed + trade + form


def _build(args, rng: random.Random) -> dict:
    from investment.models import Enterprise, InvestmentProject
    from territory.models import Unit

    zones = list(Unit.objects.filter(kind="zone").order_by("code").values_list("pk", flat=True))
    parts = [_name(rng) for _ in range(args.enterprises)]
    rows = [
        Enterprise(
            credit_code=f"91510100{n:09d}X", name=stem + trade + form, zone_id=rng.choice(zones)
        )
        for n, (stem, trade, form) in enumerate(parts)
    ]
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "zone_id"))
    projects = []
    for n in range(args.projects):
        pk, zone = enterprises[n % len(enterprises)]
        projects.append(_project(rng, f"基准项目{n:06d}", zone, pk))
    same = rng.sample(range(len(enterprises)), len(enterprises) // 50)
    for i in same:
        pk, zone = enterprises[i]
        other = rng.choice([z for z in zones if z != zone])
        projects.append(_project(rng, f"基准协同{i:06d}", other, pk))
    similar = rng.sample(
        [i for i in range(len(enterprises)) if i not in set(same)], len(enterprises) // 100
    )
    twins = []
    for j, i in enumerate(similar):
        stem, trade, form = parts[i]
        twins.append(
            Enterprise(
                credit_code=f"91510199{j:09d}X",
                name=_variant(rng, stem, trade, form),
                zone_id=rng.choice(zones),
            )
        )
    Enterprise.objects.bulk_create(twins, batch_size=5000)
    twin_ids = list(
        Enterprise.objects.filter(credit_code__startswith="91510199")
        .order_by("credit_code")
        .values_list("pk", flat=True)
    )
    for j, i in enumerate(similar):
        _pk, zone = enterprises[i]
        other = rng.choice([z for z in zones if z != zone])
        projects.append(_project(rng, f"基准近名{j:06d}", other, twin_ids[j]))
    InvestmentProject.objects.bulk_create(projects, batch_size=5000)
    return {
        "enterprises": len(enterprises) + len(twins),
        "projects": len(projects),
        "same": {enterprises[i][0] for i in same},
        "similar": {(enterprises[i][0], twin_ids[j]) for j, i in enumerate(similar)},
    }


def _project(rng, name, zone, enterprise):
    import datetime as dt

    from investment.models import InvestmentProject

    lead = dt.date(2019, 6, 1) + dt.timedelta(days=rng.randint(0, 700))
    return InvestmentProject(
        zone_id=zone,
        name=name,
        enterprise_id=enterprise,
        tier=rng.choice(["top500", "segment_leader", "other"]),
        investment_yuan=Decimal(rng.randint(1, 300)) * 10_000_000,
        lead_on=lead,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=DATABASES, default="postgres")
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scratch_django(args.database, "zoneplan_bench_conflicts")
    from django.conf import settings

    from investment import matching
    from investment.models import ConflictMember, InvestmentProject
    from investment.services import detect_conflicts, find_conflicts

    began = time.perf_counter()
    built = _build(args, random.Random(2020))
    print(
        f"built in {time.perf_counter() - began:.0f} s on {args.database}: "
        f"{built['enterprises']:,} enterprises, {built['projects']:,} projects; planted "
        f"{len(built['same']):,} same-code and {len(built['similar']):,} similar-name conflicts"
    )

    print(f"\nthe search alone, find_conflicts (median of {args.runs}; goal ≤ {GOAL_S:.0f} s)")
    ms = median_ms(find_conflicts, args.runs)
    print(f"  {ms / 1000:8.2f} s   ratio to goal {ms / 1000 / GOAL_S:.2f}")

    print(f"\ndetect_conflicts, stored (goal ≤ {GOAL_S:.0f} s)")
    for label in ("first run, storing all", "second run, unchanged"):
        start = time.perf_counter()
        counts = detect_conflicts()
        seconds = time.perf_counter() - start
        print(f"  {label:<24} {seconds:8.2f} s   ratio to goal {seconds / GOAL_S:.2f}   {counts}")

    enterprise_of = dict(InvestmentProject.objects.values_list("pk", "enterprise_id"))
    groups: dict[int, set[int]] = {}
    for conflict_id, project_id in ConflictMember.objects.values_list("conflict_id", "project_id"):
        groups.setdefault(conflict_id, set()).add(enterprise_of[project_id])
    together = {frozenset(g) for g in groups.values()}
    found_same = sum(1 for e in built["same"] if any(e in g for g in together))
    found_similar = sum(1 for a, b in built["similar"] if any(a in g and b in g for g in together))
    print(
        f"\nplanted conflicts found: same code {found_same:,}/{len(built['same']):,}, "
        f"similar names {found_similar:,}/{len(built['similar']):,} "
        f"({found_similar / max(1, len(built['similar'])):.1%}); "
        f"{len(groups):,} conflicts stored in all"
    )

    from investment.models import Enterprise

    normal = dict(
        (pk, matching.normalise_name(n)) for pk, n in Enterprise.objects.values_list("pk", "name")
    )
    reachable = [
        (a, b)
        for a, b in built["similar"]
        if matching.similarity(normal[a], normal[b]) >= settings.ZONEPLAN_CONFLICT_SIMILARITY
    ]
    found_reachable = sum(1 for a, b in reachable if any(a in g and b in g for g in together))
    print(
        f"of the planted names that reach the threshold ({settings.ZONEPLAN_CONFLICT_SIMILARITY}), "
        f"the blocking keys found {found_reachable:,}/{len(reachable):,} "
        f"({found_reachable / max(1, len(reachable)):.1%}); the rest differ too much to match"
    )

    names = {
        pk: matching.normalise_name(n)
        for pk, n in Enterprise.objects.filter(projects__isnull=False)
        .distinct()
        .values_list("pk", "name")
    }
    compared = _comparisons(names)
    every = len(names) * (len(names) - 1) // 2
    print(
        f"name comparisons within blocks: {compared:,}, against {every:,} for every pair "
        f"(ratio {compared / every:.6f})"
    )


def _comparisons(names: dict[int, str]) -> int:
    """How many pairs the blocks of investment.matching compare (as similar_pairs does)."""
    from collections import Counter, defaultdict

    from investment import matching

    texts = {}
    for pk, text in sorted(names.items()):
        texts.setdefault(text, pk)
    grams = {pk: matching._bigrams(text) for text, pk in texts.items()}
    frequency = Counter(g for gs in grams.values() for g in gs)
    blocks: dict[str, list[int]] = defaultdict(list)
    for pk, gs in grams.items():
        for gram in sorted(gs, key=lambda g: (frequency[g], g))[: matching.KEYS_PER_NAME]:
            blocks[gram].append(pk)
    pairs = set()
    for members in blocks.values():
        if 2 <= len(members) <= matching.MAX_BLOCK:
            members.sort()
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return len(pairs)


if __name__ == "__main__":
    main()
