from decimal import Decimal

from core.quantities import format_quantity, from_base, to_base


def test_plan_units_convert_to_base_units_and_back():
    assert to_base(Decimal(1000), "万平方米") == Decimal(10_000_000)
    assert to_base(Decimal("1.5"), "亿元") == Decimal(150_000_000)
    assert from_base(Decimal(1_000_000), "平方公里") == Decimal(1)


def test_values_show_in_the_plans_units_with_separators():
    assert format_quantity(Decimal(10_000_000), "万平方米", language="zh-hans") == "1,000 万平方米"
    assert format_quantity(Decimal(125_000), "万平方米", language="zh-hans") == "12.5 万平方米"
    assert format_quantity(Decimal(270), "个", language="zh-hans") == "270 个"
    assert format_quantity(Decimal(10_000_000), "万平方米", language="en") == "10,000,000 m²"
    assert format_quantity(Decimal(270), "个", language="en") == "270"
    assert format_quantity(None, "个") == "—"


def test_a_share_shows_as_a_percentage():
    assert format_quantity(Decimal("0.83"), "%", language="zh-hans") == "83%"


def test_a_pace_can_be_shown_with_fewer_decimals():
    assert (
        format_quantity(Decimal("112155.5707"), "平方米", language="zh-hans", digits=1)
        == "112,155.6 平方米"
    )
    assert (
        format_quantity(Decimal("112155.5707"), "万平方米", language="zh-hans", digits=1)
        == "11.2 万平方米"
    )
