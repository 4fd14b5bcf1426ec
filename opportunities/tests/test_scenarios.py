"""Scenario IPs (场景IP): kept by a zone, published by the city, shown on the portal only once
published; the plan's five embeddings get a status from them, by hand at every level and in
`manage.py progress --format json`, and a past day keeps its figure."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.refusals import Forbidden
from investment.models import Enterprise, InvestmentProject
from opportunities.models import Field, Scenario
from opportunities.services import publish_scenario, save_scenario
from plans import commitments
from plans.progress import Engine
from plans.tests.trees import small_tree
from territory.models import Unit
from territory.services import record_change

END = dt.date(2020, 12, 31)


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _scenario(zone, name, field_code, *, published_on=None, made_on=dt.date(2020, 2, 1)):
    scenario = Scenario(
        zone=zone, name=name, field=Field.objects.get(code=field_code), description="<p>场景</p>"
    )
    scenario._history_date = _at(made_on)
    scenario.save()
    if published_on is not None:
        scenario.published_at = _at(published_on)
        scenario._history_date = _at(published_on)
        scenario.save()
    return scenario


def _find(engine_plan, unit, field, day=END):
    return commitments.get("scenario_embedded").evaluate(
        Engine(engine_plan), unit.pk, day, field=field
    )


def test_the_embedding_counts_zones_with_a_published_scenario_in_the_field_at_every_level(db):
    t = small_tree()
    _scenario(t.za, "甲一智算场景", "digital-ai", published_on=dt.date(2020, 4, 1))
    _scenario(t.zb, "甲二未发布场景", "digital-ai")  # never published
    _scenario(t.zc, "乙一医疗场景", "medical-data-ai", published_on=dt.date(2020, 5, 1))
    city = _find(t.plan, t.city, "digital-ai")
    assert (city.done, city.of) == (1, 3)
    assert city.basis == "1/3 个功能区已发布数字经济与新一代人工智能领域的场景IP（共 1 个）"
    assert city.items == [
        ("甲二", "尚无已发布的数字经济与新一代人工智能场景IP"),
        ("乙一", "尚无已发布的数字经济与新一代人工智能场景IP"),
    ]
    assert (_find(t.plan, t.d1, "digital-ai").done, _find(t.plan, t.d1, "digital-ai").of) == (1, 2)
    assert (_find(t.plan, t.za, "digital-ai").done, _find(t.plan, t.za, "digital-ai").of) == (1, 1)
    assert _find(t.plan, t.zc, "digital-ai").done == 0
    assert _find(t.plan, t.zc, "medical-data-ai").done == 1
    assert _find(t.plan, t.za, "digital-ai", day=dt.date(2020, 3, 31)).done == 0  # not yet


def test_a_past_day_keeps_its_figure_when_taken_off_later_or_the_zone_moves(db):
    t = small_tree()
    scenario = _scenario(t.zb, "甲二场景", "supply-chain", published_on=dt.date(2020, 3, 1))
    before = _find(t.plan, t.d1, "supply-chain", day=dt.date(2020, 6, 30))
    assert (before.done, before.of) == (1, 2)
    scenario.published_at = None
    scenario._history_date = _at(dt.date(2020, 9, 1))
    scenario.save()
    record_change(unit=t.zb, on=dt.date(2020, 8, 1), parent=t.d2)
    again = _find(t.plan, t.d1, "supply-chain", day=dt.date(2020, 6, 30))
    assert (again.done, again.of, again.basis) == (before.done, before.of, before.basis)
    assert _find(t.plan, t.d2, "supply-chain", day=dt.date(2020, 9, 30)).done == 0  # taken off
    assert _find(t.plan, t.d2, "supply-chain", day=dt.date(2020, 8, 15)).done == 1  # 甲二 in 乙区


def _progress_json() -> dict:
    out = io.StringIO()
    call_command("progress", "--format", "json", "--day", "2020-12-31", stdout=out)
    data = json.loads(out.getvalue())
    rows = data["targets"] if isinstance(data, dict) else data
    return {row["target"]: row for row in rows}


def test_the_five_embeddings_have_a_status_from_data_in_the_progress_command(db):
    # A clean slate: the demo's scenario IPs and their history (a deleted one still stood
    # published on the days before its deletion).
    Scenario.objects.all().delete()
    Scenario.history.all().delete()
    codes = [
        "scenario-science-city",
        "scenario-medical-city",
        "scenario-new-economy",
        "scenario-bailuwan",
        "scenario-wuhou-ecommerce",
        "scenario-railway-port",
    ]
    rows = _progress_json()
    assert {c: (rows[c]["rule"], rows[c]["status"]) for c in codes} == {
        c: ("scenario_embedded", "missed") for c in codes
    }
    _scenario(
        Unit.objects.get(code="z-science-city"),
        "科学城智算开放场景",
        "digital-ai",
        published_on=dt.date(2020, 10, 1),
    )
    _scenario(  # the wrong field for 医学城's embedding
        Unit.objects.get(code="z-medical-city"), "医学城供应链场景", "supply-chain",
        published_on=dt.date(2020, 10, 1),
    )  # fmt: skip
    rows = _progress_json()
    assert rows["scenario-science-city"]["status"] == "met"
    assert rows["scenario-science-city"]["basis"].startswith("1/1 个功能区已发布")
    assert rows["scenario-medical-city"]["status"] == "missed"


def test_a_zone_keeps_its_scenario_and_only_the_city_publishes_it(db, users, client):
    zone = Unit.objects.get(code="z-new-economy")
    project = InvestmentProject.objects.create(zone=zone, name="视听基地项目", tier="other")
    other = InvestmentProject.objects.create(
        zone=Unit.objects.get(code="z-bailuwan"), name="别区项目", tier="other"
    )
    enterprise = Enterprise.objects.order_by("pk").first()
    client.force_login(users["xinjingji"])
    form = {
        "zone": zone.pk,
        "name": "新经济5G视听场景",
        "field": Field.objects.get(code="5g-audiovisual").pk,
        "status": "building",
        "description": '<p onclick="x()">超高清视听<script>alert(1)</script></p>',
        "projects": [project.pk],
        "enterprise_codes": enterprise.credit_code,
    }
    for bad, field, message in [
        ({"name": ""}, "name", "这个字段是必填项。"),
        ({"projects": [other.pk]}, "projects", "选择一个有效的选项。"),
        ({"enterprise_codes": "91510100MA6CU9999X"}, "enterprise_codes", "没有统一社会信用代码为 91510100MA6CU9999X 的企业。"),
        ({"description": "<script>alert(1)</script>"}, "description", "请填写场景说明（脚本等不允许的标记会被移除）。"),
    ]:  # fmt: skip
        response = client.post("/scenarios/new/", form | bad)
        assert response.status_code == 400, bad
        assert any(message in e for e in response.context["form"].errors[field]), bad
        assert not Scenario.objects.exists()
    response = client.post("/scenarios/new/", form)
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert "script" not in scenario.description and "onclick" not in scenario.description
    assert list(scenario.projects.all()) == [project]
    assert list(scenario.enterprises.all()) == [enterprise]
    assert client.post(f"/scenarios/{scenario.pk}/publish/", {"publish": "1"}).status_code == 403
    with pytest.raises(Forbidden):
        publish_scenario(user=users["gaoxin"], scenario=scenario, publish=True)
    client.logout()
    assert client.get(f"/open/scenarios/{scenario.pk}/").status_code == 404
    assert "新经济5G视听场景" not in client.get("/open/scenarios/").content.decode()
    client.force_login(users["admin"])
    assert client.post(f"/scenarios/{scenario.pk}/publish/", {"publish": "1"}).status_code == 302
    client.logout()
    page = client.get(f"/open/scenarios/{scenario.pk}/").content.decode()
    assert "新经济5G视听场景" in page and "alert(1)" not in page
    client.force_login(users["jinjiang"])
    assert client.get(f"/scenarios/{scenario.pk}/").status_code == 404


def test_a_scenario_stays_with_its_zone(db, users):
    zone = Unit.objects.get(code="z-new-economy")
    scenario = save_scenario(
        user=users["gaoxin"],
        scenario=Scenario(
            zone=zone,
            name="场景",
            field=Field.objects.get(code="5g-plus"),
            description="<p>说明</p>",
        ),
    )
    scenario.zone = Unit.objects.filter(kind="zone", parent=zone.parent).exclude(pk=zone.pk).first()
    with pytest.raises(Exception, match="场景IP始终属于"):
        save_scenario(user=users["gaoxin"], scenario=scenario)
    assert Scenario.objects.get().zone == zone


def test_an_opportunity_names_only_its_own_zones_scenario(db, users):
    from django.core.exceptions import ValidationError

    from opportunities.models import Version
    from opportunities.services import save_draft

    from .conftest import content

    theirs = _scenario(Unit.objects.get(code="z-bailuwan"), "白鹭湾场景", "5g-audiovisual")
    with pytest.raises(ValidationError) as refused:
        save_draft(
            user=users["admin"],
            unit=Unit.objects.get(code="z-new-economy"),
            values=content(scenario=theirs),
        )
    assert refused.value.message_dict["scenario"] == ["场景IP须为成都新经济活力区自己的场景IP。"]
    assert not Version.objects.exists()
