"""The rule the map's geometry follows (projects_in_core_areas), by hand on a small tree:

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)

甲一 and 乙一 have core areas; 甲二 has none, so its projects are not judged.
"""

import datetime as dt

import pytest
import shapely

from investment.models import InvestmentProject
from plans import commitments
from plans.progress import Engine
from plans.tests.trees import small_tree
from territory.services import save_shape

DAY = dt.date(2020, 12, 31)


@pytest.fixture
def t(db):
    t = small_tree()
    for zone, x in ((t.za, 0.0), (t.zc, 0.1)):
        save_shape(
            zone=zone,
            kind="core_area",
            geometry=shapely.box(104.0 + x, 30.6, 104.01 + x, 30.61),
            crs="wgs84",
            delineated_on=dt.date(2020, 1, 15),
        )
    return t


def _project(zone, name, x, *, signed=dt.date(2020, 5, 1), tier="top500"):
    return InvestmentProject.objects.create(
        zone=zone, name=name, tier=tier, signed_on=signed, longitude=104.0 + x, latitude=30.605
    )


def _found(t, unit):
    found = commitments.get("projects_in_core_areas").evaluate(Engine(t.plan), unit.pk, DAY)
    return None if found is None else (int(found.done), int(found.of))


def test_the_share_of_located_high_tier_projects_inside_the_core_areas(t):
    _project(t.za, "甲一内", 0.005)
    _project(t.za, "甲一外", 0.05)
    _project(t.zc, "乙一内", 0.105)
    _project(t.zb, "甲二（无核心区）", 0.3)  # not judged: its zone has no core area
    _project(t.za, "普通项目", 0.005, tier="other")  # not high-tier
    _project(t.zc, "去年签约", 0.105, signed=dt.date(2019, 12, 31))  # before the plan
    assert (_found(t, t.city), _found(t, t.d1), _found(t, t.d2), _found(t, t.za)) == (
        (2, 3),
        (1, 2),
        (1, 1),
        (1, 2),
    )
    assert _found(t, t.zb) is None  # nothing to judge there


def test_a_project_moved_into_the_core_area_counts_at_once(t):
    outside = _project(t.za, "甲一外", 0.05)
    assert _found(t, t.city) == (0, 1)
    outside.longitude = 104.005
    outside.save()
    assert (_found(t, t.city), _found(t, t.d1)) == ((1, 1), (1, 1))
