"""Scenes inside core areas: added by the zone's officers, inside the core area or refused."""

import datetime as dt
import json

import pytest
import shapely
from django.urls import reverse
from shapely.geometry import Point, box

from territory.models import Scene, Unit, ZoneShape
from territory.services import save_shape


@pytest.fixture
def core(db):
    ZoneShape.objects.all().delete()
    Scene.objects.all().delete()
    zone = Unit.objects.get(code="z-new-economy")
    save_shape(
        zone=zone,
        kind="core_area",
        geometry=box(104.06, 30.65, 104.07, 30.66),
        crs="wgs84",
        delineated_on=dt.date(2020, 5, 1),
    )
    return zone


def _add(client, **values):
    data = {
        "kind": "production",
        "name": "智能工厂",
        "longitude": "104.065",
        "latitude": "30.655",
    } | values
    return client.post(reverse("zone_scene", args=["z-new-economy"]), data)


def test_a_scene_inside_the_core_area_is_added_and_counted(login, core, users):
    assert _add(login("xinjingji")).status_code == 302
    scene = Scene.objects.get(name="智能工厂")
    assert scene.history.get().history_user == users["xinjingji"]
    body = login("xinjingji").get(reverse("zone_detail", args=["z-new-economy"])).content.decode()
    assert "生产场景 <strong>1</strong>" in body and "生活场景 <strong>0</strong>" in body


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"longitude": "104.08"}, "不在本功能区的核心起步区内"),
        ({"longitude": "东经104度"}, "经度和纬度须为数字"),
        ({"longitude": "NaN"}, "经度和纬度须为数字"),
        ({"longitude": "30.655", "latitude": "104.065"}, "经度和纬度似乎填反了"),
        ({"kind": "party"}, "请选择场景类型"),
        ({"name": ""}, "场景名称须填写"),
        ({"name": "长" * 201}, "不超过 200 字"),
        ({"shown_from": "2020-13-01"}, "场景展示日期须为日期"),
        ({"shown_from": "去年"}, "场景展示日期须为日期"),
    ],
)
def test_a_bad_scene_is_refused_with_a_message_and_nothing_saved(login, core, values, message):
    response = _add(login("xinjingji"), **values)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Scene.objects.exists()


def test_a_scene_shown_from_a_date_counts_only_from_that_day(login, core):
    from plans.models import Plan
    from plans.progress import Engine
    from territory.models import Unit as U

    client = login("xinjingji")
    for kind, name in (("production", "工厂"), ("living", "社区"), ("ecology", "绿道")):
        _add(client, kind=kind, name=name, shown_from="2020-09-01" if kind == "ecology" else "")
    assert Scene.objects.get(name="绿道").shown_from == dt.date(2020, 9, 1)
    zone = U.objects.get(code="z-new-economy")

    def complete(day):
        from plans import commitments

        engine = Engine(Plan.objects.get(code="cd-2020"))
        return commitments.get("core_area_scenes").evaluate(engine, zone.pk, day).done

    # Before the ecology scene is shown the zone lacks a kind; from that day it has all three.
    assert (complete(dt.date(2020, 8, 31)), complete(dt.date(2020, 9, 1))) == (0, 1)


def test_a_scene_needs_a_core_area_and_a_unique_name(login, core):
    client = login("xinjingji")
    _add(client)
    assert "已有名为“智能工厂”的场景" in _add(client).content.decode()
    ZoneShape.objects.all().delete()
    assert "请先划定本功能区的核心起步区" in _add(client, name="别的").content.decode()


def test_only_the_zones_officers_add_scenes(login, core):
    assert _add(login("viewer")).status_code == 403
    assert _add(login("bailuwan")).status_code == 404
    assert not Scene.objects.exists()


def test_the_city_cockpit_lists_core_areas_missing_a_kind_of_scene(login, core):
    _add(login("xinjingji"))
    body = login("viewer").get(reverse("cockpit"), {"day": "2020-09-30"}).content.decode()
    assert 'id="scene-gaps"' in body and "成都新经济活力区：缺少 生活场景、生态场景" in body
    english = login("viewer")
    english.cookies["django_language"] = "en"
    page = english.get(reverse("cockpit"), {"day": "2020-09-30"}).content.decode()
    gaps = page[
        page.index('id="scene-gaps"') : page.index("</div></div>", page.index('id="scene-gaps"'))
    ]
    assert "Chengdu New Economy Vitality Zone: missing Living scene, Ecology scene" in gaps
    assert "：" not in gaps and "、" not in gaps and "成都" not in gaps


def _area(*ring):
    return json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


INSIDE = _area([104.061, 30.651], [104.064, 30.651], [104.064, 30.654], [104.061, 30.654])


def test_a_scene_drawn_as_an_area_is_saved_with_a_point_inside_it(login, core):
    response = _add(login("xinjingji"), longitude="", latitude="", geojson=INSIDE)
    assert response.status_code == 302
    scene = Scene.objects.get(name="智能工厂")
    area = shapely.from_geojson(scene.geojson)
    assert area.contains(Point(float(scene.longitude), float(scene.latitude)))
    assert area.area == pytest.approx(0.003 * 0.003)


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        (
            _area([104.065, 30.655], [104.08, 30.655], [104.08, 30.658]),
            "超出了本功能区的核心起步区",
        ),
        (
            _area([104.061, 30.651], [104.064, 30.654], [104.064, 30.651], [104.061, 30.654]),
            "边界自相交",
        ),
        ('{"type": "Polygon", "coordinates": [[[104.061', "不是有效的 GeoJSON"),
        ('{"type": "Point", "coordinates": [104.061, 30.651]}', "文件中没有面"),
        (_area([30.651, 104.061], [30.651, 104.064], [30.654, 104.064]), "经度和纬度填反了"),
        ("<kml>" + "x" * 2_000, "不是有效的 KML"),
    ],
)
def test_a_bad_scene_area_is_refused_with_a_message_and_nothing_saved(
    login, core, geojson, message
):
    response = _add(login("xinjingji"), geojson=geojson)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Scene.objects.exists()


def test_an_oversized_scene_area_is_refused(login, core, settings):
    settings.ZONEPLAN_GEOMETRY_MAX_BYTES = 100
    response = _add(login("xinjingji"), geojson=INSIDE)
    assert response.status_code == 400 and "绘制的图形过大" in response.content.decode()
    assert not Scene.objects.exists()


def test_the_scene_forms_refusals_read_in_english_too(login, core):
    client = login("xinjingji")
    client.cookies["django_language"] = "en"
    body = _add(client, kind="party", name="", longitude="east").content.decode()
    assert "Choose the kind of scene." in body
    assert "The scene&#x27;s name is required, at most 200 characters." in body
    assert "Longitude and latitude must be numbers" in body
    assert "请选择场景类型" not in body and not Scene.objects.exists()
