"""The opportunity lists through the API (/api/v1/opportunities/, /api/v1/scenarios/): every
version with its state for the units the user sees, money in yuan as exact decimals, no
answers; read only, a filter value not on offer refused by name."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from opportunities.models import Field, Opportunity, Response, Scenario
from opportunities.services import save_draft
from tests.apiclient import error
from tests.conftest import api  # noqa: F401 - the fixture

from .conftest import content
from .test_portal import publish


def test_an_officer_reads_every_version_of_their_units_opportunities_only(api, zones, users):  # noqa: F811
    mine = publish(users, zones["mine"], amount_yuan=Decimal("50000000"), area_m2=Decimal("52000"))
    save_draft(user=users["xinjingji"], opportunity=mine, values=content(title="修改中的第二版"))
    save_draft(user=users["bailuwan"], unit=zones["theirs"], values=content(title="白鹭湾草稿"))
    client = api("xinjingji", write=False)
    response = client.get("/api/v1/opportunities/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert (item["id"], item["unit"], item["published_version"]) == (
        mine.pk,
        "z-new-economy",
        1,
    )
    assert [(v["number"], v["status"], v["title"]) for v in item["versions"]] == [
        (2, "draft", "修改中的第二版"),
        (1, "published", "人工智能应用场景征集"),
    ]
    first = item["versions"][1]
    assert (first["amount_yuan"], first["area_m2"], first["field"], first["kind"]) == (
        "50000000.00",
        "52000.00",
        "ai-plus",
        "scenario",
    )
    assert "responses" not in item and "response" not in str(item).lower()
    hidden = Opportunity.objects.exclude(pk=mine.pk).get()
    assert client.get(f"/api/v1/opportunities/{hidden.pk}/").status_code == 404
    # The district above sees both of its zone's versions; the city sees both zones.
    assert len(api("gaoxin", write=False).get("/api/v1/opportunities/").json()["results"]) == 1
    assert len(api("admin", write=False).get("/api/v1/opportunities/").json()["results"]) == 2


def test_filters_narrow_and_a_value_not_on_offer_is_refused_by_name(api, zones, users):  # noqa: F811
    publish(users, zones["mine"])
    publish(users, zones["mine"], title="供应链金融", field=Field.objects.get(code="supply-chain"))
    client = api("admin", write=False)
    found = client.get("/api/v1/opportunities/?field=supply-chain").json()["results"]
    assert [i["versions"][0]["title"] for i in found] == ["供应链金融"]
    refused = client.get("/api/v1/opportunities/?status=settled")
    assert refused.status_code == 400
    assert error(refused)["fields"]["status"] == ["选择一个有效的选项。 settled 不在可用的选项中。"]


def test_nothing_is_written_through_the_api(api, zones, users):  # noqa: F811
    opportunity = publish(users, zones["mine"])
    client = api("xinjingji", write=True)
    assert client.post("/api/v1/opportunities/", {"unit": "z-new-economy"}).status_code == 405
    assert client.patch(f"/api/v1/opportunities/{opportunity.pk}/", {}).status_code == 405
    assert client.delete(f"/api/v1/opportunities/{opportunity.pk}/").status_code == 405
    assert Opportunity.objects.count() == 1 and not Response.objects.exists()
    assert client.get("/api/v1/opportunities/%00/").status_code == 404


def test_scenarios_of_the_zones_the_user_sees_with_their_publication(api, zones, users):  # noqa: F811
    field = Field.objects.get(code="5g-audiovisual")
    kept = Scenario.objects.create(zone=zones["mine"], name="视听场景", field=field,
                                   description="<p>视听</p>", published_at=timezone.now())  # fmt: skip
    Scenario.objects.create(zone=zones["theirs"], name="白鹭湾场景", field=field,
                            description="<p>视听</p>")  # fmt: skip
    [item] = api("xinjingji", write=False).get("/api/v1/scenarios/").json()["results"]
    assert (item["id"], item["zone"], item["field"], item["name"]) == (
        kept.pk,
        "z-new-economy",
        "5g-audiovisual",
        "视听场景",
    )
    assert item["published_at"] is not None
    assert len(api("admin", write=False).get("/api/v1/scenarios/").json()["results"]) == 2
