"""Attraction conflicts through the API (/api/v1/conflicts/): what the conflicts page shows,
with the city's decision in zone codes, to those who see one of its zones and to no one else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from investment.models import Conflict, InvestmentProject
from investment.services import decide_conflict, detect_conflicts
from territory.models import Unit
from tests.apiclient import error
from tests.conftest import api  # noqa: F401 - the fixture

from .test_conflicts import _enterprise, _project, t  # noqa: F401 - the fixture


def test_the_city_reads_a_joint_decision_with_its_shares_by_zone_code(t, api, users):  # noqa: F811
    detect_conflicts()
    rongou = Conflict.objects.get(basis="same_enterprise")
    decide_conflict(
        user=users["admin"],
        conflict=rongou,
        decision="joint",
        shares={t.za.pk: Decimal("0.6"), t.zc.pk: Decimal("0.4")},
        note="两地共同招引",
    )
    city = api("admin")
    response = city.get("/api/v1/conflicts/?status=joint")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == rongou.pk
    assert (item["basis"], item["status"], item["note"]) == (
        "same_enterprise",
        "joint",
        "两地共同招引",
    )
    assert item["zone_shares"] == {"t-za": "0.6", "t-zc": "0.4"}
    assert sorted((m["zone"], m["project_name"], m["share"]) for m in item["members"]) == [
        ("t-za", "蓉欧甲一", "0.6000"),
        ("t-zc", "蓉欧乙一", "0.4000"),
    ]
    assert {m["enterprise_name"] for m in item["members"]} == {"成都蓉欧智能科技有限公司"}
    # The name match is open and held by the zone of first contact (乙一, 2020-01-20).
    open_ = city.get("/api/v1/conflicts/?status=open").json()["results"]
    assert [(c["basis"], c["holder_zone"]) for c in open_] == [("similar_name", "t-zc")]


def test_a_zone_officer_reads_its_zones_conflicts_only_and_cannot_write(api, db):  # noqa: F811
    InvestmentProject.objects.filter(is_demo=True).delete()
    mine = Unit.objects.get(code="z-new-economy")
    theirs = Unit.objects.get(code="z-bailuwan")
    elsewhere = Unit.objects.filter(kind="zone").exclude(parent__in=[mine.parent, theirs.parent])
    a, b = elsewhere.order_by("code")[:2]
    shared = _enterprise("0101", "双区同招有限公司")
    _project(mine, "本区项目", shared, lead_on=dt.date(2020, 3, 1))
    _project(theirs, "他区项目", shared, lead_on=dt.date(2020, 2, 1))
    other = _enterprise("0102", "别处同招有限公司")
    _project(a, "别处一", other)
    _project(b, "别处二", other)
    detect_conflicts()
    client = api("xinjingji")
    [item] = client.get("/api/v1/conflicts/").json()["results"]
    assert {m["project_name"] for m in item["members"]} == {"本区项目", "他区项目"}
    assert item["holder_zone"] == "z-bailuwan"  # first contact
    hidden = Conflict.objects.exclude(pk=item["id"]).get()
    assert client.get(f"/api/v1/conflicts/{hidden.pk}/").status_code == 404
    response = client.post("/api/v1/conflicts/", {"basis": "same_enterprise"})
    assert response.status_code == 405
    assert Conflict.objects.count() == 2


def test_a_filter_value_not_on_offer_is_refused_by_name(api, db):  # noqa: F811
    response = api("admin").get("/api/v1/conflicts/?status=settled")
    assert response.status_code == 400
    assert error(response)["fields"]["status"] == [
        "选择一个有效的选项。 settled 不在可用的选项中。"
    ]
