"""The portal's zone profiles and its big screen, logged out: what a zone has published, its
core area drawn small, and its grade in the latest published assessment only."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from assessment.models import Run, ZoneResult
from opportunities.models import Field, Opportunity, Scenario, Version
from opportunities.services import review, save_draft, submit
from opportunities.tests.conftest import content
from territory.geometry import outline_svg
from territory.models import Ecosystem, Unit, ZoneShape

SQUARE = {  # 0.01° by 0.01°, north-west corner at 104.06 E, 30.61 N
    "type": "Polygon",
    "coordinates": [[[104.06, 30.60], [104.07, 30.60], [104.07, 30.61], [104.06, 30.61],
                     [104.06, 30.60]]],
}  # fmt: skip


OFFICERS = {"z-new-economy": ("xinjingji", "gaoxin"), "z-bailuwan": ("bailuwan", "jinjiang")}


def publish(users, zone, *, closed: bool = False, **changes):
    """An opportunity of `zone` through its officer's draft and both reviews; `closed`: its
    deadline then moved to yesterday (a draft may not be dated in the past)."""
    officer, district = OFFICERS[zone.code]
    version = save_draft(user=users[officer], unit=zone, values=content(**changes))
    submit(user=users[officer], version=version)
    review(user=users[district], version=version, approve=True)
    review(user=users["admin"], version=version, approve=True)
    if closed:
        Version.objects.filter(pk=version.pk).update(
            deadline=timezone.localdate() - dt.timedelta(days=1)
        )
    return version.opportunity


@pytest.fixture
def zones(db):
    Opportunity.objects.filter(is_demo=True).delete()
    Scenario.objects.filter(is_demo=True).delete()
    ZoneShape.objects.filter(is_demo=True).delete()
    Run.objects.all().delete()
    return {
        "mine": Unit.objects.get(code="z-new-economy"),
        "theirs": Unit.objects.get(code="z-bailuwan"),
    }


def _run(users, year: int, grades: dict, *, published: bool) -> Run:
    run = Run.objects.create(
        year=year, status=Run.Status.DONE, started_by=users["admin"],
        published_at=timezone.now() if published else None,
    )  # fmt: skip
    for rank, (zone, grade) in enumerate(grades.items(), start=1):
        ZoneResult.objects.create(run=run, unit=zone, scheme_code="s", score=90 - rank,
                                  rank=rank, grade=grade)  # fmt: skip
    return run


def test_the_outline_keeps_the_shapes_proportions_north_up():
    drawn = outline_svg(json.dumps(SQUARE))
    # 0.01° of longitude at 30.605° N is 0.01 × cos(30.605°) = 0.0086070 of latitude's length;
    # the longer side (north–south) gets 220 units: 1° = 22,000, so 189.35 + 10 from the edge
    # (199.4) and 209 across with both margins; the south-west corner is at the bottom left.
    assert drawn["viewbox"] == "0 0 209 240"
    assert drawn["d"] == "M10.0,230.0 L199.4,230.0 L199.4,10.0 L10.0,10.0 Z"
    assert outline_svg("not json") is None
    assert outline_svg(json.dumps({"type": "Point", "coordinates": [104, 30]})) is None


def test_a_profile_shows_only_what_is_published_and_the_latest_published_grade(zones, users):
    mine = zones["mine"]
    mine.ecosystems.set([Ecosystem.objects.order_by("order", "code").first()])
    publish(users, mine, title="新经济活力区公开机会")
    save_draft(user=users["xinjingji"], unit=mine, values=content(title="尚未送审的草稿"))
    publish(users, zones["theirs"], title="白鹭湾的机会")
    shown = Scenario.objects.create(zone=mine, name="公开的场景IP", field=Field.objects.first(),
                                    description="<p>x</p>", published_at=timezone.now())  # fmt: skip
    Scenario.objects.create(zone=mine, name="未发布的场景IP", field=Field.objects.first(),
                            description="<p>x</p>")  # fmt: skip
    _run(users, 2020, {zones["theirs"]: "优秀", mine: "良好"}, published=True)
    _run(users, 2021, {mine: "不达标"}, published=False)  # not published: never shown
    ZoneShape.objects.create(
        zone=mine, kind=ZoneShape.Kind.CORE_AREA, geojson=json.dumps(SQUARE), area_m2=1_028_000,
        min_lon=104.06, min_lat=30.60, max_lon=104.07, max_lat=30.61, source_crs="wgs84",
        delineated_on=dt.date(2020, 6, 1),
    )  # fmt: skip
    page = Client().get(f"/open/zones/{mine.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "新经济活力区公开机会" in text and "尚未送审的草稿" not in text
    assert "白鹭湾的机会" not in text
    assert "公开的场景IP" in text and "未发布的场景IP" not in text
    assert f'href="/open/scenarios/{shown.pk}/"' in text
    grade = re.search(r'id="zone-grade">(.*?)</dd>', text, re.S).group(1)
    assert "2020" in grade and "良好" in grade and "2" in grade and "不达标" not in grade
    assert mine.ecosystems.get().name in text
    assert 'viewBox="0 0 209 240"' in text and "1.028 平方公里" in text  # km², as on the zone page
    assert 'id="zone-counts" data-open="1" data-total="1"' in text


def test_a_zone_without_a_core_area_or_a_result_says_so(zones):
    text = Client().get(f"/open/zones/{zones['theirs'].code}/").content.decode()
    assert 'id="zone-core"' in text and "<svg" not in text
    assert re.search(r'id="zone-grade"><span class="text-secondary">[^<]+</span>', text)


@pytest.mark.parametrize(
    "code", ["no-such-zone", "<script>alert(1)</script>", "x" * 5000, "510100", "%00"]
)
def test_a_code_that_names_no_zone_is_not_found(zones, code):
    page = Client().get(f"/open/zones/{code}/")
    assert page.status_code == 404  # the city's code is a unit, but not a zone


def test_the_zone_list_counts_what_each_zone_has_open_with_its_grade(zones, users):
    publish(users, zones["mine"], title="甲")
    publish(users, zones["mine"], title="乙")
    publish(users, zones["mine"], title="已截止", closed=True)
    _run(users, 2020, {zones["mine"]: "良好"}, published=True)
    text = Client().get("/open/zones/").content.decode()
    row = re.search(rf'data-zone="{zones["mine"].code}">(.*?)</div>', text, re.S).group(1)
    assert re.search(r"\b2\b", row) and "良好" in row  # two open; the closed one is not
    other = re.search(rf'data-zone="{zones["theirs"].code}">(.*?)</div>', text, re.S).group(1)
    assert re.search(r"\b0\b", other) and "良好" not in other


def test_the_big_screen_counts_open_and_published_by_field_and_zone(zones, users):
    ai = Field.objects.get(code="ai-plus")
    supply = Field.objects.get(code="supply-chain")
    publish(users, zones["mine"], title="一", field=ai)
    publish(users, zones["mine"], title="二", field=supply)
    publish(users, zones["theirs"], title="三", field=ai, closed=True)
    page = Client().get("/open/screen/")
    assert page.status_code == 200
    text = page.content.decode()
    totals = re.findall(r'display-4 fw-bold[^"]*">(\d+)<', text)
    assert totals == ["2", "3", "0"]  # open now, published, scenario IPs
    by_field = re.search(r'id="screen-by-field">(.*?)id="screen-by-zone"', text, re.S).group(1)
    assert re.findall(r'fw-bold">(\d+)<', by_field) == ["2", "1"]  # 人工智能+ 2, 供应链 1
    by_zone = re.search(r'id="screen-by-zone">(.*?)id="screen-latest"', text, re.S).group(1)
    assert zones["mine"].name in by_zone and zones["theirs"].name not in by_zone  # closed
    assert '<meta http-equiv="refresh" content="60">' in text
