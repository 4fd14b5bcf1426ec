"""Messy spreadsheet values: accepted where the meaning is clear, refused with a Chinese
message where it is not."""

import datetime as dt
from decimal import Decimal

import pytest

from core.tabular.cells import CellError, parse_choice, parse_date, parse_decimal, parse_text

WAN = Decimal(10_000)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12.5, Decimal("12.5")),
        (821.0, Decimal("821.0")),
        ("1,234.5", Decimal("1234.5")),
        ("１２，５００", Decimal(12_500)),
        (" 12.5 ", Decimal("12.5")),
        ("12.5万", Decimal(125_000)),
        ("1.2亿", Decimal(120_000_000)),
        ("85%", Decimal("0.85")),
        ("１２．５", Decimal("12.5")),
    ],
)
def test_numbers_as_officers_write_them_are_read(raw, expected):
    assert parse_decimal(raw) == expected


def test_a_column_in_wan_square_metres_is_stored_in_square_metres():
    assert parse_decimal("12.5", factor=WAN) == Decimal(125_000)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("约十万", "不是数字"),
        ("12.5平米", "不是数字"),
        ("-3", "不能为负数"),
        ("1e400", "不能为负数|有限|过大|不是数字"),
        ("=SUM(A1:A3)", "不是数字"),
        (True, "应为数字"),
        ("9" * 30, "数值过大"),
    ],
)
def test_text_in_a_number_cell_is_refused(raw, message):
    with pytest.raises(CellError, match=message):
        parse_decimal(raw)


@pytest.mark.parametrize(
    "raw",
    [
        dt.date(2020, 6, 1),
        dt.datetime(2020, 6, 1, 0, 0),
        43983.0,
        "43983",
        "2020-6-1",
        "2020-06-01",
        "2020/06/01",
        "2020.6.1",
        "2020年6月1日",
        "２０２０年６月１日",
        "20200601",
        "2020.6",
        "2020年6月",
    ],
)
def test_dates_as_officers_write_them_are_read(raw):
    assert parse_date(raw) == dt.date(2020, 6, 1)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2020-02-30", "日期“2020-02-30”不存在"),
        ("2021年2月29日", "不存在"),
        ("2020-13", "不存在"),
        ("明年六月", "不是可识别的日期"),
        (-5.0, "不是有效的 Excel 日期"),
        (43983.5, "不是有效的 Excel 日期"),
    ],
)
def test_a_date_that_does_not_exist_is_refused(raw, message):
    with pytest.raises(CellError, match=message):
        parse_date(raw)


def test_text_is_tidied_and_bounded():
    assert parse_text("  成都\u3000科学城 ", max_length=10) == "成都 科学城"
    with pytest.raises(CellError, match="过长"):
        parse_text("长" * 11, max_length=10)


def test_a_choice_is_read_by_its_label_or_code():
    choices = {"科创空间": "scitech_space", "scitech_space": "scitech_space"}
    assert parse_choice(" 科创空间 ", choices) == "scitech_space"
    with pytest.raises(CellError, match="可选：科创空间"):
        parse_choice("写字楼", choices)
