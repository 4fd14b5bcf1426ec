"""The API's reads of plans, progress and units: the same figures as `manage.py progress` and
the cockpit, limited to what the user sees, and the tree as it stood on the day asked for."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.services import issue_token
from territory.models import Unit
from territory.services import record_change


@pytest.fixture
def api(users):
    numbers = itertools.count()

    def _api(username: str, language: str = "zh-hans") -> Client:
        name = f"reads-{next(numbers)}"
        _token, key = issue_token(user=users[username], name=name, days=1, can_write=False)
        return Client(headers={"Authorization": f"Token {key}", "Accept-Language": language})

    return _api


def test_targets_carry_what_manage_py_progress_prints_for_the_same_plan_and_day(api):
    out = io.StringIO()
    call_command(
        "progress", "--plan", "cd-2020", "--day", "2020-12-31", "--format", "json", stdout=out
    )
    expected = json.loads(out.getvalue())
    body = api("admin").get("/api/v1/targets/?plan=cd-2020&day=2020-12-31").json()
    assert body["plan"] == "cd-2020" and body["day"] == "2020-12-31"
    assert body["results"] == expected
    assert len(expected) > 60  # the sixty commitments and their shares


def test_a_zone_officer_gets_only_the_targets_of_units_they_see(api):
    everything = api("admin").get("/api/v1/targets/?plan=cd-2020&day=2020-12-31").json()["results"]
    mine = api("xinjingji").get("/api/v1/targets/?plan=cd-2020&day=2020-12-31").json()["results"]
    assert {r["unit"] for r in mine} <= {"z-new-economy"}
    assert [r for r in everything if r["unit"] == "z-new-economy"] == mine
    district = api("gaoxin").get("/api/v1/targets/?plan=cd-2020&day=2020-12-31&unit=510100").json()
    assert "unit" in district["error"]["fields"]  # the city is not within a district's reach


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("plan=cd-1999", "plan", "No plan with code cd-1999 (plans loaded: cd-2020)."),
        ("day=2020-02-30", "day", "The day 2020-02-30 is not a date of the form YYYY-MM-DD."),
        ("day=" + "9" * 500, "day", "is not a date"),
        ("unit=nowhere", "unit", "No unit with code nowhere."),
    ],
)
def test_a_wrong_progress_query_says_what_is_wrong(api, query, field, message):
    response = api("viewer", "en").get(f"/api/v1/targets/?{query}")
    assert response.status_code == 400
    assert message in response.json()["error"]["fields"][field][0]


def test_units_show_the_tree_of_the_day_asked_for(api):
    zone = Unit.objects.get(code="z-new-economy")
    was, to = zone.parent, Unit.objects.get(code="510104")  # 高新区 → 锦江区 from 2021
    record_change(unit=zone, on=dt.date(2021, 1, 1), parent=to)
    client = api("admin")
    before = client.get("/api/v1/units/z-new-economy/?day=2020-12-31").json()
    after = client.get("/api/v1/units/z-new-economy/?day=2021-06-30").json()
    assert before["parent"] == was.code and after["parent"] == "510104"
    assert before["in_force"] is True


def test_units_are_those_the_user_sees(api):
    codes = set()
    url = "/api/v1/units/?page_size=500"
    client = api("bailuwan")
    while url:
        page = client.get(url).json()
        codes |= {u["code"] for u in page["results"]}
        url = page["next"]
    assert codes == {"z-bailuwan"}
    assert client.get("/api/v1/units/z-new-economy/").status_code == 404
    response = client.get("/api/v1/units/?kind=castle")
    assert response.status_code == 400 and "kind" in response.json()["error"]["fields"]


def test_plans_are_listed_for_every_role(api):
    plans = api("bailuwan").get("/api/v1/plans/").json()["results"]
    assert [p["code"] for p in plans] == ["cd-2020"]
    assert api("bailuwan").get("/api/v1/plans/cd-2020/").json()["ends_on"] == "2020-12-31"


def test_rule_commitments_name_their_rule_and_say_on_what_basis(api):
    """A commitment without a number is computed by a rule: the item names it, and its basis
    says what was counted; one tracked only in words says so."""
    items = api("admin").get("/api/v1/targets/?plan=cd-2020&day=2020-12-31").json()["results"]
    by_target = {item["target"]: item for item in items if item["unit"] == "510100"}
    scenes = next(i for i in items if i["rule"] == "core_area_scenes")
    assert scenes["indicator"] is None and scenes["basis"]
    ruled = {i["rule"] for i in items if i["rule"]}
    assert {"ecosystems_configured", "service_coverage", "attraction_lists"} <= ruled
    worded = [i for i in by_target.values() if i["rule"] is None and i["target_value"] is None]
    assert worded, "the plan still has commitments tracked only in words"
    for item in worded:
        assert item["status"] == "no_data"
        assert item["basis"].startswith("该项任务尚无计算规则：")


def test_progress_is_read_again_after_a_change_and_each_scope_and_language_has_its_own(users):
    """Progress is kept between requests (plans.cache), but a carrier saved through the API
    shows in the very next answer at the district and the city, and a reader who sees less, or
    reads English, never gets another's copy."""
    _token, key = issue_token(user=users["admin"], name="writes", days=1, can_write=True)
    admin = Client(headers={"Authorization": f"Token {key}"})
    url = "/api/v1/targets/?plan=cd-2020&day=2020-12-31"

    def values(client, language="zh-hans") -> dict[str, tuple]:
        items = client.get(url, headers={"Accept-Language": language}).json()["results"]
        return {i["target"]: (i["value"], i["status_label"]) for i in items}

    before = values(admin)
    assert values(admin) == before  # (the second answer is the kept one)
    created = admin.post(
        "/api/v1/carriers/",
        {
            "zone": "z-new-economy",
            "kind": "scitech_space",
            "name": "接口进展科创空间",
            "floor_area_m2": "52000",
            "actual_start": "2020-06-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    after = values(admin)
    for target in ("scitech-hitech", "scitech-city"):  # 高新区 and the city, by hand: +52,000 m²
        assert float(after[target][0]) == float(before[target][0] or 0) + 52_000, target
    assert {t for t in before if after[t][0] != before[t][0]} == {"scitech-hitech", "scitech-city"}
    english = values(admin, "en")
    assert english.keys() == after.keys()
    assert english["scitech-city"][0] == after["scitech-city"][0]
    assert english["scitech-city"][1] != after["scitech-city"][1]  # its own language's label
    officer = Client(headers={"Authorization": f"Token {_read_key(users, 'xinjingji')}"})
    assert set(values(officer)) < set(after)  # not the city's copy


def _read_key(users, username: str) -> str:
    return issue_token(user=users[username], name="reads-own", days=1, can_write=False)[1]
