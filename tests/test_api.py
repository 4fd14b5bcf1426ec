"""The REST API as a program uses it: a token, the registries within the user's scope, the
form's rules with the form's words (Chinese, or English under Accept-Language: en), lost
updates refused by ETag, signed cursor pages, and every kind of bad request answered with one
JSON error and nothing written."""

from __future__ import annotations

import datetime as dt
import json
import threading
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import issue_token, revoke_token
from carriers.models import Carrier
from core.models import Attachment
from territory.models import Unit

from .apiclient import Api
from .apiclient import error as _error

A, B = "z-new-economy", "z-bailuwan"  # a zone in 高新区 and one in 锦江区
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _carrier(zone_code: str, name: str, **values) -> Carrier:
    values.setdefault("floor_area_m2", 100)
    return Carrier.objects.create(
        zone=Unit.objects.get(code=zone_code), kind="scitech_space", name=name, **values
    )


NEW = {"zone": A, "kind": "scitech_space", "name": "接口科创空间", "floor_area_m2": "52000"}


def test_without_a_token_the_api_answers_401_in_one_shape(db):
    response = Api(None).get("/api/v1/carriers/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert _error(response)["code"] == "not_authenticated"


def test_lists_hold_only_what_the_user_sees_and_details_outside_are_404(api):
    mine, theirs = _carrier(A, "接口甲"), _carrier(B, "接口乙")
    client = api("xinjingji")
    names = {
        item["name"] for item in client.get("/api/v1/carriers/?page_size=500").json()["results"]
    }
    assert "接口甲" in names and "接口乙" not in names
    assert client.get(f"/api/v1/carriers/{mine.pk}/").status_code == 200
    response = client.get(f"/api/v1/carriers/{theirs.pk}/")
    assert response.status_code == 404
    assert _error(response)["message"] == "没有该对象，或您无权查看。"
    # The city viewer reads both; the page's filters narrow the list the same way.
    viewer = api("viewer", write=False)
    found = viewer.get(f"/api/v1/carriers/?q=接口&zone={mine.zone_id}").json()["results"]
    assert [item["name"] for item in found] == ["接口甲"]


def test_a_carrier_is_created_through_the_form_rules_with_history_naming_the_token(api, users):
    response = api("xinjingji").post("/api/v1/carriers/", NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["zone"] == A and body["status"] == "planned" and body["floor_area_m2"] == "52000.00"
    carrier = Carrier.objects.get(pk=body["id"])
    record = carrier.history.get()
    assert record.history_user == users["xinjingji"]
    assert record.history_change_reason.startswith("API · test-xinjingji-True")
    assert response["ETag"].startswith('"')


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "建筑面积应大于 0"),
        ("zh-CN,zh;q=0.9", "建筑面积应大于 0"),
        ("en-US,en;q=0.8", "The floor area must be more than 0"),
    ],
)
def test_the_form_rules_refuse_with_the_form_words_in_the_callers_language(api, language, message):
    client = api("xinjingji", language=language)
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        "/api/v1/carriers/", {**NEW, "floor_area_m2": "0", "actual_start": later}
    )
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert error["fields"]["floor_area_m2"] == [message]
    assert timezone.localdate().isoformat() in error["fields"]["actual_start"][0]
    assert not Carrier.objects.filter(name=NEW["name"]).exists()


def test_rights_come_from_scoping_and_the_token(api):
    # A zone another district keeps is unknown to this user: nothing hints it exists.
    response = api("xinjingji").post("/api/v1/carriers/", {**NEW, "zone": B})
    assert response.status_code == 400
    assert "fields" in _error(response) and "zone" in _error(response)["fields"]
    # The city viewer sees the zone but may not change it.
    response = api("viewer").post("/api/v1/carriers/", NEW)
    assert response.status_code == 403
    assert _error(response)["message"] == "您无权修改该功能区的数据"
    # A read-only token of a user who may write still only reads.
    response = api("xinjingji", write=False, language="en").post("/api/v1/carriers/", NEW)
    assert response.status_code == 403
    assert _error(response)["message"].startswith("This token may only read")
    assert not Carrier.objects.filter(name=NEW["name"]).exists()


def test_a_change_needs_the_etag_it_was_read_with_and_no_update_is_lost(api):
    carrier = _carrier(A, "接口丙", floor_area_m2=1000)
    client = api("xinjingji")
    url = f"/api/v1/carriers/{carrier.pk}/"
    etag = client.get(url)["ETag"]
    missing = client.patch(url, {"developer": "甲"})
    assert missing.status_code == 428
    assert _error(missing)["code"] == "precondition_required"
    assert client.patch(url, {"developer": "甲"}, **{"If-Match": '"0"'}).status_code == 412
    first = client.patch(url, {"developer": "甲"}, **{"If-Match": etag})
    assert first.status_code == 200, first.content
    assert first["ETag"] != etag and first.json()["developer"] == "甲"
    # A second writer who read before the first change is refused, not silently overwriting.
    second = client.patch(url, {"developer": "乙"}, **{"If-Match": etag})
    assert second.status_code == 412
    assert _error(second)["message"].startswith("读取之后该对象已被修改")
    carrier.refresh_from_db()
    assert carrier.developer == "甲"
    # Delete takes the same precondition.
    assert client.delete(url).status_code == 428
    assert client.delete(url, **{"If-Match": first["ETag"]}).status_code == 204
    assert not Carrier.objects.filter(pk=carrier.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_with_the_same_etag_one_wins_and_one_is_told(loaded_data):
    from accounts.models import User

    user = User.objects.get(username="xinjingji")
    carrier = _carrier(A, "接口并发", floor_area_m2=1000)
    keys = [issue_token(user=user, name=f"race-{n}", days=1, can_write=True)[1] for n in range(2)]
    url = f"/api/v1/carriers/{carrier.pk}/"
    etag = Api(keys[0]).get(url)["ETag"]
    results = []
    barrier = threading.Barrier(2)

    def write(key, developer):
        barrier.wait()
        try:
            results.append(Api(key).patch(url, {"developer": developer}, **{"If-Match": etag}))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(k, d)) for k, d in zip(keys, "甲乙", strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 412]
    winner = next(r for r in results if r.status_code == 200).json()["developer"]
    carrier.refresh_from_db()
    assert carrier.developer == winner


def test_unknown_and_read_only_fields_wrong_types_and_bodies_are_refused(api, settings):
    client = api("xinjingji", language="en")
    cases = [
        ({**NEW, "floor_aera_m2": "1"}, "floor_aera_m2", "There is no such field."),
        ({**NEW, "status": "completed"}, "status", "This field is read-only."),
        ({**NEW, "floor_area_m2": "lots"}, "floor_area_m2", "A valid number is required."),
        ({**NEW, "floor_area_m2": "2e9"}, "floor_area_m2", "less than or equal to"),
        ({**NEW, "kind": "castle"}, "kind", "is not a valid choice"),
        ({**NEW, "zone": 7}, "zone", "Object with code=7 does not exist."),
        ({**NEW, "planned_start": "2020-13-01"}, "planned_start", "Date has wrong format"),
        ({**NEW, "name": "名" * 201}, "name", "no more than 200 characters"),
        ({k: v for k, v in NEW.items() if k != "name"}, "name", "This field is required."),
    ]
    for body, field, message in cases:
        response = client.post("/api/v1/carriers/", body)
        assert response.status_code == 400, (body, response.content)
        assert message in " ".join(_error(response)["fields"][field]), (field, response.json())
    for raw, content_type, status, code in [
        ("{not json", "application/json", 400, "parse_error"),
        ("[1, 2]", "application/json", 400, "invalid"),
        ("", "application/json", 400, "invalid"),
        ("name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ('{"a": NaN}', "application/json", 400, "parse_error"),
    ]:
        response = client.post("/api/v1/carriers/", raw=raw, content_type=content_type)
        assert response.status_code == status, (raw, response.content)
        assert _error(response)["code"] == code, (raw, response.content)
    settings.ZONEPLAN_API_MAX_BODY_BYTES = 2048
    response = client.post("/api/v1/carriers/", {**NEW, "note": "注" * 2000})
    assert response.status_code == 413
    assert _error(response)["message"].startswith("The request body is larger than 2 KB")
    assert not Carrier.objects.filter(zone__code=A, name=NEW["name"]).exists()


def test_expired_revoked_and_unknown_tokens_are_told_why(users):
    token, key = issue_token(user=users["gaoxin"], name="old", days=1, can_write=False)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    response = Api(key, "en").get("/api/v1/carriers/")
    assert response.status_code == 401
    assert _error(response)["message"].startswith("This token expired on")
    token, key = issue_token(user=users["gaoxin"], name="gone", days=1, can_write=False)
    revoke_token(user=users["gaoxin"], token_id=token.pk)
    response = Api(key).get("/api/v1/carriers/")
    assert response.status_code == 401
    assert _error(response)["message"].startswith("该令牌已于")
    assert "吊销" in _error(response)["message"]
    for header in (f"Token {key}x", "Token", "Token a b", "Token " + "z" * 5000):
        response = Client().get("/api/v1/carriers/", headers={"Authorization": header})
        assert response.status_code == 401, header[:30]
        assert _error(response)["message"]


def test_cursor_pages_walk_every_item_once_and_a_changed_cursor_is_refused(api):
    for n in range(7):
        _carrier(A, f"接口分页{n}")
    client = api("xinjingji")
    query = "/api/v1/carriers/?" + urlencode({"q": "接口分页", "page_size": 3})
    url, seen = query, []
    while url:
        page = client.get(url).json()
        seen += [item["name"] for item in page["results"]]
        url = page["next"]
    assert sorted(seen) == [f"接口分页{n}" for n in range(7)], seen
    first = client.get(query).json()["next"]
    cursor = first.split("cursor=")[1].split("&")[0]
    tampered = first.replace(cursor, cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB"))
    response = client.get(tampered)
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_cursor"
    for size in ("0", "501", "x"):
        response = client.get(f"/api/v1/carriers/?page_size={size}")
        assert response.status_code == 400
        assert _error(response)["fields"]["page_size"] == ["每页可含 1 至 500 条。"]


def test_a_filter_value_the_list_does_not_offer_is_a_clear_400(api):
    response = api("viewer", write=False, language="en").get("/api/v1/carriers/?kind=castle")
    assert response.status_code == 400
    assert "kind" in _error(response)["fields"]


def test_evidence_files_are_attached_by_who_may_change_and_listed_for_who_sees(api):
    carrier = _carrier(A, "接口附件")
    url = f"/api/v1/carriers/{carrier.pk}/attachments/"
    writer = api("xinjingji")

    def upload(client, data, name):
        return client.client.post(
            url,
            {"file": SimpleUploadedFile(name, data)},
            headers=client.headers,
        )

    response = upload(writer, PDF, "合同.pdf")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "pdf" and response.json()["size"] == len(PDF)
    refused = upload(writer, b"MZ\x90\x00program", "合同.pdf")
    assert refused.status_code == 400
    assert _error(refused)["fields"]["file"][0].startswith("不支持的文件类型")
    assert upload(api("viewer"), PDF, "b.pdf").status_code == 404  # sees, may not change
    assert upload(api("bailuwan"), PDF, "c.pdf").status_code == 404  # another district's
    listed = api("viewer", write=False).get(url).json()
    assert [a["name"] for a in listed] == ["合同.pdf"]
    assert Attachment.objects.of(carrier).count() == 1


def test_every_registry_has_its_endpoint_in_the_schema(api):
    schema = api("viewer", write=False).get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    for name in (
        "carriers",
        "platforms",
        "service_projects",
        "enterprises",
        "investment_projects",
        "attraction_targets",
    ):
        assert f"/api/v1/{name}/" in paths and f"/api/v1/{name}/{{id}}/" in paths


def test_a_path_that_names_no_endpoint_is_a_json_404(api):
    client = api("viewer", write=False, language="en")
    for url in ("/api/v1/carriers//", "/api/v1/carriers/abc/", "/api/v1/nothing/", "/api/v2/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert _error(response)["code"] == "not_found", url


def test_a_page_of_carriers_costs_the_same_few_queries_whatever_its_size(api):
    """No query per row: a page of 100 costs what a page of 5 does (benchmarks/api.py times
    it on 300,000 carriers)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    zone = Unit.objects.get(code=A)
    Carrier.objects.bulk_create(
        [
            Carrier(zone=zone, kind="scitech_space", name=f"计数{n}", floor_area_m2=1)
            for n in range(120)
        ]
    )
    client = api("admin", write=False)
    client.get("/api/v1/carriers/?page_size=1")  # the token's first use is recorded once
    counts = {}
    for size in (5, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/carriers/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts[size] = len(queries)
    assert counts[5] == counts[100] <= 3, counts  # the token, the page (with its zones)
