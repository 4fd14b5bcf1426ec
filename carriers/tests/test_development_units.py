"""Development units hold carriers: the plan sets each of the nine 20万 m² of sci-tech space,
and what is built there counts for it (and for the city above it), by hand."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
from django.urls import reverse

from carriers.models import Carrier
from plans.models import Target
from plans.progress import progress
from territory.models import Unit

END = dt.date(2020, 12, 31)


def test_a_development_units_carriers_count_for_its_target_by_hand(db):
    unit = Unit.objects.get(code="du-1")
    Carrier.objects.filter(zone=unit).delete()
    target = Target.objects.get(plan__code="cd-2020", code="scitech-du-1")
    assert progress(target, day=END).value == 0
    for name, m2, started in (
        ("甲", 120_000, dt.date(2020, 4, 1)),
        ("乙", 90_000, dt.date(2020, 8, 1)),
    ):
        Carrier.objects.create(
            zone=unit, kind="scitech_space", name=name, floor_area_m2=m2, actual_start=started
        )
    Carrier.objects.create(
        zone=unit, kind="standard_factory", name="厂房", floor_area_m2=500_000, actual_start=started
    )
    assert progress(target, day=dt.date(2020, 6, 30)).value == Decimal(120_000)
    result = progress(target, day=END)
    assert result.value == Decimal(210_000) and result.status == "met"


def test_the_city_total_includes_what_development_units_hold(db):
    city = Target.objects.get(plan__code="cd-2020", code="scitech-city")
    before = progress(city, day=END).value
    Carrier.objects.create(
        zone=Unit.objects.get(code="du-2"),
        kind="scitech_space",
        name="新增",
        floor_area_m2=33_000,
        actual_start=dt.date(2020, 5, 1),
    )
    assert progress(city, day=END).value == before + 33_000


def test_the_demo_gives_every_development_unit_real_progress(db):
    values = [
        progress(t, day=END).value
        for t in Target.objects.filter(plan__code="cd-2020", unit__kind="development_unit")
    ]
    assert len(values) == 9 and all(v > 0 for v in values)


def test_the_city_registers_a_carrier_on_a_development_unit_by_form_and_by_sheet(login):
    client = login("admin")
    unit = Unit.objects.get(code="du-3")
    response = client.post(
        reverse("carrier_create"),
        {
            "zone": unit.pk,
            "kind": "scitech_space",
            "name": "开发单元科创中心",
            "floor_area_m2": "6.5万",
            "actual_start": "2020-05-01",
        },
    )
    assert response.status_code == 302
    carrier = Carrier.objects.get(name="开发单元科创中心")
    assert carrier.zone == unit and carrier.floor_area_m2 == Decimal(65_000)
    detail = client.get(reverse("carrier_detail", args=[carrier.pk])).content.decode()
    assert reverse("cockpit_unit", args=["du-3"]) in detail  # a development unit has no zone page
    wb = openpyxl.Workbook()
    wb.active.append(["所在功能区", "载体类型", "项目名称", "建筑面积（万平方米）"])
    wb.active.append([unit.name, "高品质科创空间", "开发单元孵化器", 3])
    buffer = io.BytesIO()
    wb.save(buffer)
    file = io.BytesIO(buffer.getvalue())
    file.name = "开发单元.xlsx"
    preview = client.post(reverse("carrier_import"), {"file": file})
    assert preview.status_code == 200
    token = re.search(r"/carriers/import/([\w-]+)/commit", preview.content.decode()).group(1)
    client.post(reverse("carrier_import_commit", args=[token]))
    assert Carrier.objects.get(name="开发单元孵化器").zone == unit


def test_a_zone_officer_cannot_register_on_a_development_unit(login):
    before = Carrier.objects.count()
    response = login("xinjingji").post(
        reverse("carrier_create"),
        {
            "zone": Unit.objects.get(code="du-3").pk,
            "kind": "scitech_space",
            "name": "越权",
            "floor_area_m2": "1",
        },
    )
    assert response.status_code == 400
    assert 'data-error-for="zone"' in response.content.decode()
    assert Carrier.objects.count() == before
