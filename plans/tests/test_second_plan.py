"""A second plan of another shape loads with no code change (plans/tests/data/
plan-example-2022.yaml, labelled 演示): fewer ecosystems, a renamed, two merged and a moved
zone, a new reported indicator and a three-level cascade. The 2020 figures at 2020-12-31 are
the same before and after it loads, the 2020 plan stays viewable everywhere, and its pages keep
their 2020 names."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from carriers.models import Carrier
from plans.models import Indicator, Plan, ReportedValue, Target
from plans.progress import progress
from territory.models import Unit
from tests.factories import city_briefing

SECOND = Path(__file__).resolve().parent / "data/plan-example-2022.yaml"


def _progress_json(*args) -> list[dict]:
    out = io.StringIO()
    call_command("progress", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def _load() -> str:
    out = io.StringIO()
    call_command("load_plan", SECOND, stdout=out)
    return out.getvalue()


@pytest.fixture
def second(db):
    before = _progress_json("--plan", "cd-2020", "--day", "2020-12-31")
    output = _load()
    return before, output


def test_the_second_plan_loads_with_no_code_change_and_a_second_load_writes_nothing(second):
    _before, output = second
    assert "目标任务：新建 7" in output and "单位变更：新建 3" in output
    assert "提醒：plan-example-2022.yaml" in output  # no plan text: clauses unchecked
    assert "数据库未发生变化" in _load()


def test_the_2020_figures_at_the_end_of_2020_are_identical_after_it_loads(second):
    before, _output = second
    after = _progress_json("--plan", "cd-2020", "--day", "2020-12-31")
    assert after == before
    assert len(after) == 63


def test_2022_figures_follow_the_2022_tree_by_hand(second):
    merged = Unit.objects.get(code="z-demo-hitech-merged")
    hitech = Unit.objects.get(code="hi-tech-zone")
    Carrier.objects.filter(zone__path__startswith=hitech.path).delete()
    day = dt.date(2022, 6, 30)
    for code, m2 in (("z-new-economy", 300_000), ("z-electronics", 200_000), ("z-biotown", 50_000)):
        Carrier.objects.create(
            zone=Unit.objects.get(code=code),
            kind="scitech_space",
            name=f"算例{code}",
            floor_area_m2=m2,
            actual_start=dt.date(2021, 5, 1),
        )
    Carrier.objects.create(
        zone=merged,
        kind="scitech_space",
        name="合并后新建",
        floor_area_m2=70_000,
        actual_start=dt.date(2022, 3, 1),
    )
    target = lambda code: Target.objects.get(plan__code="demo-2022", code=code)  # noqa: E731
    assert progress(target("space-merged"), day=day).value == Decimal(570_000)  # 30 + 20 + 7 万
    assert progress(target("space-biotown"), day=day).value == Decimal(50_000)
    assert progress(target("space-hitech"), day=day).value == Decimal(620_000)
    # In 2021 the merged zone did not exist yet: its predecessors counted for themselves.
    electronics_2020 = Target.objects.get(plan__code="cd-2020", code="scitech-hitech")
    assert progress(electronics_2020, day=dt.date(2020, 12, 31)).value == Decimal(0)  # started 2021


def test_the_new_ratio_is_summed_numerators_over_summed_denominators(second):
    spend, revenue = (
        Indicator.objects.get(code="demo_rd_spend"),
        Indicator.objects.get(code="demo_revenue"),
    )
    for code, rd, rev in (("z-biotown", 30, 1000), ("z-bailuwan", 10, 1000)):
        unit = Unit.objects.get(code=code)
        ReportedValue.objects.create(
            indicator=spend, unit=unit, period_end=dt.date(2022, 3, 31), value=rd
        )
        ReportedValue.objects.create(
            indicator=revenue, unit=unit, period_end=dt.date(2022, 3, 31), value=rev
        )
    result = progress(
        Target.objects.get(plan__code="demo-2022", code="rd-intensity"), day=dt.date(2022, 6, 30)
    )
    assert result.value == Decimal("0.02")  # 40 / 2,000, not 3% + 1%
    assert result.status in ("behind", "at_risk", "on_track")


def test_the_cockpit_offers_both_plans_and_shows_the_three_level_cascade(second, login):
    client = login("admin")
    body = client.get(reverse("cockpit") + "?plan=demo-2022&day=2022-06-30").content.decode()
    assert 'name="plan"' in body and "2020年产业生态圈和产业功能区建设工作计划" in body
    assert 'id="progress-space-merged"' in body and 'data-level="2"' in body
    assert (
        'data-reconciliation="space-hitech"' in body and 'data-reconciliation="space-city"' in body
    )
    old = client.get(reverse("cockpit") + "?plan=cd-2020&day=2020-12-31")
    assert old.status_code == 200
    page = old.content.decode()
    assert 'id="progress-scitech-city"' in page and "不在计划期内" not in page
    assert client.get(reverse("cockpit") + "?plan=nowhere").status_code == 404


def test_the_2020_plan_page_keeps_its_2020_names(second, login):
    client = login("admin")
    page = client.get(reverse("plan_detail", args=["cd-2020"])).content.decode()
    assert "成都医学城" in page  # renamed only from 2022
    assert "成都医学城（演示新名）" not in page
    second_page = client.get(reverse("plan_detail", args=["demo-2022"])).content.decode()
    assert "成都医学城（演示新名）" in second_page
    assert 'data-reconciliation="space-hitech"' in second_page


def test_both_briefings_carry_the_chosen_plan_and_its_cascade(second, login):
    client = login("admin")
    docx = city_briefing(
        client, reverse("briefing", args=["docx"]) + "?plan=demo-2022&day=2022-06-30"
    )
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "高新区150万平方米（演示）：分解为 2 项，合计 140 万平方米，未分解 10 万平方米" in text
    assert "　　合并功能区100万平方米（演示）" in text  # a part of a part, indented twice
    xlsx = city_briefing(
        client, reverse("briefing", args=["xlsx"]) + "?plan=cd-2020&day=2020-12-31"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    titles = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert "全市科创空间总建筑面积不低于1000万平方米" in titles
    assert any(
        str(t).startswith("全市科创空间总建筑面积不低于1000万平方米：分解为 22 项")
        for t in titles
        if t
    )


def test_the_map_takes_the_chosen_plan(second, login):
    client = login("admin")
    assert 'id="map-plan"' in client.get(reverse("map") + "?plan=cd-2020").content.decode()
    assert client.get(reverse("map_data") + "?plan=cd-2020").status_code == 200
    assert client.get(reverse("map_data") + "?plan=nowhere").status_code == 404


def test_with_the_second_plan_loaded_the_latest_is_the_default(second):
    assert Plan.objects.order_by("-year").first().code == "demo-2022"
    items = _progress_json("--day", "2022-06-30")
    assert {i["target"] for i in items} == {
        "space-city",
        "space-hitech",
        "space-merged",
        "space-biotown",
        "space-medical",
        "space-chenghua",
        "rd-intensity",
    }
