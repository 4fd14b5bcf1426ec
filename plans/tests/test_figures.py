"""The zone figures (plans.figures): progress reads per-zone values kept in a table, and a
write brings up to date the zones it touched, only those, in every later read.

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)
"""

import datetime as dt
import random
import secrets
from decimal import Decimal

import pytest

from carriers.models import Carrier, TechPlatform
from core import bulk
from plans import commitments, figures
from plans.models import Indicator, ReportedValue, ZoneFigures
from plans.progress import Engine
from plans.tests.trees import small_tree

DAY = dt.date(2020, 9, 30)


@pytest.fixture
def t(db):
    return small_tree()


def _area(t, unit, day=DAY) -> Decimal:
    indicator = Indicator.objects.get(code="scitech_space_floor_area")
    return Engine(t.plan).indicator_value(indicator, unit.pk, day)


def _space(zone, name, area, start=dt.date(2020, 3, 1)) -> Carrier:
    return Carrier.objects.create(
        zone=zone, kind="scitech_space", name=name, floor_area_m2=area, actual_start=start
    )


def _stored_area_set() -> ZoneFigures:
    return ZoneFigures.objects.get(key__startswith="measure:scitech_space_floor_area:by_zone|")


def _tamper(row: ZoneFigures, zone, value: str) -> None:
    """Write a wrong stored value for a zone: a zone computed again shows the truth, one read
    from the table shows the wrong value."""
    row.values[str(zone.pk)] = value
    row.token = secrets.token_hex(8)  # as a store by another process would: read, not remembered
    row.save()


def test_a_figure_is_stored_once_and_read_back_by_later_requests(t):
    _space(t.za, "甲一空间", 30_000)
    _space(t.zc, "乙一空间", 5_000)
    assert _area(t, t.city) == 35_000
    row = _stored_area_set()
    stored = (Decimal(row.values[str(t.za.pk)]), Decimal(row.values[str(t.zc.pk)]))
    assert stored == (30_000, 5_000)
    assert str(t.zb.pk) not in row.values  # a zone without data holds no value
    _tamper(row, t.zc, "7000")
    # Nothing was written since: the next request reads the table, not the registry.
    assert _area(t, t.city) == 37_000


def test_a_save_brings_up_to_date_only_the_zone_it_touched(t):
    first = _space(t.za, "甲一空间", 30_000)
    _space(t.zc, "乙一空间", 5_000)
    assert (_area(t, t.d1), _area(t, t.d2)) == (30_000, 5_000)
    _tamper(_stored_area_set(), t.zc, "7000")
    first.floor_area_m2 = Decimal(40_000)
    first.save()
    # 甲一 was computed again from the registry; 乙一 was not touched, so read from the table.
    assert (_area(t, t.d1), _area(t, t.d2), _area(t, t.city)) == (40_000, 7_000, 47_000)


def test_a_carrier_moved_to_another_zone_leaves_the_old_zone_and_counts_in_the_new(t):
    moved = _space(t.za, "空间", 30_000)
    _space(t.zb, "甲二空间", 1_000)
    assert (_area(t, t.d1), _area(t, t.d2), _area(t, t.city)) == (31_000, 0, 31_000)
    moved.zone = t.zc
    moved.save()
    assert (_area(t, t.za), _area(t, t.d1), _area(t, t.d2), _area(t, t.city)) == (
        0,
        1_000,
        30_000,
        31_000,
    )


def test_a_deleted_carrier_no_longer_counts(t):
    gone = _space(t.za, "空间", 30_000)
    _space(t.za, "留下的空间", 2_000)
    assert _area(t, t.city) == 32_000
    gone.delete()
    assert (_area(t, t.za), _area(t, t.city)) == (2_000, 2_000)


def test_a_bulk_write_computes_the_whole_set_again(t):
    _space(t.za, "甲一空间", 30_000)
    _space(t.zc, "乙一空间", 5_000)
    assert _area(t, t.city) == 35_000
    _tamper(_stored_area_set(), t.zc, "7000")
    bulk.insert_rows(
        Carrier,
        [{"zone_id": t.zb.pk, "kind": "scitech_space", "name": "批量", "floor_area_m2": 500,
          "actual_start": dt.date(2020, 1, 2)}],
        constants={"updated_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    )  # fmt: skip
    # Its zones are not known, so every zone is computed again: the wrong 7,000 is gone.
    assert (_area(t, t.d1), _area(t, t.d2), _area(t, t.city)) == (30_500, 5_000, 35_500)


def test_each_day_keeps_its_own_set(t):
    _space(t.za, "早", 10_000, start=dt.date(2020, 2, 1))
    _space(t.za, "晚", 20_000, start=dt.date(2020, 8, 1))
    assert (_area(t, t.city, dt.date(2020, 6, 30)), _area(t, t.city)) == (10_000, 30_000)
    assert ZoneFigures.objects.filter(key__startswith="measure:scitech_space").count() == 2
    _space(t.zc, "中", 1_000, start=dt.date(2020, 5, 1))
    assert (_area(t, t.city, dt.date(2020, 6, 30)), _area(t, t.city)) == (11_000, 31_000)


def test_a_reported_value_changed_is_read_again(t):
    indicator = Indicator.objects.create(
        code="t_gdp", name="地区生产总值", kind="reported", measure="sum", level="zone"
    )
    value = ReportedValue.objects.create(
        indicator=indicator, unit=t.za, period_end=dt.date(2020, 6, 30), value=100
    )
    ReportedValue.objects.create(
        indicator=indicator, unit=t.zc, period_end=dt.date(2020, 6, 30), value=50
    )
    engine = Engine(t.plan)
    assert engine.indicator_value(indicator, t.city.pk, DAY) == 150
    value.value = Decimal(120)
    value.save()
    assert Engine(t.plan).indicator_value(indicator, t.city.pk, DAY) == 170


def test_a_rule_tally_follows_a_new_platform(t):
    space = _space(t.za, "空间", 30_000)
    _space(t.zc, "乙一空间", 5_000)

    def hosting(unit):
        found = commitments.get("scitech_platforms").evaluate(Engine(t.plan), unit.pk, DAY)
        return found.done, found.of

    assert (hosting(t.city), hosting(t.d1)) == ((0, 2), (0, 1))
    TechPlatform.objects.create(carrier=space, name="平台", opened_on=dt.date(2020, 4, 1))
    assert (hosting(t.city), hosting(t.d1), hosting(t.d2)) == ((1, 2), (1, 1), (0, 1))


def test_after_any_sequence_of_writes_the_table_agrees_with_a_fresh_computation(t):
    rng = random.Random(11)  # noqa: S311 - a reproducible sequence of edits
    zones = [t.za, t.zb, t.zc]
    carriers: list[Carrier] = []
    for step in range(40):
        action = rng.choice(["add", "add", "change", "move", "delete"])
        if action == "add" or not carriers:
            carriers.append(
                _space(rng.choice(zones), f"空间{step}", rng.randint(1, 90) * 1000,
                       start=dt.date(2020, rng.randint(1, 12), 1))
            )  # fmt: skip
        elif action == "change":
            carrier = rng.choice(carriers)
            carrier.floor_area_m2 = Decimal(rng.randint(1, 90) * 1000)
            carrier.save()
        elif action == "move":
            carrier = rng.choice(carriers)
            carrier.zone = rng.choice(zones)
            carrier.save()
        else:
            carriers.pop(rng.randrange(len(carriers))).delete()
        kept = [_area(t, unit) for unit in (t.za, t.zb, t.zc, t.d1, t.d2, t.city)]
        by_hand = [
            sum(
                (c.floor_area_m2 for c in Carrier.objects.filter(zone__in=unit_zones)
                 if c.actual_start <= DAY),
                Decimal(0),
            )
            for unit_zones in ([t.za], [t.zb], [t.zc], [t.za, t.zb], [t.zc], zones)
        ]  # fmt: skip
        assert kept == by_hand, f"after step {step} ({action})"
    figures.forget()
    assert [_area(t, unit) for unit in (t.d1, t.d2, t.city)] == by_hand[3:]


def test_the_late_items_shown_are_the_longest_late_under_the_unit_and_follow_writes(t):
    from plans import measures
    from plans.models import Target

    indicator = Indicator.objects.get(code="scitech_space_floor_area")
    measure = measures.get(indicator.code)
    late = [
        Carrier.objects.create(
            zone=zone, kind="scitech_space", name=f"迟{i:02d}", floor_area_m2=1000,
            planned_start=dt.date(2020, 1, 1) + dt.timedelta(days=10 * i),
        )
        for i, zone in enumerate([t.za, t.zc] * 6)
    ]  # fmt: skip

    def shown(unit):
        target = Target(indicator=indicator, unit=unit)
        found = Engine(t.plan).drivers(target, measure, DAY, dt.date(2020, 12, 31))
        return [d["name"] for d in found]

    # Twelve late starts, six in each district: the city shows the ten longest late.
    assert shown(t.city) == [f"迟{i:02d}" for i in range(10)]
    assert shown(t.d2) == [f"迟{i:02d}" for i in range(1, 12, 2)]
    late[0].actual_start = dt.date(2020, 2, 1)  # started: no longer late
    late[0].save()
    assert shown(t.city) == [f"迟{i:02d}" for i in range(1, 11)]
    assert shown(t.d1) == [f"迟{i:02d}" for i in range(2, 12, 2)]


def test_the_tree_a_process_keeps_follows_a_move_and_units_added_in_bulk(t):
    from territory.models import Unit
    from territory.services import record_change

    _space(t.za, "甲一空间", 30_000)
    assert (_area(t, t.d1), _area(t, t.d2)) == (30_000, 0)
    record_change(unit=t.za, on=dt.date(2020, 7, 1), parent=t.d2)
    # The tree kept for the day is built again: 甲一 counts for 乙区 from the move on.
    assert (_area(t, t.d1), _area(t, t.d2)) == (0, 30_000)
    assert (_area(t, t.d1, dt.date(2020, 6, 30)), _area(t, t.d2, dt.date(2020, 6, 30))) == (
        30_000,
        0,
    )
    # A unit inserted in bulk sends no signal; the tree's version still sees it.
    Unit.objects.bulk_create(
        [Unit(code="t-zd", kind="zone", name="甲三", parent=t.d1, path=f"{t.d1.path}x/")]
    )
    zd = Unit.objects.get(code="t-zd")
    _space(zd, "甲三空间", 2_000)
    assert (_area(t, t.d1), _area(t, t.city)) == (2_000, 32_000)
