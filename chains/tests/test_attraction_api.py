"""The attraction list through the API: the form's rules and the zone's rights, as on the
pages, and nothing written on a refusal."""

from __future__ import annotations

from chains.models import AttractionTarget
from investment.models import InvestmentProject
from tests.apiclient import error
from tests.conftest import api  # noqa: F401 - the fixture


def _body(chain, **changes) -> dict:
    return {
        "zone": chain["x"].code,
        "node": chain["nodes"]["c"].pk,
        "enterprise_name": "接口目标有限公司",
        "reason": "补链",
        "follower": "接口组",
        "due_on": "2020-10-31",
    } | changes


def test_a_zone_officer_adds_a_target_and_reads_its_node_code_and_stage(api, chain):  # noqa: F811
    response = api("xinjingji").post("/api/v1/attraction_targets/", _body(chain))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["node_code"] == "t-chain.c" and body["stage"] == "尚未接洽"
    assert AttractionTarget.objects.get(pk=body["id"]).history.get().history_user.username == (
        "xinjingji"
    )


def test_refusals_name_the_field_and_write_nothing(api, chain):  # noqa: F811
    other = InvestmentProject.objects.create(zone=chain["w"], name="别区项目", tier="other")
    client = api("gaoxin")
    response = client.post("/api/v1/attraction_targets/", _body(chain, project=other.pk))
    assert response.status_code == 400
    assert error(response)["fields"]["project"] == [
        "招商项目须为本功能区的项目（成都新经济活力区）。"
    ]
    response = client.post(
        "/api/v1/attraction_targets/", _body(chain, credit_code="91350100M000100Y44")
    )
    assert error(response)["fields"]["credit_code"] == [
        "统一社会信用代码校验位错误（最后一位应为 3），请核对"
    ]
    response = api("bailuwan").post("/api/v1/attraction_targets/", _body(chain))
    assert response.status_code == 400 and "zone" in error(response)["fields"]
    response = client.post("/api/v1/attraction_targets/", _body(chain, node=10**9))
    assert response.status_code == 400 and "node" in error(response)["fields"]
    assert not AttractionTarget.objects.filter(enterprise_name="接口目标有限公司").exists()


def test_another_districts_officer_neither_lists_nor_reads_a_target(api, chain):  # noqa: F811
    target = AttractionTarget.objects.create(
        zone=chain["x"],
        node=chain["nodes"]["b"],
        enterprise_name="隐藏目标",
        reason="补链",
        follower="一组",
    )
    outsider = api("bailuwan", write=False)
    listed = outsider.get("/api/v1/attraction_targets/?page_size=500").json()["results"]
    assert "隐藏目标" not in {item["enterprise_name"] for item in listed}
    assert outsider.get(f"/api/v1/attraction_targets/{target.pk}/").status_code == 404
