"""Roll-up rules, by hand, at every level of a small tree of its own:

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)

Each reported value is entered on one unit; the figure for a unit follows the indicator's
rule and never adds a unit's own value to its children's (docs/progress.md)."""

import datetime as dt
from decimal import Decimal

import pytest

from carriers.models import Carrier
from plans.models import Indicator, ReportedValue, Section, Target
from plans.progress import Engine, Status, progress
from plans.tests.trees import small_tree

DAY = dt.date(2020, 9, 30)


@pytest.fixture
def t(db):
    return small_tree()


def _indicator(code, **fields):
    fields = {"kind": "reported", "measure": "money"} | fields
    return Indicator.objects.create(code=code, name=code, **fields)


def _report(indicator, unit, value, period_end=dt.date(2020, 6, 30)):
    ReportedValue.objects.create(
        indicator=indicator, unit=unit, period_end=period_end, value=Decimal(value)
    )


def _figures(t, indicator, day=DAY):
    engine = Engine(t.plan)
    return {
        name: engine.indicator_value(indicator, getattr(t, name).pk, day)
        for name in ("city", "d1", "d2", "za", "zb", "zc")
    }


def test_a_sum_counts_the_reporting_level_and_never_the_units_own_value_on_top(t):
    # The issue's case: the city's own 4,100亿 and its districts' 520 and 180 showed 4,800.
    gdp = _indicator("t_gdp", level="district")
    for unit, value in ((t.city, 4100), (t.d1, 520), (t.d2, 180), (t.za, 99)):
        _report(gdp, unit, value)
    assert _figures(t, gdp) == {
        "city": Decimal(700),  # 520 + 180: districts report it; the city's own row is not added
        "d1": Decimal(520),
        "d2": Decimal(180),
        "za": None,  # a zone is below the reporting level: nothing to show
        "zb": None,
        "zc": None,
    }


def test_a_zone_level_sum_adds_the_zones_at_every_level(t):
    invest = _indicator("t_invest")  # reported by zones (the default level)
    for unit, value in ((t.za, 100), (t.zb, 50), (t.zc, 7), (t.d1, 1000), (t.city, 5000)):
        _report(invest, unit, value)
    assert _figures(t, invest) == {
        "city": Decimal(157),
        "d1": Decimal(150),
        "d2": Decimal(7),
        "za": Decimal(100),
        "zb": Decimal(50),
        "zc": Decimal(7),
    }


def test_the_own_rule_reads_only_the_units_own_value(t):
    gdp = _indicator("t_gdp_own", rollup="own")
    for unit, value in ((t.city, 4100), (t.d1, 520), (t.d2, 180), (t.za, 99)):
        _report(gdp, unit, value)
    assert _figures(t, gdp) == {
        "city": Decimal(4100),
        "d1": Decimal(520),
        "d2": Decimal(180),
        "za": Decimal(99),
        "zb": None,
        "zc": None,
    }


def test_a_ratio_divides_summed_numerators_by_summed_denominators(t):
    # Three ratios 3.6%, 3.2% and 2.0% once showed as 8.8%. R&D spend over revenue:
    rd = _indicator("t_rd")
    revenue = _indicator("t_revenue")
    share = _indicator(
        "t_rd_share", measure="ratio", rollup="ratio", numerator=rd, denominator=revenue
    )
    for unit, spend in ((t.za, 36), (t.zb, 32), (t.zc, 20)):
        _report(rd, unit, spend)
        _report(revenue, unit, 1000)
    assert _figures(t, share) == {
        "city": Decimal(88) / Decimal(3000),  # 2.933…%, not 8.8%
        "d1": Decimal(68) / Decimal(2000),  # 3.4%
        "d2": Decimal("0.02"),
        "za": Decimal("0.036"),
        "zb": Decimal("0.032"),
        "zc": Decimal("0.02"),
    }


def test_a_ratio_with_no_denominator_has_no_value(t):
    rd, revenue = _indicator("t_rd2"), _indicator("t_rev2")
    share = _indicator(
        "t_share2", measure="ratio", rollup="ratio", numerator=rd, denominator=revenue
    )
    _report(rd, t.za, 10)
    _report(revenue, t.za, 0)
    assert _figures(t, share)["za"] is None
    assert _figures(t, share)["city"] is None


def test_latest_takes_each_units_last_period_and_cumulative_adds_the_plans_periods(t):
    stock = _indicator("t_stock")
    flow = _indicator("t_flow", periods="cumulative")
    for ind in (stock, flow):
        _report(ind, t.za, 400, dt.date(2019, 12, 31))  # before the plan: a flow ignores it
        _report(ind, t.za, 10, dt.date(2020, 1, 31))
        _report(ind, t.za, 20, dt.date(2020, 2, 29))
        _report(ind, t.za, 30, dt.date(2020, 3, 31))
        _report(ind, t.zc, 5, dt.date(2020, 2, 29))
    march, february = dt.date(2020, 3, 31), dt.date(2020, 2, 29)
    assert _figures(t, stock, march) | {} == {
        "city": Decimal(35),  # 30 + 5
        "d1": Decimal(30),
        "d2": Decimal(5),
        "za": Decimal(30),
        "zb": None,
        "zc": Decimal(5),
    }
    assert _figures(t, flow, march) == {
        "city": Decimal(65),  # 10 + 20 + 30 + 5
        "d1": Decimal(60),
        "d2": Decimal(5),
        "za": Decimal(60),
        "zb": None,
        "zc": Decimal(5),
    }
    assert _figures(t, flow, february)["za"] == Decimal(30)
    assert _figures(t, stock, february)["za"] == Decimal(20)


def test_a_derived_ratio_and_a_derived_own_value(t):
    area = Indicator.objects.get(code="scitech_space_floor_area")
    factories = Indicator.objects.get(code="standard_factory_floor_area")
    share = Indicator.objects.create(
        code="t_scitech_per_factory",
        name="比",
        kind="derived",
        measure="ratio",
        rollup="ratio",
        numerator=area,
        denominator=factories,
    )
    started = dt.date(2020, 3, 1)
    for zone, kind, m2 in (
        (t.za, "scitech_space", 3000),
        (t.za, "standard_factory", 1000),
        (t.zb, "scitech_space", 1000),
        (t.zb, "standard_factory", 3000),
        (t.zc, "standard_factory", 500),
    ):
        Carrier.objects.create(
            zone=zone, kind=kind, name=f"{zone.code}-{kind}", floor_area_m2=m2, actual_start=started
        )
    figures = _figures(t, share)
    assert figures["city"] == Decimal(4000) / Decimal(4500)
    assert figures["d1"] == Decimal(1)  # 4,000 / 4,000
    assert figures["d2"] == Decimal(0)  # no sci-tech space over 500 m² of factories
    assert figures["za"] == Decimal(3)
    assert figures["zb"] == Decimal(1) / Decimal(3)


def test_a_target_on_a_ratio_is_met_by_the_combined_ratio_not_the_sum(t):
    rd, revenue = _indicator("t_rd3"), _indicator("t_rev3")
    share = _indicator(
        "t_share3", measure="ratio", rollup="ratio", numerator=rd, denominator=revenue
    )
    for unit, spend in ((t.za, 36), (t.zb, 32), (t.zc, 20)):
        _report(rd, unit, spend)
        _report(revenue, unit, 1000)
    target = Target.objects.create(
        plan=t.plan,
        section=Section.objects.get(plan=t.plan, code="projects"),
        code="t-share",
        title="研发投入强度不低于3%",
        unit=t.city,
        indicator=share,
        comparator="gte",
        value=Decimal("0.03"),
        display_unit="%",
        deadline=dt.date(2020, 12, 31),
        clause="c",
    )
    result = progress(target, day=dt.date(2020, 12, 31))
    assert result.value == Decimal(88) / Decimal(3000)
    assert result.status == Status.MISSED  # 2.93% < 3%: summed it read 8.8% and "met"
