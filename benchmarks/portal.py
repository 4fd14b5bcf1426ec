"""The public portal's search and list at the size issue 13 names.

    .venv/bin/python benchmarks/portal.py [--database postgres|sqlite] [--opportunities 100000]
        [--runs 200]

Builds, in a scratch database with the shipped plan, --opportunities published opportunities
over the zones, fields and kinds, with generated Chinese titles, descriptions and what they
seek (演示 style, from word lists), each with its jieba words (core.textsearch.index_text).
Then, logged out through the whole Django stack (the test client, no network):

- the portal's search (`/open/opportunities/?q=…`, one or two words from the vocabulary), p50
  and p95 over --runs requests, against the goal of p95 ≤ 200 ms;
- the list page (`/open/opportunities/`, and with a field filter), p95 against ≤ 100 ms;
  these three with the page cache emptied before each request (what a page costs the first
  time after a change), and the list once more served from the cache;
- as the reference measured in the same run, the same searches done as a plain substring
  scan (`title LIKE '%w%' OR description LIKE …`), which is what a search without the word
  index would cost: the ratio shows what the index buys.

It also prints how many rows the first query finds, so the work is seen to be real. Nothing
is asserted. The concurrent readers and the flood are benchmarks/portal_load.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import scratch_django  # noqa: E402

DATABASES = ("postgres", "sqlite")
SEARCH_GOAL_MS = 200.0
LIST_GOAL_MS = 100.0

SUBJECTS = [
    "人工智能视觉质检",
    "5G专网园区",
    "城市数据开放",
    "医疗影像辅助诊断",
    "超高清网络视听",
    "多式联运供应链",
    "智慧物流园区",
    "工业互联网平台",
    "新能源汽车检测",
    "生物医药中试",
    "跨境电商服务",
    "数字孪生工厂",
    "智能网联测试",
    "低空经济应用",
    "冷链物流配送",
    "集成电路封测",
    "航空维修服务",
    "智慧社区运营",
    "绿色低碳改造",
    "文创内容制作",
]
SEEKERS = [
    "具备算法研发能力的企业",
    "系统集成服务商",
    "运营服务机构",
    "投资机构",
    "科研院所",
    "中小企业",
    "龙头企业",
    "检测认证机构",
    "金融服务机构",
    "人才团队",
]
ACTIONS = ["征集", "招募", "合作", "对接", "共建", "需求", "供给", "开放"]
QUERIES = [
    "人工智能",
    "供应链",
    "医疗 影像",
    "5G 园区",
    "物流",
    "数字孪生",
    "检测",
    "金融 服务",
    "跨境电商",
    "低空 经济",
    "集成电路",
    "新能源",
    "网络视听",
    "冷链",
    "智慧 社区",
]


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build(count: int, rng: random.Random) -> None:
    import datetime as dt

    from django.db import transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from core.textsearch import index_text
    from opportunities.models import Field, Kind, Opportunity, Step, Version
    from territory.models import Unit

    zones = list(Unit.objects.filter(kind="zone"))
    fields, kinds = list(Field.objects.all()), list(Kind.objects.all())
    start = time.perf_counter()
    now = timezone.now()
    batch = 5000
    for first in range(0, count, batch):
        n = min(batch, count - first)
        with transaction.atomic():
            opportunities = Opportunity.objects.bulk_create(
                [Opportunity(unit=rng.choice(zones), is_demo=True) for _ in range(n)]
            )
            versions = []
            for o in opportunities:
                subject, action = rng.choice(SUBJECTS), rng.choice(ACTIONS)
                title = f"演示：{subject}场景{action}"
                description = f"<p>（演示）面向社会{action}{subject}合作方，共同打造应用场景。</p>"
                sought = rng.choice(SEEKERS)
                field, kind = rng.choice(fields), rng.choice(kinds)
                versions.append(
                    Version(
                        opportunity=o, number=1, status="published", title=title, kind=kind,
                        field=field, description=description, sought=sought,
                        deadline=dt.date(2027, 6, 30) if rng.random() < 0.6 else dt.date(2020, 12, 31),
                        contact_role="投资促进部门（演示）", published_at=now,
                        search_text=index_text(title, description, sought, field.name, kind.name),
                    )
                )  # fmt: skip
            Version.objects.bulk_create(versions)
            Step.objects.bulk_create([Step(version=v, action="publish") for v in versions])
        print(f"  {first + n:,} opportunities", end="\r", flush=True)
    Opportunity.objects.filter(published__isnull=True).update(
        published=Subquery(Version.objects.filter(opportunity=OuterRef("pk")).values("pk")[:1])
    )
    print(f"  built {count:,} opportunities in {time.perf_counter() - start:.0f} s")


def _time(fn, runs: int, *, fresh: bool = True) -> list[float]:
    """Milliseconds of each of `runs` calls; `fresh` empties the page cache before each (not
    timed), so what is timed is the page's own work, not a copy from the cache."""
    from django.core.cache import cache

    fn()
    times = []
    for _ in range(runs):
        if fresh:
            cache.clear()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=DATABASES, default="postgres")
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    scratch_django(args.database, "zoneplan_bench_portal")
    import logging

    logging.getLogger("plans.cache").setLevel(logging.WARNING)  # a line per page computed
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from opportunities.selectors import published

    rng = random.Random(13)
    build(args.opportunities, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    import itertools

    queries = itertools.cycle(QUERIES)

    def search_page():
        response = client.get("/open/opportunities/", {"q": next(queries)})
        assert response.status_code == 200

    def list_page():
        assert client.get("/open/opportunities/").status_code == 200

    def field_page():
        assert client.get("/open/opportunities/", {"field": "supply-chain"}).status_code == 200

    def scan():
        words = next(queries).split()
        condition = Q()
        for w in words:
            condition &= Q(title__contains=w) | Q(description__contains=w) | Q(sought__contains=w)
        qs = published().filter(condition).order_by("-published_at", "-pk")
        qs.count()
        list(qs[:20])

    from opportunities.selectors import public_search

    found = public_search(published(), QUERIES[0]).count()
    print(f"{args.database}: {args.opportunities:,} published; “{QUERIES[0]}” finds {found:,}")
    search = _time(search_page, args.runs)
    reference = _time(scan, args.runs)
    listing = _time(list_page, args.runs)
    by_field = _time(field_page, args.runs)
    rows = [
        ("search page", search, SEARCH_GOAL_MS),
        ("list page", listing, LIST_GOAL_MS),
        ("list page, one field", by_field, LIST_GOAL_MS),
        ("list page, cached", _time(list_page, args.runs, fresh=False), LIST_GOAL_MS),
    ]
    for label, times, goal in rows:
        p95 = _p(times, 0.95)
        print(
            f"  {label:<24} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms"
            f"  goal ≤ {goal:.0f} ms  ratio {p95 / goal:.2f}"
        )
    print(
        f"  reference: substring scan (query only, no page) p95 {_p(reference, 0.95):7.1f} ms;"
        f" the word search's page p95 is {_p(search, 0.95) / _p(reference, 0.95):.2f} of it"
    )


if __name__ == "__main__":
    main()
