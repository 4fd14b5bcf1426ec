"""The statistics system through the API, as a district's own system would use it: open a
zone's report for a period, save values, walk it up the approval chain with ETags, attach
evidence and read its history, with the page's rules, rights and words, and every bad request
answered with one JSON error and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.models import ReportedValue
from reporting.models import Event, Evidence, Submission, SubmissionValue
from reporting.services import open_submission
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit

from .apiclient import error as _error
from .test_api import PDF

A, B = "z-new-economy", "z-bailuwan"  # a zone in 高新区, one in 锦江区


@pytest.fixture
def data_set(db):
    return make_data_set(
        (("occupancy", "入驻率", "ratio"), ("output", "产值", "money")), units=(A, B)
    )


def _open(client, data_set, unit=A, **extra):
    return client.post(
        "/api/v1/submissions/",
        {"data_set": data_set.code, "unit": unit, "period_end": str(last_month_end()), **extra},
    )


def _values(body) -> dict:
    return {row["indicator"]: row["value"] for row in body["values"]}


def test_a_zone_reports_and_the_chain_approves_it_until_progress_counts_it(api, data_set):
    zone, district, city = api("xinjingji"), api("gaoxin"), api("admin")
    opened = _open(zone, data_set)
    assert opened.status_code == 201
    body = opened.json()
    assert (body["state"], body["unit"], body["steps"]) == ("draft", A, ["save", "submit"])
    assert _values(body) == {"occupancy": None, "output": None}
    url = f"/api/v1/submissions/{body['id']}/"
    assert _open(zone, data_set).status_code == 200  # opened again: the same draft, found

    saved = zone.patch(
        url, {"values": {"occupancy": "85%", "output": "12.5万"}}, **{"If-Match": opened["ETag"]}
    )
    assert saved.status_code == 200, saved.content
    assert _values(saved.json()) == {"occupancy": "0.8500", "output": "125000.0000"}
    # A JSON number is the same value as the text typed in the form.
    again = zone.patch(url, {"values": {"output": 125000}}, **{"If-Match": saved["ETag"]})
    assert again.status_code == 200 and _values(again.json())["output"] == "125000.0000"

    submitted = zone.post(f"{url}steps/", {"step": "submit"}, **{"If-Match": again["ETag"]})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted" and submitted.json()["steps"] == []
    read = district.get(url)
    assert read.json()["steps"] == ["district_approve", "return"]
    approved = district.post(
        f"{url}steps/", {"step": "district_approve"}, **{"If-Match": read["ETag"]}
    )
    assert approved.status_code == 200, approved.content
    assert not ReportedValue.objects.filter(unit__code=A).exists()  # the city has not decided
    read = city.get(url)
    final = city.post(f"{url}steps/", {"step": "city_approve"}, **{"If-Match": read["ETag"]})
    assert final.json()["state"] == "city_approved" and final.json()["locked"] is True
    counted = dict(
        ReportedValue.objects.filter(unit__code=A).values_list("indicator__code", "value")
    )
    assert counted == {"occupancy": Decimal("0.85"), "output": Decimal(125_000)}

    events = zone.get(f"{url}events/").json()["results"]
    assert [(e["step"], e["user"]) for e in events] == [
        ("save", "xinjingji"),
        ("save", "xinjingji"),
        ("submit", "xinjingji"),
        ("district_approve", "gaoxin"),
        ("city_approve", "admin"),
    ]


def test_a_step_on_a_stale_copy_is_refused_and_nothing_moves(api, data_set):
    zone = api("xinjingji")
    opened = _open(zone, data_set)
    url = f"/api/v1/submissions/{opened.json()['id']}/"
    zone.patch(url, {"values": {"output": "1"}}, **{"If-Match": opened["ETag"]})
    # The first copy was read before that save: submitting from it is refused.
    stale = zone.post(f"{url}steps/", {"step": "submit"}, **{"If-Match": opened["ETag"]})
    assert stale.status_code == 412
    assert _error(stale)["message"] == "读取之后该对象已被修改（ETag 不同）：请重新读取后再修改。"
    missing = zone.post(f"{url}steps/", {"step": "submit"})
    assert missing.status_code == 428
    assert Submission.objects.get().state == "draft"
    assert not Event.objects.filter(step="submit").exists()


def test_the_services_refusals_come_back_in_the_readers_language(api, data_set):
    zh, en = api("xinjingji"), api("xinjingji", language="en")
    opened = _open(zh, data_set)
    url = f"/api/v1/submissions/{opened.json()['id']}/"
    bad = zh.patch(url, {"values": {"output": "很多"}}, **{"If-Match": opened["ETag"]})
    assert bad.status_code == 400
    assert _error(bad)["message"] == "“产值”：“很多”不是数字"
    bad_en = en.patch(url, {"values": {"output": "lots"}}, **{"If-Match": opened["ETag"]})
    assert _error(bad_en)["message"] == "“产值”: “lots” is not a number."
    unknown = en.patch(url, {"values": {"nothing": "1"}}, **{"If-Match": opened["ETag"]})
    assert _error(unknown)["message"] == "The report has no indicator nothing."
    wrong_day = zh.post(
        "/api/v1/submissions/", {"data_set": data_set.code, "unit": A, "period_end": "2020-06-15"}
    )
    assert wrong_day.status_code == 400
    assert _error(wrong_day)["message"] == "2020-06-15 不是报表期的最后一天（应为 2020-06-30）"
    no_comment = en.post(f"{url}steps/", {"step": "return"}, **{"If-Match": opened["ETag"]})
    assert _error(no_comment)["message"] == (
        "You may not return this report, or it cannot be returned in its state."
    )
    assert not SubmissionValue.objects.exists()
    assert Submission.objects.get().version == 0  # nothing was written by any of them


def test_rights_are_the_pages_rights(api, data_set):
    theirs = open_submission(data_set, Unit.objects.get(code=B), last_month_end())
    zone, viewer, district = api("xinjingji"), api("viewer", write=False), api("gaoxin")
    # Another district's report is not there for the zone officer: list, detail, write.
    listed = [s["id"] for s in zone.get("/api/v1/submissions/").json()["results"]]
    assert theirs.pk not in listed
    assert zone.get(f"/api/v1/submissions/{theirs.pk}/").status_code == 404
    step_url = f"/api/v1/submissions/{theirs.pk}/steps/"
    assert zone.post(step_url, {"step": "submit"}, **{"If-Match": '"x"'}).status_code == 404
    unseen = _open(zone, data_set, unit=B)
    assert unseen.status_code == 400 and "unit" in _error(unseen)["fields"]
    # The district sees its zone's report but does not fill it in.
    opened = _open(zone, data_set)
    url = f"/api/v1/submissions/{opened.json()['id']}/"
    read = district.get(url)
    refused = district.patch(url, {"values": {"output": "9"}}, **{"If-Match": read["ETag"]})
    assert refused.status_code == 403
    assert _error(refused)["message"] == "您无权填写该单位的报表"
    denied = _open(district, data_set)
    assert denied.status_code == 403
    assert _error(denied)["message"] == "“成都新经济活力区”的报表由其本单位填报"
    # A read-only token reads and writes nothing.
    assert viewer.get(url).status_code == 200
    assert viewer.post(f"{url}steps/", {"step": "submit"}).status_code == 403
    assert not SubmissionValue.objects.exists()
    assert Submission.objects.get(pk=opened.json()["id"]).state == "draft"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "values"),
        ({"values": []}, "values"),
        ({"values": {}}, "values"),
        ({"values": {"output": True}}, "values"),
        ({"values": {"output": "1" * 101}}, "values"),
        ({"values": {"output": "1"}, "state": "city_approved"}, "state"),
        ({"values": {"output": "1"}, "version": 99}, "version"),
    ],
)
def test_wrong_value_bodies_are_refused_by_field(api, data_set, body, field):
    zone = api("xinjingji")
    opened = _open(zone, data_set)
    url = f"/api/v1/submissions/{opened.json()['id']}/"
    response = zone.patch(url, body, **{"If-Match": opened["ETag"]})
    assert response.status_code == 400
    error = _error(response)
    assert list(error["fields"]) == [field], error
    assert not SubmissionValue.objects.exists()


def test_too_many_values_and_oversized_or_foreign_bodies_are_refused(api, data_set, settings):
    zone = api("xinjingji")
    opened = _open(zone, data_set)
    url = f"/api/v1/submissions/{opened.json()['id']}/"
    many = zone.patch(
        url, {"values": {f"c{i}": "1" for i in range(501)}}, **{"If-Match": opened["ETag"]}
    )
    assert many.status_code == 400
    assert _error(many)["fields"]["values"] == ["一次至多保存 500 个数值。"]
    settings.ZONEPLAN_API_MAX_BODY_BYTES = 1000
    huge = zone.patch(url, {"values": {"output": "1" * 2000}}, **{"If-Match": opened["ETag"]})
    assert huge.status_code == 413
    foreign = zone.patch(
        url,
        raw="<values>1</values>",
        content_type="application/xml",
        **{"If-Match": opened["ETag"]},
    )
    assert foreign.status_code == 415
    assert not SubmissionValue.objects.exists()


def test_evidence_is_attached_while_the_report_is_open_and_listed_without_content(api, data_set):
    zone, district = api("xinjingji"), api("gaoxin")
    opened = _open(zone, data_set)
    url = f"/api/v1/submissions/{opened.json()['id']}/evidence/"
    upload = SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf")
    added = zone.client.post(url, {"file": upload}, headers=zone.headers)
    assert added.status_code == 201, added.content
    assert added.json()["name"] == "台账.pdf" and added.json()["size"] == len(PDF)
    listed = district.get(url).json()
    assert [(f["name"], f["uploaded_by"]) for f in listed] == [("台账.pdf", "xinjingji")]
    assert "content" not in listed[0]
    # Nothing chosen, a file that is not what it says, and a district that does not report.
    empty = zone.client.post(url, {}, headers=zone.headers)
    assert empty.status_code == 400 and _error(empty)["message"] == "请选择要上传的文件"
    fake = SimpleUploadedFile("假.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    assert zone.client.post(url, {"file": fake}, headers=zone.headers).status_code == 400
    other = SimpleUploadedFile("区.pdf", PDF, content_type="application/pdf")
    refused = district.client.post(url, {"file": other}, headers=district.headers)
    assert refused.status_code == 403
    assert _error(refused)["message"] == "您无权为该报表上传附件"
    assert list(Evidence.objects.values_list("name", flat=True)) == ["台账.pdf"]


def test_data_sets_show_their_indicators_and_only_the_units_the_user_sees(api, data_set):
    url = f"/api/v1/data_sets/{data_set.code}/"
    body = api("xinjingji").get(url).json()
    assert [i["code"] for i in body["indicators"]] == ["occupancy", "output"]
    assert body["units"] == [A]  # 白鹭湾 reports it too, but in another district
    last = body["open_periods"][-1]  # the factory's data set locks 60 days after a month ends
    assert last["end"] == str(last_month_end())
    assert last["locks"] == str(last_month_end() + dt.timedelta(days=60))
    city = api("admin")
    assert city.get(url).json()["units"] == sorted([A, B])
    assert city.get("/api/v1/data_sets/nothing/").status_code == 404


def test_submissions_are_filtered_like_a_list(api, data_set):
    for code in (A, B):
        open_submission(data_set, Unit.objects.get(code=code), last_month_end())
    city = api("admin")
    found = city.get(f"/api/v1/submissions/?unit={B}").json()["results"]
    assert [s["unit"] for s in found] == [B]
    assert city.get("/api/v1/submissions/?state=submitted").json()["results"] == []
    bad = city.get("/api/v1/submissions/?state=flying")
    assert bad.status_code == 400 and "state" in _error(bad)["fields"]
    bad_day = city.get("/api/v1/submissions/?period_end=yesterday")
    assert bad_day.status_code == 400 and "period_end" in _error(bad_day)["fields"]
