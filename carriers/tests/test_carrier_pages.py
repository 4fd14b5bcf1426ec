"""Carrier pages with the three users: one who may (the zone's officer or its district's), a
colleague with less right (the city viewer: reads, never writes), and an outsider (another
district's officer: sees nothing)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from carriers.models import Carrier
from territory.models import Unit


@pytest.fixture
def zone(db):
    return Unit.objects.get(code="z-new-economy")


@pytest.fixture
def carrier(zone, users):
    c = Carrier(
        zone=zone,
        kind="scitech_space",
        name="测试科创大厦",
        floor_area_m2=Decimal(120_000),
        actual_start=dt.date(2020, 3, 1),
    )
    c._history_user = users["gaoxin"]
    c.save()
    return c


def _form(zone, **overrides):
    data = {
        "zone": zone.pk,
        "kind": "scitech_space",
        "name": "新建科创中心",
        "floor_area_m2": "5",  # 万平方米, the plan's unit
        "developer": "",
        "address": "",
        "longitude": "",
        "latitude": "",
        "planned_start": "",
        "actual_start": "2020-05-01",
        "planned_completion": "",
        "actual_completion": "",
        "occupancy_rate": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_list_shows_a_zones_carriers_to_its_officers_and_the_city(login, carrier):
    for username in ("xinjingji", "gaoxin", "viewer", "admin"):
        assert "测试科创大厦" in login(username).get(reverse("carrier_list")).content.decode(), (
            username
        )


def test_the_list_hides_them_from_an_outsider(login, carrier):
    body = login("jinjiang").get(reverse("carrier_list")).content.decode()
    assert "测试科创大厦" not in body
    assert login("jinjiang").get(reverse("carrier_detail", args=[carrier.pk])).status_code == 404
    assert login("bailuwan").get(reverse("carrier_edit", args=[carrier.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, carrier):
    for url in (
        reverse("carrier_list"),
        reverse("carrier_detail", args=[carrier.pk]),
        reverse("carrier_export"),
    ):
        assert client.get(url).status_code == 302


def test_the_list_totals_floor_area_in_the_plans_unit_and_filters_by_status(login, carrier, zone):
    Carrier.objects.create(
        zone=zone, kind="scitech_space", name="计划中", floor_area_m2=Decimal(30_000)
    )
    client = login("xinjingji")
    body = client.get(reverse("carrier_list"), {"q": "测试科创"}).content.decode()
    assert 'data-figure="area">12 万平方米<' in body
    body = client.get(
        reverse("carrier_list"), {"status": "planned", "zone": zone.pk}
    ).content.decode()
    assert "计划中" in body and "测试科创大厦" not in body


def test_a_zone_officer_creates_a_carrier_and_history_says_who(login, users, zone):
    response = login("xinjingji").post(reverse("carrier_create"), _form(zone))
    carrier = Carrier.objects.get(name="新建科创中心")
    assert response.status_code == 302
    assert carrier.floor_area_m2 == Decimal(50_000)
    assert carrier.history.get().history_user == users["xinjingji"]
    detail = login("xinjingji").get(reverse("carrier_detail", args=[carrier.pk])).content.decode()
    assert "新开工" in detail or "续建" in detail or "已建成" in detail


@pytest.mark.parametrize(
    "typed", ["5.2万", "5.2", "52000平方米", "52,000平方米", "5.2万平方米", "５.２万㎡"]
)
def test_the_form_reads_floor_area_in_the_plans_unit_however_it_is_written(login, zone, typed):
    login("xinjingji").post(reverse("carrier_create"), _form(zone, floor_area_m2=typed))
    assert Carrier.objects.get(name="新建科创中心").floor_area_m2 == Decimal(52_000)


def test_the_edit_form_shows_the_stored_area_in_the_plans_unit(login, carrier):
    body = login("gaoxin").get(reverse("carrier_edit", args=[carrier.pk])).content.decode()
    assert 'name="floor_area_m2" value="12"' in body
    assert "建筑面积（万平方米）" in body  # the field names its unit


def test_editing_records_what_changed(login, carrier):
    client = login("gaoxin")
    data = _form(carrier.zone, name=carrier.name, floor_area_m2="15", actual_start="2020-03-01")
    assert client.post(reverse("carrier_edit", args=[carrier.pk]), data).status_code == 302
    assert Carrier.objects.get(pk=carrier.pk).floor_area_m2 == Decimal(150_000)
    body = client.get(reverse("carrier_detail", args=[carrier.pk])).content.decode()
    assert "12 万平方米 → 15 万平方米" in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"actual_start": "2020-05-01", "actual_completion": "2020-04-01"},
            "actual_completion",
            "实际竣工日期早于实际开工日期",
        ),
        ({"floor_area_m2": "-5"}, "floor_area_m2", "不能为负数（-5）"),
        ({"floor_area_m2": "0"}, "floor_area_m2", "建筑面积应大于 0"),
        ({"floor_area_m2": "很多"}, "floor_area_m2", "“很多”不是数字"),
        ({"floor_area_m2": "5000元"}, "floor_area_m2", "“5000元”是金额，本栏填写面积（万平方米）"),
        ({"floor_area_m2": "52000"}, "floor_area_m2", "如填的是平方米，请写“52000平方米”"),
        ({"floor_area_m2": "5.2亩"}, "floor_area_m2", "单位“亩”无法识别"),
        ({"floor_area_m2": "9" * 5000}, "floor_area_m2", "数值过大"),
        ({"actual_start": "2020-02-30"}, "actual_start", "输入一个有效的日期"),
        ({"actual_start": "2099-01-01"}, "actual_start", "晚于今天"),
        ({"occupancy_rate": "85"}, "occupancy_rate", "只有已建成"),
        ({"longitude": "30.65", "latitude": "104.06"}, "longitude", "经度和纬度似乎填反了"),
        ({"name": "长" * 201}, "name", "不超过 200 字符"),
        ({"occupancy_rate": "150"}, "occupancy_rate", "小于或等于100"),
        ({"name": ""}, "name", "这个字段是必填项"),
    ],
)
def test_bad_form_input_is_told_in_chinese_and_nothing_is_written(
    login, zone, overrides, field, message
):
    before = Carrier.objects.count()
    response = login("xinjingji").post(reverse("carrier_create"), _form(zone, **overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'data-error-for="{field}"' in body
    assert message in body
    assert Carrier.objects.count() == before


def test_a_zone_outside_the_officers_scope_cannot_be_chosen(login):
    other = Unit.objects.get(code="z-bailuwan")
    response = login("xinjingji").post(reverse("carrier_create"), _form(other))
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not Carrier.objects.filter(name="新建科创中心").exists()


def test_the_city_viewer_reads_but_cannot_write(login, carrier, zone):
    client = login("viewer")
    assert client.get(reverse("carrier_detail", args=[carrier.pk])).status_code == 200
    assert client.get(reverse("carrier_create")).status_code == 403
    assert client.post(reverse("carrier_create"), _form(zone)).status_code == 403
    assert client.get(reverse("carrier_edit", args=[carrier.pk])).status_code == 404
    assert client.post(reverse("carrier_delete", args=[carrier.pk])).status_code == 404
    assert client.get(reverse("carrier_import")).status_code == 403
    assert Carrier.objects.filter(pk=carrier.pk).exists()


def test_deleting_asks_first_and_keeps_history(login, carrier):
    client = login("gaoxin")
    assert (
        "删除 测试科创大厦？"
        in client.get(reverse("carrier_delete", args=[carrier.pk])).content.decode()
    )
    assert Carrier.objects.filter(pk=carrier.pk).exists()  # asking deletes nothing
    client.post(reverse("carrier_delete", args=[carrier.pk]))
    assert not Carrier.objects.filter(pk=carrier.pk).exists()
    assert Carrier.history.filter(id=carrier.pk, history_type="-").exists()
