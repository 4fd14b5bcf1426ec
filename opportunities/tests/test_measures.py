"""The opportunity lists as indicators (opportunities_published, opportunity_responses,
responses_to_projects), by hand at every level of a small tree, a past day unchanged when the
zone moves later or the answer's personal data is erased; and the assessment can use them.

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from assessment import sources
from investment.models import InvestmentProject
from opportunities.models import Response
from opportunities.services import erase_expired_responses
from plans.models import Indicator
from plans.progress import Engine
from plans.tests.trees import small_tree
from territory.services import record_change

from .test_opportunity_lists_rule import _published

END = dt.date(2020, 12, 31)
LEVELS = ("city", "d1", "d2", "za", "zb", "zc")


@pytest.fixture
def t(db):
    return small_tree()


def _answer(opportunity, when: dt.date, *, lead_on: dt.date | None = None) -> Response:
    response = Response.objects.create(
        opportunity=opportunity, version=opportunity.versions.get(), organisation="演示企业",
        credit_code="91510100MA6CU0009J", contact_name="联系人", contact_email="a@example.invalid",
        message="愿意对接", consent="同意",
    )  # fmt: skip
    at = timezone.make_aware(dt.datetime.combine(when, dt.time(9)))
    Response.objects.filter(pk=response.pk).update(received_at=at)
    if lead_on is not None:
        project = InvestmentProject.objects.create(
            zone=opportunity.unit, name=f"揭榜项目{response.pk}", tier="other", lead_on=lead_on
        )
        Response.objects.filter(pk=response.pk).update(project=project, status="matched")
    return response


def _values(t, code: str, day=END) -> dict[str, int]:
    engine = Engine(t.plan)
    indicator = Indicator.objects.get(code=code)
    return {n: int(engine.indicator_value(indicator, getattr(t, n).pk, day)) for n in LEVELS}


@pytest.fixture
def world(t):
    a1 = _published(t.za, "甲一机会", dt.date(2020, 3, 1))
    a2 = _published(t.za, "甲一机会二", dt.date(2020, 5, 1))
    b1 = _published(t.zb, "甲二机会", dt.date(2020, 7, 1))
    c0 = _published(t.zc, "乙一旧机会", dt.date(2019, 12, 20))  # before the plan's start
    c1 = _published(t.zc, "乙一机会", dt.date(2020, 9, 1))
    _answer(a1, dt.date(2020, 3, 10), lead_on=dt.date(2020, 4, 1))
    _answer(a1, dt.date(2020, 6, 1))
    _answer(a2, dt.date(2020, 5, 20), lead_on=dt.date(2020, 6, 15))
    _answer(b1, dt.date(2020, 8, 1))
    _answer(c0, dt.date(2019, 12, 28), lead_on=dt.date(2019, 12, 30))  # before the start
    _answer(c1, dt.date(2020, 10, 1), lead_on=dt.date(2021, 1, 5))  # a lead after the year
    return {"a1": a1, "b1": b1, "c1": c1}


def test_each_indicator_by_hand_at_every_level(t, world):
    # Published in 2020: 甲一 2, 甲二 1, 乙一 1 (its 2019 one is before the plan's start).
    assert _values(t, "opportunities_published") == {
        "city": 4, "d1": 3, "d2": 1, "za": 2, "zb": 1, "zc": 1,
    }  # fmt: skip
    # Answers in 2020: 甲一 3 (two to the first, one to the second), 甲二 1, 乙一 1.
    assert _values(t, "opportunity_responses") == {
        "city": 5, "d1": 4, "d2": 1, "za": 3, "zb": 1, "zc": 1,
    }  # fmt: skip
    # Turned into projects with a lead day in 2020: 甲一's two; 乙一's came in 2021.
    assert _values(t, "responses_to_projects") == {
        "city": 2, "d1": 2, "d2": 0, "za": 2, "zb": 0, "zc": 0,
    }  # fmt: skip
    # On 2020-05-31: 甲一's second was published, one answer was in and one turned.
    day = dt.date(2020, 5, 31)
    assert _values(t, "opportunities_published", day)["city"] == 2
    assert _values(t, "opportunity_responses", day)["za"] == 2
    assert _values(t, "responses_to_projects", day)["za"] == 1


def test_a_past_day_keeps_its_figures_after_a_move_and_an_erasure(t, world, settings):
    day = dt.date(2020, 7, 31)
    before = {code: _values(t, code, day) for code in ("opportunities_published",
                                                        "opportunity_responses")}  # fmt: skip
    assert before["opportunities_published"]["d1"] == 3
    record_change(unit=t.zb, on=dt.date(2020, 8, 15), parent=t.d2)  # 甲二 moves to 乙区
    settings.ZONEPLAN_RESPONSE_RETENTION_DAYS = 1
    assert erase_expired_responses() == 6  # every answer's personal data, long past
    after = {code: _values(t, code, day) for code in before}
    assert after == before
    # At the year's end 甲二 stands under 乙区 and its figures with it.
    assert _values(t, "opportunities_published")["d2"] == 2
    assert _values(t, "opportunity_responses")["d1"] == 3


def test_the_assessment_can_use_them_as_sources(t, world):
    for code in ("opportunities_published", "opportunity_responses", "responses_to_projects"):
        assert code in sources.available()
    values = sources.get("opportunity_responses").values(
        [t.za, t.zb, t.zc], start=dt.date(2020, 1, 1), day=END
    )
    assert values == {t.za.pk: 3.0, t.zb.pk: 1.0, t.zc.pk: 1.0}
