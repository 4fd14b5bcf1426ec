"""Every registry list's filters (django-filter filtersets): each narrows the list and its
export alike, a value that is not one of the choices is dropped rather than refused, and the
filter form shows exactly what was applied."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from carriers.models import Carrier, ServiceCategory
from investment.models import Enterprise, InvestmentProject
from territory.models import Unit

from .factories import registry_items

PREFIXES = ["carrier", "platform", "service", "enterprise", "project", "target"]


@pytest.fixture
def two_zones(db):
    a = Unit.objects.get(code="z-new-economy")
    b = Unit.objects.get(code="z-medical-city")
    return a, b, registry_items(a), registry_items(b)


def _names_in_export(client, prefix, params) -> set[str]:
    response = client.get(reverse(f"{prefix}_export"), params)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    return {cell for row in sheet.iter_rows(values_only=True) for cell in row if cell}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_zone_filter_narrows_the_list_and_the_export_alike(login, two_zones, prefix):
    a, _b, items_a, items_b = two_zones
    client = login("admin")
    body = client.get(reverse(f"{prefix}_list"), {"zone": a.pk}).content.decode()
    assert items_a[prefix].name in body and items_b[prefix].name not in body
    assert f'<option value="{a.pk}" selected>' in body
    exported = _names_in_export(client, prefix, {"zone": a.pk})
    assert items_a[prefix].name in exported and items_b[prefix].name not in exported


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(
    "params",
    [
        {"zone": "abc"},
        {"zone": "-1"},
        {"zone": "1 OR 1=1"},
        {"zone": "9" * 40},
        {"kind": "bogus", "status": "bogus", "tier": "bogus", "stage": "bogus", "category": "x"},
    ],
)
def test_a_value_not_on_offer_is_dropped_and_the_list_shows_everything(
    login, two_zones, prefix, params
):
    _a, _b, items_a, items_b = two_zones
    response = login("admin").get(reverse(f"{prefix}_list"), params)
    body = response.content.decode()
    assert response.status_code == 200
    assert items_a[prefix].name in body and items_b[prefix].name in body
    assert " selected>" not in body.split('name="q"')[0].split("<form")[-1]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_search_is_cut_to_100_characters_and_never_injects(login, two_zones, prefix):
    _a, _b, items_a, _items_b = two_zones
    client = login("admin")
    long = items_a[prefix].name + "x" * 5000
    body = client.get(reverse(f"{prefix}_list"), {"q": long}).content.decode()
    assert f'value="{long[:100]}"' in body
    body = client.get(reverse(f"{prefix}_list"), {"q": "<script>alert(1)</script>"}).content
    assert b"<script>alert(1)</script>" not in body
    body = client.get(reverse(f"{prefix}_list"), {"q": f"  {items_a[prefix].name} "}).content
    assert items_a[prefix].name in body.decode()


def test_a_zone_outside_the_officers_scope_matches_nothing(login, two_zones):
    _a, b, _items_a, items_b = two_zones
    body = login("gaoxin").get(reverse("carrier_list"), {"zone": b.pk}).content.decode()
    assert items_b["carrier"].name not in body


def test_a_district_counts_the_zones_it_shares(login, two_zones):
    _a, b, items_a, items_b = two_zones
    jinjiang = Unit.objects.get(code="510104")
    b.extra_districts.add(jinjiang)
    body = login("admin").get(reverse("carrier_list"), {"district": jinjiang.pk}).content
    assert items_b["carrier"].name in body.decode()
    assert items_a["carrier"].name not in body.decode()
    assert body.decode().count(items_b["carrier"].name) == 1  # not twice through the join


def test_the_status_filter_reads_todays_status_from_the_dates(login, two_zones):
    a, _b, _items_a, _items_b = two_zones
    today = dt.date.today()
    done = Carrier.objects.create(
        zone=a, kind="factory", name="已竣工厂房", floor_area_m2=1,
        actual_start=today.replace(year=today.year - 2), actual_completion=today,
    )  # fmt: skip
    client = login("admin")
    completed = client.get(reverse("carrier_list"), {"status": "completed"}).content.decode()
    planned = client.get(reverse("carrier_list"), {"status": "planned"}).content.decode()
    assert done.name in completed and done.name not in planned
    assert "巡检载体-z-new-economy" in planned and "巡检载体-z-new-economy" not in completed


def test_the_service_category_filter(login, two_zones):
    _a, _b, items_a, _items_b = two_zones
    client = login("admin")
    medical = ServiceCategory.objects.get(code="medical")
    other = ServiceCategory.objects.exclude(pk=medical.pk).first()
    name = items_a["service"].name
    assert name in client.get(reverse("service_list"), {"category": medical.pk}).content.decode()
    assert name not in client.get(reverse("service_list"), {"category": other.pk}).content.decode()


def test_project_tier_and_stage_filters(login, two_zones):
    a, _b, items_a, _items_b = two_zones
    today = dt.date.today()
    other = InvestmentProject.objects.create(
        zone=a, name="一般项目", tier="other", signed_on=today, lead_on=today
    )
    core = items_a["project"]
    core.lead_on = core.signed_on = core.started_on = today
    core.save()
    client = login("admin")

    def names(params):
        body = client.get(reverse("project_list"), {"zone": a.pk, **params}).content.decode()
        return {name for name in (core.name, other.name) if name in body}

    assert names({"tier": "high"}) == {core.name}
    assert names({"tier": "other"}) == {other.name}
    assert names({"stage": "signed"}) == {other.name}  # the other has started: a later stage
    assert names({"stage": "started"}) == {core.name}
    assert names({"stage": "lead"}) == set()


def test_enterprise_kind_and_credit_code_search(login, two_zones):
    _a, _b, items_a, items_b = two_zones
    enterprise = items_a["enterprise"]
    Enterprise.objects.filter(pk=enterprise.pk).update(is_new_economy=True)
    client = login("admin")
    body = client.get(reverse("enterprise_list"), {"kind": "is_new_economy"}).content.decode()
    assert enterprise.name in body and items_b["enterprise"].name not in body
    body = client.get(
        reverse("enterprise_list"), {"q": enterprise.credit_code.lower()}
    ).content.decode()
    assert enterprise.name in body and items_b["enterprise"].name not in body
