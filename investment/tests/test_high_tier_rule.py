"""What makes a project high-tier is the plan's (`plan: {parameters: {high_tier: …}}`): the 270
target counts signed projects by it, a plan file with a bad rule is refused with its line, and
two rules never share a zone figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError

from investment.models import InvestmentProject
from plans.models import Indicator, Plan
from plans.progress import Engine
from plans.tests.test_load_plan import GOOD, load, state, write
from plans.tests.trees import small_tree

END = dt.date(2020, 12, 31)
YI = Decimal(100_000_000)


def _count(plan, unit) -> Decimal:
    indicator = Indicator.objects.get(code="high_tier_projects_introduced")
    return Engine(plan).indicator_value(indicator, unit.pk, END)


def test_the_plans_rule_decides_what_counts_at_every_level(db):
    t = small_tree()
    for zone, name, tier, amount in [
        (t.za, "甲一500强", "top500", 20 * YI),
        (t.za, "甲一配套", "core_supplier", 2 * YI),
        (t.zb, "甲二领军", "segment_leader", 12 * YI),
        (t.zc, "乙一其他", "other", 50 * YI),
    ]:
        InvestmentProject.objects.create(
            zone=zone, name=name, tier=tier, investment_yuan=amount, signed_on=dt.date(2020, 5, 1)
        )
    plan = t.plan
    assert plan.parameters == {
        "high_tier": {"tiers": ["top500", "segment_leader", "core_supplier"]}
    }
    assert [_count(plan, u) for u in (t.za, t.zb, t.d1, t.zc, t.d2, t.city)] == [2, 1, 3, 0, 0, 3]
    plan.parameters = {
        "high_tier": {"tiers": ["top500", "segment_leader"], "min_investment_yuan": "1000000000"}
    }
    plan.save()
    # Only 甲一500强 (20亿) and 甲二领军 (12亿): the supplier is neither a named tier nor 10亿.
    assert [_count(plan, u) for u in (t.za, t.zb, t.d1, t.zc, t.city)] == [1, 1, 2, 0, 2]


def test_a_bad_rule_in_a_plan_file_is_refused_with_its_line(db, tmp_path):
    for rule, message in [
        ("{colour: red}", "未知的参数 colour"),
        (
            "{high_tier: {tiers: [top500, giant]}}",
            "tiers 应为 top500、segment_leader、core_supplier、other 组成的列表",
        ),
        ("{high_tier: {min_investment_yuan: -5}}", "min_investment_yuan 应为元数，不能为负数"),
        ("{high_tier: {tiers: [top500], threshold: 3}}", "未知的键 threshold"),
    ]:
        text = GOOD.replace(
            '  ends_on: "2021-12-31"\n', f'  ends_on: "2021-12-31"\n  parameters: {rule}\n', 1
        )
        before = state()
        with pytest.raises(CommandError) as refused:
            load(write(tmp_path, text))
        assert message in str(refused.value), str(refused.value)
        assert "第 8 行" in str(refused.value)
        assert state() == before
    load(
        write(
            tmp_path,
            GOOD.replace(
                '  ends_on: "2021-12-31"\n',
                '  ends_on: "2021-12-31"\n  parameters: {high_tier: {tiers: [top500], min_investment_yuan: 500000000}}\n',
                1,
            ),
        )
    )
    assert Plan.objects.get(code="t-plan").parameters == {
        "high_tier": {"tiers": ["top500"], "min_investment_yuan": "500000000"}
    }


def test_the_project_lists_high_tier_filter_and_badge_follow_the_plans_rule(db, login):
    t = small_tree()
    for name, tier, amount in [
        ("大额领军", "segment_leader", 12 * YI),
        ("小额领军", "segment_leader", 2 * YI),
        ("大额其他", "other", 50 * YI),
    ]:
        InvestmentProject.objects.create(
            zone=t.za, name=name, tier=tier, investment_yuan=amount, signed_on=dt.date(2020, 5, 1)
        )
    client = login("admin")

    def listed() -> tuple[set, set]:
        from django.urls import reverse

        page = client.get(reverse("project_list") + f"?zone={t.za.pk}&tier=high")
        rows = page.content.decode().split("<tbody>")[1].split("<tr>")[1:]
        names = {n for n in ("大额领军", "小额领军", "大额其他") for r in rows if n in r}
        badged = {n for n in names for r in rows if n in r and "高能级" in r}
        return names, badged

    assert listed() == ({"大额领军", "小额领军"}, {"大额领军", "小额领军"})
    t.plan.parameters = {"high_tier": {"tiers": ["segment_leader"], "min_investment_yuan": "1e9"}}
    t.plan.save()
    assert listed() == ({"大额领军"}, {"大额领军"})
