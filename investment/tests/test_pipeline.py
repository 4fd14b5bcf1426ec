"""The investment pipeline: 三率 and 资金到位率 by hand at every level of a small tree, the
stage log with the fields each stage requires, a stage never taken back, capital in place,
and the rates on the cockpit and the zone page.

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import CapitalArrival, InvestmentProject, StageChange, StageRequirement
from investment.selectors import pipeline_rates
from investment.services import StageRefused, advance_stage, record_capital
from plans.progress import Engine
from plans.tests.trees import small_tree
from territory.models import Unit
from territory.services import record_change

END = dt.date(2020, 12, 31)
YI = Decimal(100_000_000)


def _project(zone, name, **values):
    values.setdefault("tier", "other")
    return InvestmentProject.objects.create(zone=zone, name=name, **values)


@pytest.fixture
def t(db):
    """P1 (甲一): signed, started, producing after its contract day (performing), 10亿, 4亿 in
    place in 2020 and 2亿 in 2021. P2 (甲一): signed, its contract day passed unstarted, 5亿,
    1亿 in place. P3 (甲二): signed, started, contract in 2021, 20亿. P4 (乙一): signed in
    2019, outside the period. P5 (乙一): signed, nothing else."""
    tree = small_tree()
    d = dt.date
    p1 = _project(
        tree.za,
        "P1",
        signed_on=d(2020, 2, 1),
        started_on=d(2020, 4, 1),
        production_on=d(2020, 9, 1),
        contract_production_on=d(2020, 8, 1),
        investment_yuan=10 * YI,
    )
    p2 = _project(
        tree.za,
        "P2",
        signed_on=d(2020, 3, 1),
        contract_production_on=d(2020, 6, 30),
        investment_yuan=5 * YI,
    )
    _project(
        tree.zb,
        "P3",
        signed_on=d(2020, 5, 1),
        started_on=d(2020, 7, 1),
        contract_production_on=d(2021, 6, 30),
        investment_yuan=20 * YI,
    )
    _project(tree.zc, "P4", signed_on=d(2019, 12, 1), started_on=d(2020, 1, 5), investment_yuan=YI)
    _project(tree.zc, "P5", signed_on=d(2020, 6, 1))
    CapitalArrival.objects.create(project=p1, on=d(2020, 5, 1), amount_yuan=4 * YI)
    CapitalArrival.objects.create(project=p1, on=d(2021, 1, 10), amount_yuan=2 * YI)
    CapitalArrival.objects.create(project=p2, on=d(2020, 4, 1), amount_yuan=YI)
    return tree


def _rates(t, unit, day=END) -> dict[str, tuple]:
    return {
        r.code: (r.done, r.of, None if r.percent is None else round(r.percent, 1))
        for r in pipeline_rates(Engine(t.plan), unit.pk, day)
        if r.code != "listed_share"  # chains/tests/test_listed_share.py
    }


def test_the_rates_by_hand_for_a_zone_a_district_and_the_city(t):
    assert _rates(t, t.za) == {
        "performance_rate": (1, 2, Decimal("50.0")),  # P2 passed its contract day unstarted
        "start_rate": (1, 2, Decimal("50.0")),
        "production_rate": (1, 2, Decimal("50.0")),
        "capital_rate": (5 * YI, 15 * YI, Decimal("33.3")),  # the 2021 arrival is after the day
    }
    assert _rates(t, t.d1) == {
        "performance_rate": (2, 3, Decimal("66.7")),
        "start_rate": (2, 3, Decimal("66.7")),
        "production_rate": (1, 3, Decimal("33.3")),
        "capital_rate": (5 * YI, 35 * YI, Decimal("14.3")),
    }
    assert _rates(t, t.d2) == {
        "performance_rate": (1, 1, Decimal("100.0")),  # P4 was signed before the period
        "start_rate": (0, 1, Decimal("0.0")),
        "production_rate": (0, 1, Decimal("0.0")),
        "capital_rate": (0, 0, None),
    }
    assert _rates(t, t.city) == {
        "performance_rate": (3, 4, Decimal("75.0")),
        "start_rate": (2, 4, Decimal("50.0")),
        "production_rate": (1, 4, Decimal("25.0")),
        "capital_rate": (5 * YI, 35 * YI, Decimal("14.3")),
    }


def test_a_past_day_keeps_its_rates_when_a_zone_moves_later(t):
    before = _rates(t, t.d1, day=dt.date(2020, 6, 30))
    record_change(unit=t.zb, on=dt.date(2020, 8, 1), parent=t.d2)
    assert _rates(t, t.d1, day=dt.date(2020, 6, 30)) == before
    assert _rates(t, t.d1)["start_rate"][:2] == (1, 2)  # after the move, 甲二 is 乙区's


def test_a_stage_needs_its_fields_goes_only_forward_and_is_logged(t, users):
    admin = users["admin"]
    project = _project(t.za, "阶段项目", lead_on=dt.date(2020, 1, 10))
    with pytest.raises(StageRefused) as refused:
        advance_stage(user=admin, project=project, stage="signed", on=dt.date(2020, 3, 1))
    assert str(refused.value) == "进入“签约”阶段须填写：企业、投资额（元）、合同约定投产日期"
    project.refresh_from_db()
    assert project.signed_on is None and not StageChange.objects.filter(project=project).exists()
    StageRequirement.objects.create(stage="signed", fields=["investment_yuan"])  # the admin's
    change = advance_stage(
        user=admin,
        project=project,
        stage="signed",
        on=dt.date(2020, 3, 1),
        values={"investment_yuan": 3 * YI},
        note="签约仪式",
    )
    project.refresh_from_db()
    assert project.signed_on == dt.date(2020, 3, 1) and project.stage == "signed"
    assert change.values == {"investment_yuan": "300000000"} and change.recorded_by == admin
    assert project.history.first().history_user == admin
    with pytest.raises(StageRefused) as refused:
        advance_stage(user=admin, project=project, stage="negotiating", on=dt.date(2020, 3, 2))
    assert str(refused.value) == "项目已处于“签约”阶段，不能退回“洽谈”，阶段保持不变。"
    project.refresh_from_db()
    assert project.negotiating_on is None and project.stage == "signed"
    assert StageChange.objects.filter(project=project).count() == 1


def test_capital_is_refused_before_signing_or_not_positive(t, users):
    project = _project(t.za, "到资项目", signed_on=dt.date(2020, 5, 1))
    from django.core.exceptions import ValidationError

    for on, amount, message in [
        (dt.date(2020, 4, 1), YI, "资金应在项目签约之后到位。"),
        (dt.date(2020, 6, 1), Decimal(0), "金额须大于 0。"),
        (dt.date(2999, 1, 1), YI, "日期晚于今天。"),
    ]:
        with pytest.raises(ValidationError) as refused:
            record_capital(user=users["admin"], project=project, on=on, amount=amount)
        assert message in str(refused.value)
    assert not CapitalArrival.objects.filter(project=project).exists()


def test_a_zone_officer_records_a_stage_and_capital_on_the_page(login, users):
    zone = Unit.objects.get(code="z-new-economy")
    project = _project(zone, "页面阶段项目", lead_on=dt.date(2020, 1, 10))
    client = login("xinjingji")
    url = reverse("project_stage", args=[project.pk])
    refused = client.post(url, {"stage": "signed", "on": "2020-03-01"})
    assert refused.status_code == 400
    assert "进入“签约”阶段须填写：企业、投资额（元）、合同约定投产日期" in refused.content.decode()
    project.refresh_from_db()
    assert project.signed_on is None
    assert client.post(url, {"stage": "negotiating", "on": "2020-02-01"}).status_code == 400
    from investment.models import Enterprise

    project.enterprise = Enterprise.objects.filter(zone=zone).first() or Enterprise.objects.first()
    project.save()
    assert client.post(url, {"stage": "negotiating", "on": "2020-02-01"}).status_code == 302
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    log = page.split('id="stage-log"')[1].split('id="capital-in-place"')[0]
    assert 'data-stage="negotiating"' in log and "2020-02-01" in log
    assert (
        client.post(url, {"stage": "lead", "on": "2020-02-02"}).status_code == 400
    )  # not on offer
    capital = reverse("project_capital", args=[project.pk])
    refused = client.post(capital, {"on": "2020-03-01", "amount_yuan": "500"})
    assert refused.status_code == 400 and "资金应在项目签约之后到位。" in refused.content.decode()
    assert (
        login("bailuwan").post(capital, {"on": "2020-03-01", "amount_yuan": "1"}).status_code == 404
    )
    assert login("viewer").post(url, {"stage": "signed", "on": "2020-03-01"}).status_code == 404


def test_the_cockpit_and_the_zone_page_show_the_rates(login):
    body = login("viewer").get(reverse("cockpit"), {"day": "2020-12-31"}).content.decode()
    card = body.split('id="pipeline-rates"')[1]
    for code in ("performance_rate", "start_rate", "production_rate", "capital_rate"):
        assert f'data-rate="{code}"' in card
    assert re.search(r'data-rate="start_rate".*?data-percent>[\d.]+%<', card, re.S)
    assert "履约率" in card and "资金到位率" in card
    zone = login("xinjingji").get(reverse("zone_detail", args=["z-new-economy"])).content.decode()
    assert 'id="pipeline-rates"' in zone and "开工率" in zone


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        ("project_stage", {"stage": "hacked", "on": "2020-03-01"}, "选择一个有效的选项"),
        ("project_stage", {"stage": "started", "on": "2020-13-01"}, "输入一个有效的日期"),
        (
            "project_stage",
            {"stage": "started", "on": "2020-02-01", "note": "长" * 501},
            "确保该变量包含不超过 500 字符",
        ),
        (
            "project_capital",
            {"on": "2020-03-01", "amount_yuan": "abc"},
            'data-error-for="amount_yuan"',
        ),
        (
            "project_capital",
            {"on": "2020-03-01", "amount_yuan": "9" * 40},
            'data-error-for="amount_yuan"',
        ),
        ("project_capital", {"on": "", "amount_yuan": "5"}, "这个字段是必填项"),
    ],
    ids=["unknown-stage", "bad-date", "long-note", "not-a-number", "oversized", "no-date"],
)
def test_hostile_and_wrong_pipeline_forms_are_refused_and_write_nothing(
    login, url_name, data, message
):
    zone = Unit.objects.get(code="z-new-economy")
    project = _project(
        zone, "表单项目", lead_on=dt.date(2020, 1, 10), signed_on=dt.date(2020, 2, 1)
    )
    before = (StageChange.objects.count(), CapitalArrival.objects.count(), project.history.count())
    response = login("xinjingji").post(reverse(url_name, args=[project.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (
        StageChange.objects.count(),
        CapitalArrival.objects.count(),
        project.history.count(),
    ) == before
