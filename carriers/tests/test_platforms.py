"""Public technology platforms: inside a sci-tech space, scoped through it to its zone."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from carriers.models import Carrier, TechPlatform
from territory.models import Unit


@pytest.fixture
def space(db):
    return Carrier.objects.create(
        zone=Unit.objects.get(code="z-new-economy"),
        kind="scitech_space",
        name="活力区科创大厦",
        floor_area_m2=Decimal(50_000),
    )


@pytest.fixture
def platform(space):
    return TechPlatform.objects.create(
        carrier=space, kind="pilot_testing", name="中试平台甲", operator="甲公司"
    )


def _upload(client, rows, name="平台.xlsx"):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    file = io.BytesIO(buffer.getvalue())
    file.name = name
    return client.post(reverse("platform_import"), {"file": file})


def test_the_zones_officers_and_the_city_see_a_platform_and_an_outsider_does_not(login, platform):
    for username in ("xinjingji", "gaoxin", "viewer"):
        assert "中试平台甲" in login(username).get(reverse("platform_list")).content.decode()
    assert "中试平台甲" not in login("jinjiang").get(reverse("platform_list")).content.decode()
    assert login("bailuwan").get(reverse("platform_detail", args=[platform.pk])).status_code == 404
    assert login("viewer").get(reverse("platform_edit", args=[platform.pk])).status_code == 404


def test_the_sci_tech_space_lists_its_platforms(login, platform):
    body = (
        login("xinjingji")
        .get(reverse("carrier_detail", args=[platform.carrier.pk]))
        .content.decode()
    )
    assert "中试平台甲" in body and reverse("platform_detail", args=[platform.pk]) in body


def test_an_officer_adds_a_platform_to_a_sci_tech_space(login, space, users):
    response = login("xinjingji").post(
        reverse("platform_create"),
        {
            "carrier": space.pk,
            "kind": "inspection_testing",
            "name": "检测中心",
            "operator": "",
            "opened_on": "2020-05-01",
            "note": "",
        },
    )
    assert response.status_code == 302
    created = TechPlatform.objects.get(name="检测中心")
    assert created.history.get().history_user == users["xinjingji"]


def test_a_platform_cannot_sit_in_a_factory_or_another_officers_space(login, space):
    factory = Carrier.objects.create(
        zone=space.zone, kind="standard_factory", name="厂房", floor_area_m2=1
    )
    other = Carrier.objects.create(
        zone=Unit.objects.get(code="z-bailuwan"), kind="scitech_space", name="别处", floor_area_m2=1
    )
    client = login("xinjingji")
    for carrier in (factory, other):
        response = client.post(
            reverse("platform_create"), {"carrier": carrier.pk, "kind": "other", "name": "坏平台"}
        )
        assert response.status_code == 400
        assert "选择一个有效的选项" in response.content.decode()
    assert not TechPlatform.objects.filter(name="坏平台").exists()


def test_platforms_import_and_bad_rows_are_named(login, space):
    client = login("xinjingji")
    header = ["所在功能区", "所在科创空间", "平台类型", "平台名称", "运营单位", "投用日期"]
    good = _upload(
        client,
        [
            header,
            [
                "成都新经济活力区",
                "活力区科创大厦",
                "原型机建模",
                "建模平台",
                "乙公司",
                "2020年3月1日",
            ],
        ],
    )
    token = re.search(r"/platforms/import/([\w-]+)/commit", good.content.decode()).group(1)
    client.post(reverse("platform_import_commit", args=[token]))
    assert TechPlatform.objects.get(name="建模平台").operator == "乙公司"
    bad = _upload(
        client,
        [
            header,
            ["成都新经济活力区", "不存在的大厦", "中试", "甲", None, None],
            ["成都新经济活力区", "活力区科创大厦", "孵化", "乙", None, None],
            ["成都新经济活力区", "活力区科创大厦", "中试", "丙", None, "2099-01-01"],
        ],
    )
    body = bad.content.decode()
    assert bad.status_code == 400
    assert "功能区“成都新经济活力区”中没有名为“不存在的大厦”的高品质科创空间" in body
    assert "“孵化”不是可选值" in body
    assert "投用日期晚于今天" in body
    assert not TechPlatform.objects.filter(name__in=["甲", "乙", "丙"]).exists()


def test_a_file_that_is_not_a_workbook_is_refused(login, space):
    file = io.BytesIO(b"GIF89a not a workbook")
    file.name = "平台.xlsx"
    response = login("xinjingji").post(reverse("platform_import"), {"file": file})
    assert (
        response.status_code == 400
        and "不是 Excel（.xlsx）或 CSV 文件" in response.content.decode()
    )


def test_the_export_lists_the_users_platforms(login, platform):
    ws = openpyxl.load_workbook(
        io.BytesIO(login("gaoxin").get(reverse("platform_export")).content)
    ).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows == [
        ["成都新经济活力区", "活力区科创大厦", "中试", "中试平台甲", "甲公司", None, None]
    ]
