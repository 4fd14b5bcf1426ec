"""Figures roll up over the tree as it stood on the day (territory.history), computed by
hand for a move, a merge, a split, a rename and a closing. Each checks every unit at a day
before the change and a day after, and that the figures for the day before are the same
as they were before the change was recorded.

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za) 1,000 m², 甲二 (t-zb) 200 m²
    └── 乙区 (t-d2): 乙一 (t-zc) 30 m²
"""

import datetime as dt
from decimal import Decimal

import pytest

from carriers.models import Carrier
from plans.models import Indicator, ReportedValue
from plans.progress import Engine
from plans.tests.trees import small_tree, unit
from territory.history import Tree
from territory.models import Unit
from territory.services import record_change, record_succession, save_unit

BEFORE, ON, AFTER = dt.date(2020, 6, 30), dt.date(2020, 7, 1), dt.date(2020, 7, 31)
UNITS = ("city", "d1", "d2", "za", "zb", "zc")


def _carrier(zone, m2, started=dt.date(2020, 2, 1)):
    Carrier.objects.create(
        zone=zone,
        kind="scitech_space",
        name=f"{zone.code}-{m2}",
        floor_area_m2=m2,
        actual_start=started,
    )


@pytest.fixture
def t(db):
    t = small_tree()
    t.area = Indicator.objects.get(code="scitech_space_floor_area")
    _carrier(t.za, 1000)
    _carrier(t.zb, 200)
    _carrier(t.zc, 30)
    return t


def _figures(t, day, indicator=None, names=UNITS):
    engine = Engine(t.plan)
    return {n: engine.indicator_value(indicator or t.area, getattr(t, n).pk, day) for n in names}


def _n(**values):
    return {k: Decimal(v) if v is not None else None for k, v in values.items()}


def test_a_moved_zone_counts_for_its_old_district_before_the_move_and_the_new_one_after(t):
    before = _figures(t, BEFORE)
    assert before == _n(city=1230, d1=1200, d2=30, za=1000, zb=200, zc=30)
    record_change(unit=t.za, on=ON, parent=t.d2)
    assert _figures(t, BEFORE) == before  # the past did not move
    assert _figures(t, AFTER) == _n(city=1230, d1=200, d2=1030, za=1000, zb=200, zc=30)
    # The row holds the latest state; scoping and pages of today see the new district.
    za = Unit.objects.get(pk=t.za.pk)
    assert za.parent_id == t.d2.pk and za.path.startswith(t.d2.path)


def test_recording_the_same_move_twice_writes_nothing_the_second_time(t):
    assert record_change(unit=t.za, on=ON, parent=t.d2) is True
    assert record_change(unit=t.za, on=ON, parent=t.d2) is False
    assert t.za.versions.count() == 2  # as it began, and from the move on


def test_merged_zones_count_for_their_successor_from_the_merge_date(t):
    zab = unit("t-zab", "zone", t.d2, "甲乙合并区", valid_from=ON)  # in the other district
    _carrier(zab, 5, started=dt.date(2020, 7, 10))
    t.zab = zab
    names = (*UNITS, "zab")
    before = _figures(t, BEFORE, names=names)
    assert before == _n(city=1230, d1=1200, d2=30, za=1000, zb=200, zc=30, zab=0)
    record_succession(predecessors=[t.za, t.zb], successors=[zab], on=ON, kind="merge")
    assert _figures(t, BEFORE, names=names) == before
    assert _figures(t, AFTER, names=names) == _n(
        city=1235, d1=0, d2=1235, za=0, zb=0, zc=30, zab=1205
    )
    assert Unit.objects.get(pk=t.za.pk).valid_to == BEFORE  # closed the day before


def test_a_split_zones_items_count_for_its_first_successor(t):
    za1 = unit("t-za1", "zone", t.d1, "甲一北", valid_from=ON)
    za2 = unit("t-za2", "zone", t.d2, "甲一南", valid_from=ON)
    _carrier(za2, 50, started=dt.date(2020, 7, 10))
    t.za1, t.za2 = za1, za2
    names = (*UNITS, "za1", "za2")
    before = _figures(t, BEFORE, names=names)
    assert before == _n(city=1230, d1=1200, d2=30, za=1000, zb=200, zc=30, za1=0, za2=0)
    record_succession(predecessors=[t.za], successors=[za1, za2], on=ON, kind="split")
    assert _figures(t, BEFORE, names=names) == before
    assert _figures(t, AFTER, names=names) == _n(
        city=1280, d1=1200, d2=80, za=0, zb=200, zc=30, za1=1000, za2=50
    )


def test_a_rename_keeps_the_figures_and_the_names_of_each_day(t):
    before = _figures(t, BEFORE)
    record_change(unit=t.za, on=ON, name="甲一新区", name_en="Jia One New")
    assert _figures(t, BEFORE) == before
    assert _figures(t, AFTER) == before
    assert Tree.on(BEFORE).name(t.za.pk) == "甲一"
    assert Tree.on(AFTER).name(t.za.pk) == "甲一新区"
    assert Tree.on(AFTER).name(t.za.pk, english=True) == "Jia One New"
    assert Unit.objects.get(pk=t.za.pk).name == "甲一新区"


def test_a_change_recorded_before_a_later_one_carries_into_it(t):
    record_change(unit=t.za, on=dt.date(2020, 9, 1), parent=t.d2)
    record_change(unit=t.za, on=ON, name="甲一新区")
    september = Tree.on(dt.date(2020, 9, 30))
    assert september.name(t.za.pk) == "甲一新区" and september.parent(t.za.pk) == t.d2.pk
    assert Tree.on(AFTER).parent(t.za.pk) == t.d1.pk


def test_a_zone_closed_without_a_successor_keeps_counting_where_it_stood(t):
    before = _figures(t, BEFORE)
    t.za.valid_to = BEFORE
    save_unit(t.za)
    assert _figures(t, BEFORE) == before
    after = _figures(t, AFTER)
    assert after["d1"] == Decimal(1200) and after["city"] == Decimal(1230)


def test_an_undated_edit_corrects_the_latest_version_only(t):
    record_change(unit=t.za, on=ON, parent=t.d2)
    za = Unit.objects.get(pk=t.za.pk)
    za.name = "甲一（更正）"
    save_unit(za)
    assert Tree.on(AFTER).name(t.za.pk) == "甲一（更正）"
    assert Tree.on(BEFORE).name(t.za.pk) == "甲一"


def test_reported_stocks_follow_the_tree_and_flows_carry_into_a_successor(t):
    stock = Indicator.objects.create(code="t_stock", name="存量", kind="reported", measure="count")
    flow = Indicator.objects.create(
        code="t_flow", name="流量", kind="reported", measure="money", periods="cumulative"
    )
    for indicator in (stock, flow):
        ReportedValue.objects.create(indicator=indicator, unit=t.za, period_end=BEFORE, value=100)
    record_change(unit=t.za, on=ON, parent=t.d2)
    assert _figures(t, BEFORE, stock) == _n(city=100, d1=100, d2=None, za=100, zb=None, zc=None)
    assert _figures(t, AFTER, stock) == _n(city=100, d1=None, d2=100, za=100, zb=None, zc=None)
    # Merge 甲一 into 乙一 from 1 August: its flow so far counts for 乙一, its stock does not
    # stand beside 乙一's own report.
    august = dt.date(2020, 8, 31)
    record_succession(predecessors=[t.za], successors=[t.zc], on=dt.date(2020, 8, 1), kind="merge")
    ReportedValue.objects.create(indicator=flow, unit=t.zc, period_end=august, value=7)
    ReportedValue.objects.create(indicator=stock, unit=t.zc, period_end=august, value=90)
    assert _figures(t, august, flow) == _n(city=107, d1=None, d2=107, za=None, zb=None, zc=107)
    assert _figures(t, august, stock) == _n(city=90, d1=None, d2=90, za=None, zb=None, zc=90)
