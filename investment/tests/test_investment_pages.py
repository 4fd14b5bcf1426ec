"""Enterprises (shared, kept by the zone that registered them) and investment projects
(scoped to their zone, stage from dates)."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from investment.creditcode import check_character
from investment.models import Enterprise, InvestmentProject
from territory.models import Unit


def code(body: str) -> str:
    return body + check_character(body)


@pytest.fixture
def zone(db):
    return Unit.objects.get(code="z-new-economy")


@pytest.fixture
def enterprise(zone):
    return Enterprise.objects.create(
        credit_code=code("91510100MA6C00001"), name="测试科技有限公司", zone=zone, is_scitech=True
    )


def _upload(client, url_name, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    file = io.BytesIO(buffer.getvalue())
    file.name = "名录.xlsx"
    return client.post(reverse(url_name), {"file": file})


def _commit(client, response, prefix):
    token = re.search(rf"/{prefix}/import/([\w-]+)/commit", response.content.decode()).group(1)
    return client.post(
        reverse(
            f"{'enterprise' if prefix == 'enterprises' else 'project'}_import_commit", args=[token]
        )
    )


# ── Enterprises ──


def test_every_officer_reads_the_shared_directory_but_only_the_keeper_changes(login, enterprise):
    for username in ("jinjiang", "bailuwan", "viewer", "xinjingji"):
        assert (
            "测试科技有限公司" in login(username).get(reverse("enterprise_list")).content.decode()
        ), username
    assert (
        login("bailuwan").get(reverse("enterprise_edit", args=[enterprise.pk])).status_code == 404
    )
    assert login("viewer").get(reverse("enterprise_edit", args=[enterprise.pk])).status_code == 404
    assert (
        login("xinjingji").get(reverse("enterprise_edit", args=[enterprise.pk])).status_code == 200
    )


def test_someone_without_a_role_sees_no_enterprise(client, enterprise, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert "测试科技有限公司" not in client.get(reverse("enterprise_list")).content.decode()


def test_a_credit_code_with_a_wrong_check_character_is_refused_in_the_form(login, zone):
    bad = "91350100M000100Y44"
    response = login("xinjingji").post(
        reverse("enterprise_create"), {"credit_code": bad, "name": "坏代码公司", "zone": zone.pk}
    )
    assert response.status_code == 400
    assert "校验位错误（最后一位应为 3）" in response.content.decode()
    assert not Enterprise.objects.filter(name="坏代码公司").exists()


def test_a_zone_officer_must_give_the_enterprise_a_zone(login):
    response = login("xinjingji").post(
        reverse("enterprise_create"), {"credit_code": "91350100M000100Y43", "name": "无区公司"}
    )
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()


def test_enterprises_import_with_kinds_and_refuse_bad_codes_and_others_records(login, enterprise):
    other = Enterprise.objects.create(
        credit_code=code("91510100MA6C00002"),
        name="别区企业",
        zone=Unit.objects.get(code="z-bailuwan"),
    )
    client = login("xinjingji")
    header = ["统一社会信用代码", "企业名称", "所在功能区", "企业类型"]
    good = _upload(
        client,
        "enterprise_import",
        [
            header,
            [code("91510100MA6C00003"), "新导入公司", "成都新经济活力区", "科创企业、独角兽企业"],
        ],
    )
    _commit(client, good, "enterprises")
    created = Enterprise.objects.get(name="新导入公司")
    assert created.is_scitech and created.is_unicorn and not created.is_fortune500
    bad = _upload(
        client,
        "enterprise_import",
        [
            header,
            ["91350100M000100Y44", "坏代码", "成都新经济活力区", None],
            [other.credit_code, "改名", "成都新经济活力区", None],
            [code("91510100MA6C00004"), "怪类型", "成都新经济活力区", "上市公司"],
        ],
    )
    body = bad.content.decode()
    assert "校验位错误" in body
    assert "该企业已由白鹭湾新经济总部功能区登记，您无权修改" in body
    assert "“上市公司”不是可选值" in body
    assert Enterprise.objects.get(pk=other.pk).name == "别区企业"


# ── Investment projects ──


def test_a_projects_stage_follows_its_dates(zone):
    project = InvestmentProject(
        zone=zone,
        name="p",
        tier="top500",
        lead_on=dt.date(2020, 1, 1),
        signed_on=dt.date(2020, 5, 1),
    )
    assert project.stage_on(dt.date(2020, 3, 1)) == "lead"
    assert project.stage_on(dt.date(2020, 6, 1)) == "signed"


def test_projects_are_scoped_to_their_zone(login, zone, enterprise):
    project = InvestmentProject.objects.create(
        zone=zone, name="活力区AI项目", enterprise=enterprise, tier="segment_leader"
    )
    assert "活力区AI项目" in login("gaoxin").get(reverse("project_list")).content.decode()
    assert "活力区AI项目" not in login("jinjiang").get(reverse("project_list")).content.decode()
    assert login("jinjiang").get(reverse("project_detail", args=[project.pk])).status_code == 404


def test_the_high_tier_filter_keeps_the_three_kinds_the_plan_counts(login, zone):
    InvestmentProject.objects.create(zone=zone, name="高能级甲", tier="core_supplier")
    InvestmentProject.objects.create(zone=zone, name="一般项目乙", tier="other")
    body = (
        login("xinjingji")
        .get(reverse("project_list"), {"tier": "high", "zone": zone.pk})
        .content.decode()
    )
    assert "高能级甲" in body and "一般项目乙" not in body


def test_stage_dates_going_backwards_are_refused(login, zone):
    response = login("xinjingji").post(
        reverse("project_create"),
        {
            "zone": zone.pk,
            "name": "倒序项目",
            "tier": "top500",
            "lead_on": "2020-05-01",
            "signed_on": "2020-03-01",
        },
    )
    assert response.status_code == 400
    assert "签约日期早于线索日期（2020-05-01）" in response.content.decode()
    assert not InvestmentProject.objects.filter(name="倒序项目").exists()


def test_projects_import_and_name_their_investor_by_credit_code(login, enterprise):
    client = login("xinjingji")
    header = [
        "所在功能区",
        "项目名称",
        "企业统一社会信用代码",
        "项目类别",
        "建链强链补链",
        "投资额（亿元）",
        "线索日期",
        "签约日期",
    ]
    good = _upload(
        client,
        "project_import",
        [
            header,
            [
                "成都新经济活力区",
                "导入项目",
                enterprise.credit_code,
                "500强企业项目",
                "补链",
                15,
                "2020-01-05",
                "2020-04-01",
            ],
        ],
    )
    _commit(client, good, "projects")
    project = InvestmentProject.objects.get(name="导入项目")
    assert (
        project.enterprise == enterprise
        and project.chain_action == "fill"
        and project.stage == "signed"
    )
    bad = _upload(
        client,
        "project_import",
        [
            header,
            ["成都新经济活力区", "甲", code("91510100MA6C09999"), "其他项目", None, 1, None, None],
            ["成都新经济活力区", "乙", None, "其他项目", None, 1, "2020-06-01", "2020-02-01"],
            ["成都新经济活力区", "丙", None, "招商项目", None, 1, None, None],
        ],
    )
    body = bad.content.decode()
    assert "企业名录中没有统一社会信用代码为" in body
    assert "签约日期早于线索日期" in body
    assert "“招商项目”不是可选值" in body
    assert not InvestmentProject.objects.filter(name__in=["甲", "乙", "丙"]).exists()


def test_an_enterprise_settles_only_in_a_sci_tech_space_of_its_own_zone(login, zone):
    from carriers.models import Carrier

    here = Carrier.objects.create(zone=zone, kind="scitech_space", name="本区空间", floor_area_m2=1)
    elsewhere = Carrier.objects.create(
        zone=Unit.objects.get(code="z-electronics"),
        kind="scitech_space",
        name="他区空间",
        floor_area_m2=1,
    )
    client = login("gaoxin")
    data = {"credit_code": "91350100M000100Y43", "name": "入驻公司", "zone": zone.pk}
    response = client.post(reverse("enterprise_create"), data | {"carrier": elsewhere.pk})
    assert response.status_code == 400
    assert "所在科创空间须位于企业所在的功能区。" in response.content.decode()
    assert not Enterprise.objects.filter(name="入驻公司").exists()
    assert client.post(reverse("enterprise_create"), data | {"carrier": here.pk}).status_code == 302
    assert Enterprise.objects.get(name="入驻公司").carrier == here
