"""The map's data: core areas with the share of carriers inside, scoped like everything else."""

import json
from decimal import Decimal

import pytest
import shapely
from django.urls import reverse
from shapely.geometry import box

from carriers.models import Carrier
from dashboards.geo import core_area_shares
from territory.models import Unit, ZoneShape
from territory.services import save_shape


@pytest.fixture
def zone_with_core(db):
    import datetime as dt

    ZoneShape.objects.all().delete()
    Carrier.objects.all().delete()
    zone = Unit.objects.get(code="z-new-economy")
    save_shape(
        zone=zone,
        kind="core_area",
        geometry=box(104.06, 30.65, 104.07, 30.66),
        crs="wgs84",
        delineated_on=dt.date(2020, 5, 1),
    )
    for name, lon, lat, area in (
        ("内一", "104.065", "30.655", 300),
        ("内二", "104.061", "30.651", 100),
        ("外一", "104.080", "30.655", 600),
        ("无坐标", None, None, 999),
    ):
        Carrier.objects.create(
            zone=zone,
            kind="scitech_space",
            name=name,
            floor_area_m2=area,
            actual_start=dt.date(2020, 3, 1),
            longitude=Decimal(lon) if lon else None,
            latitude=Decimal(lat) if lat else None,
        )
    return zone


def test_the_share_inside_the_core_area_by_count_and_floor_area(zone_with_core):
    share = core_area_shares([zone_with_core.pk])[zone_with_core.pk]
    assert (share["count"], share["total"]) == (2, 3)  # the carrier without a location is left out
    assert share["share_count"] == pytest.approx(2 / 3, abs=1e-4)
    assert share["share_area"] == pytest.approx(400 / 1000)


def test_the_zone_page_says_how_much_lies_inside(login, zone_with_core):
    body = login("xinjingji").get(reverse("zone_detail", args=["z-new-economy"])).content.decode()
    assert "3 个已定位载体中有 2 个位于其中" in body and "40.0%" in body


def test_map_data_is_scoped_and_compressed(login, zone_with_core):
    client = login("jinjiang")
    data = json.loads(client.get(reverse("map_data")).content)
    assert data["shapes"]["features"] == [] and data["carriers"] == []
    response = login("gaoxin").get(reverse("map_data"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    import gzip

    data = json.loads(gzip.decompress(response.content))
    feature = data["shapes"]["features"][0]
    assert (
        feature["properties"]["code"] == "z-new-economy"
        and feature["properties"]["share_area"] == 0.4
    )
    assert shapely.geometry.shape(feature["geometry"]).equals(box(104.06, 30.65, 104.07, 30.66))
    assert sorted(p[3] for p in data["carriers"]) == ["内一", "内二", "外一"]


def test_the_map_page_needs_a_log_in_and_names_no_cdn(client, login):
    assert client.get(reverse("map")).status_code == 302
    body = login("viewer").get(reverse("map")).content.decode()
    assert (
        "/static/vendor/leaflet/leaflet.js" in body
        and "unpkg" not in body
        and "cdn" not in body.lower()
    )


def test_investment_projects_are_located_and_weighted_by_investment(login, zone_with_core):
    from investment.models import InvestmentProject

    InvestmentProject.objects.all().delete()
    for name, lon, investment in (("内", "104.065", 900), ("外", "104.090", 100)):
        InvestmentProject.objects.create(
            zone=zone_with_core,
            name=name,
            tier="top500",
            investment_yuan=investment,
            longitude=Decimal(lon),
            latitude=Decimal("30.655"),
        )
    share = core_area_shares([zone_with_core.pk], InvestmentProject, "investment_yuan")[
        zone_with_core.pk
    ]
    assert (share["count"], share["total"], share["share_area"]) == (1, 2, 0.9)
    body = login("xinjingji").get(reverse("zone_detail", args=["z-new-economy"])).content.decode()
    assert 'id="core-project-share"' in body
    data = json.loads(login("xinjingji").get(reverse("map_data")).content)
    assert sorted(p[3] for p in data["projects"]) == ["内", "外"]


def test_a_project_location_outside_china_or_swapped_is_refused(login, zone_with_core):
    from investment.models import InvestmentProject

    response = login("xinjingji").post(
        reverse("project_create"),
        {
            "zone": zone_with_core.pk,
            "name": "坐标填反",
            "tier": "other",
            "longitude": "30.65",
            "latitude": "104.06",
        },
    )
    assert response.status_code == 400 and "经度和纬度似乎填反了" in response.content.decode()
    assert not InvestmentProject.objects.filter(name="坐标填反").exists()


def test_core_areas_can_be_coloured_by_the_target_above_them(login, zone_with_core):
    body = login("gaoxin").get(reverse("map")).content.decode()
    assert "目标完成度：已划定核心起步区的产业功能区数" in body
    data = json.loads(login("gaoxin").get(reverse("map_data")).content)
    keys, row = data["progress"]["keys"], data["progress"]["zones"]["z-new-economy"]
    shares, values = row[: len(keys)], row[len(keys) :]
    p = dict(zip(keys, shares, strict=True)) | {
        f"value:{k}": v for k, v in zip(keys, values, strict=True)
    }
    # One core area of the city's 66: the city-wide target is the nearest one above the zone.
    assert p["target:core_areas_delineated"] == round(1 / 66, 4)
    assert p["value:target:core_areas_delineated"] == 1
    # Sci-tech space: 高新区's own 1,000,000 m² target, not the city's 10,000,000 m², and this
    # zone holds all of the district's sci-tech space here.
    own = p["value:target:scitech_space_floor_area"]
    assert own > 0
    assert p["target:scitech_space_floor_area"] == round(own / 1_000_000, 4)
