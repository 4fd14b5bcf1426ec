"""The attraction funnel (docs/pipeline.md, Funnel), by hand at every level of the small tree,
on a past day that keeps its figures when a zone moves later, with a contested project
counted once; and the page's refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import InvestmentProject
from investment.selectors import funnel
from investment.services import detect_conflicts
from investment.tests.test_conflicts import _enterprise
from plans.tests.trees import small_tree
from territory.services import record_change

D = dt.date
DAY = D(2020, 12, 31)


@pytest.fixture
def t(db):
    """甲一: a lead, a project negotiating, one signed with no lead recorded, one started in
    2021. 甲二: one in production. 乙一: a lead, and a project of 甲一's enterprise that 甲一
    pursued first (a conflict held by 甲一)."""
    InvestmentProject.objects.filter(is_demo=True).delete()
    tree = small_tree()
    shared = _enterprise("0001", "成都蓉欧智能科技有限公司")
    for zone, name, dates, enterprise in [
        (tree.za, "线索", {"lead_on": D(2020, 2, 1)}, None),
        (tree.za, "在谈", {"lead_on": D(2020, 1, 5), "negotiating_on": D(2020, 3, 1)}, shared),
        (tree.za, "签约无线索", {"signed_on": D(2020, 6, 1)}, None),
        (tree.za, "明年开工", {"signed_on": D(2020, 7, 1), "started_on": D(2021, 2, 1)}, None),
        (tree.zb, "投产", {"lead_on": D(2019, 5, 1), "production_on": D(2020, 10, 1)}, None),
        (tree.zc, "乙一线索", {"lead_on": D(2020, 4, 1)}, None),
        (tree.zc, "乙一同企", {"lead_on": D(2020, 2, 10)}, shared),
    ]:
        InvestmentProject.objects.create(
            zone=zone, name=name, tier="other", enterprise=enterprise, **dates
        )
    detect_conflicts()
    return tree


def _counts(unit, day=DAY):
    total, rows = funnel(unit_id=unit.pk, day=day)
    return total.reached, {r.name: r.reached for r in rows}


def test_the_funnel_by_hand_for_a_zone_a_district_and_the_city(t):
    # lead, negotiating, signed, started, in production: a later stage counts at every
    # earlier one; 明年开工 has not started by the day.
    za = [4, 3, 2, 0, 0]
    zb = [1, 1, 1, 1, 1]
    zc = [1, 0, 0, 0, 0]  # 乙一同企 is 甲一's (first contact) and counts 0 here
    assert _counts(t.za) == (za, {"甲一": za})
    assert _counts(t.d1) == ([5, 4, 3, 1, 1], {"甲一": za, "甲二": zb})
    assert _counts(t.d2) == (zc, {"乙一": zc})
    assert _counts(t.city)[0] == [6, 4, 3, 1, 1]
    total, _rows = funnel(unit_id=t.d1.pk, day=DAY)
    assert total.conversions == [Decimal("0.8"), Decimal("0.75"), Decimal(1) / 3, 1]


def test_a_past_day_keeps_its_funnel_when_a_zone_moves_later(t):
    before = _counts(t.d1, D(2020, 6, 30))
    # 明年开工 is not signed yet; 投产 is only a lead (its production came in October).
    assert before == ([4, 2, 1, 0, 0], {"甲一": [3, 2, 1, 0, 0], "甲二": [1, 0, 0, 0, 0]})
    record_change(unit=t.zb, on=D(2021, 3, 1), parent=t.d2)
    assert _counts(t.d1, D(2020, 6, 30)) == before
    assert _counts(t.d1, D(2021, 6, 30))[1].keys() == {"甲一"}


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("?day=2020-13-45", 400, "“2020-13-45”不是日期（YYYY-MM-DD），显示的是今天。"),
        ("?day=<script>", 400, "“&lt;script&gt;”不是日期（YYYY-MM-DD），显示的是今天。"),
        ("?day=2999-01-01", 400, "所选日期晚于今天，显示的是今天。"),
        ("?unit=<script>", 404, ""),
        ("?unit=" + "x" * 65, 404, ""),
        ("?unit=t-zc", 404, ""),  # outside 高新区
    ],
)
def test_the_page_refuses_bad_input_with_its_message(t, login, query, status, message):
    client = login("gaoxin")
    response = client.get(reverse("funnel") + query)
    assert response.status_code == status
    if message:
        assert message in response.content.decode()


def test_the_page_shows_the_funnel_in_both_languages(t, login):
    client = login("admin")
    page = client.get(reverse("funnel") + "?unit=t-d1&day=2020-12-31").content.decode()
    assert "招商漏斗" in page and "甲二" in page and "为上一阶段的 80.0%" in page
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("funnel") + "?unit=t-d1&day=2020-12-31").content.decode()
    assert "Attraction funnel" in page and "80.0% of the stage before" in page
