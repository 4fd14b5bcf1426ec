"""Uploading a zone's core area: only its officers, every problem told, nothing saved on an
error, and the plan's first commitment counts it."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from shapely.geometry import box

from territory.models import Unit, ZoneShape

CELL = box(104.06, 30.65, 104.07, 30.66)


@pytest.fixture(autouse=True)
def _no_demo_shapes(db):
    """The demo's core areas would overlap these tests' squares: start without them."""
    ZoneShape.objects.all().delete()


def _post(client, zone="z-new-economy", geometry=CELL, crs="wgs84", day="2020-06-30", **extra):
    file = io.BytesIO(json.dumps(geometry.__geo_interface__).encode())
    file.name = "core.geojson"
    return client.post(
        reverse("zone_shape", args=[zone, "core_area"]),
        {"file": file, "crs": crs, "delineated_on": day, **extra},
    )


def test_a_zone_officer_saves_the_core_area_and_the_plan_counts_it(login, users):
    response = _post(login("xinjingji"))
    assert response.status_code == 302
    shape = ZoneShape.objects.get(zone__code="z-new-economy", kind="core_area")
    assert float(shape.area_m2) == 1062586.83
    assert shape.history.get().history_user == users["xinjingji"]
    body = login("xinjingji").get(reverse("zone_detail", args=["z-new-economy"])).content.decode()
    assert "1.063" in body
    cockpit = login("viewer").get(reverse("cockpit"), {"day": "2020-09-30"}).content.decode()
    assert (
        'id="progress-core-areas" data-status="behind"' in cockpit
        and "1 个" in cockpit.split('id="progress-core-areas"')[1][:2000]
    )


def test_the_city_viewer_and_an_outsider_cannot_upload(login):
    assert _post(login("viewer")).status_code == 403
    assert _post(login("bailuwan")).status_code == 404
    assert not ZoneShape.objects.exists()


def test_an_error_saves_nothing_and_says_what_is_wrong(login):
    _post(login("bailuwan"), zone="z-bailuwan")  # another zone's core area there already
    response = _post(login("xinjingji"), geometry=box(104.065, 30.655, 104.075, 30.665))
    assert response.status_code == 400
    assert "与“白鹭湾新经济总部功能区”的核心起步区重叠" in response.content.decode()
    assert not ZoneShape.objects.filter(zone__code="z-new-economy").exists()


def test_a_warning_needs_confirmation(login):
    big = box(104.06, 30.65, 104.1, 30.69)
    first = _post(login("xinjingji"), geometry=big)
    assert first.status_code == 200 and 'data-level="warning"' in first.content.decode()
    assert not ZoneShape.objects.exists()
    assert _post(login("xinjingji"), geometry=big, confirm="1").status_code == 302
    assert ZoneShape.objects.filter(zone__code="z-new-economy").exists()


def test_a_gcj02_file_is_converted_before_it_is_stored(login):
    _post(login("xinjingji"), crs="gcj02")
    west = ZoneShape.objects.get().min_lon
    assert 104.0 < west < 104.06  # shifted back west by a few hundred metres


def test_bad_form_values_are_refused(login):
    client = login("xinjingji")
    assert "请选择文件使用的坐标系" in _post(client, crs="utm").content.decode()
    assert "划定日期应为今天或之前" in _post(client, day="2999-01-01").content.decode()
    assert "划定日期应为今天或之前" in _post(client, day="yesterday").content.decode()
    assert (
        client.post(
            reverse("zone_shape", args=["z-new-economy", "core_area"]),
            {"crs": "wgs84", "delineated_on": "2020-01-01"},
        ).status_code
        == 400
    )
    assert client.get(reverse("zone_shape", args=["z-new-economy", "garden"])).status_code == 404
    assert not ZoneShape.objects.exists()


def test_the_export_holds_only_what_the_user_may_see(login):
    _post(login("xinjingji"))
    _post(login("bailuwan"), zone="z-bailuwan", geometry=box(104.08, 30.65, 104.09, 30.66))
    mine = json.loads(login("xinjingji").get(reverse("shapes_geojson")).content)
    assert [f["properties"]["zone_code"] for f in mine["features"]] == ["z-new-economy"]
    everything = json.loads(login("viewer").get(reverse("shapes_geojson")).content)
    assert len(everything["features"]) == 2
    assert Unit.objects.get(code="z-new-economy").shapes.get().delineated_on == dt.date(2020, 6, 30)


def test_the_kml_export_reads_back_as_the_same_shapes_with_escaped_names(login):
    from territory.geometry import read_shape

    _post(login("xinjingji"))
    zone = Unit.objects.get(code="z-new-economy")
    zone.name = "<script>&"
    zone.save()
    response = login("viewer").get(reverse("shapes_kml"))
    assert b"&lt;script&gt;&amp;" in response.content and b"<script>" not in response.content
    assert read_shape(response.content, "export.kml").equals(CELL)


def test_a_shape_drawn_on_the_map_arrives_as_geojson_and_is_checked_the_same_way(login):
    client = login("xinjingji")
    url = reverse("zone_shape", args=["z-new-economy", "core_area"])
    drawn = json.dumps(CELL.__geo_interface__)
    assert (
        client.post(
            url, {"geojson": drawn, "crs": "wgs84", "delineated_on": "2020-06-30"}
        ).status_code
        == 302
    )
    assert float(ZoneShape.objects.get().area_m2) == 1062586.83
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[104.06, 30.65], [104.07, 30.66], [104.07, 30.65], [104.06, 30.66], [104.06, 30.65]]
        ],
    }
    response = client.post(
        url, {"geojson": json.dumps(bowtie), "crs": "wgs84", "delineated_on": "2020-06-30"}
    )
    assert response.status_code == 400 and "边界自相交" in response.content.decode()
    assert (
        client.post(
            url, {"geojson": "{", "crs": "wgs84", "delineated_on": "2020-06-30"}
        ).status_code
        == 400
    )


def test_an_oversized_drawing_is_refused(login, settings):
    settings.ZONEPLAN_GEOMETRY_MAX_BYTES = 1024
    response = login("xinjingji").post(
        reverse("zone_shape", args=["z-new-economy", "core_area"]),
        {"geojson": "{" + " " * 4000 + "}", "crs": "wgs84", "delineated_on": "2020-06-30"},
    )
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not ZoneShape.objects.exists()


def test_the_shape_forms_refusals_read_in_english_too(login):
    client = login("xinjingji")
    client.cookies["django_language"] = "en"
    before = list(ZoneShape.objects.values_list("pk", "geojson"))
    response = client.post(
        reverse("zone_shape", args=["z-new-economy", "core_area"]),
        {"crs": "wgs84", "delineated_on": "2020-05-01"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "Choose a file to upload (GeoJSON, KML or a zipped Shapefile), or draw on the map." in body
    )
    assert "请选择要上传的文件" not in body
    assert list(ZoneShape.objects.values_list("pk", "geojson")) == before
