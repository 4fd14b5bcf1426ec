"""Messy spreadsheet values: accepted where the meaning is clear, refused with a Chinese
message where it is not."""

import datetime as dt
from decimal import Decimal

import pytest

from core.quantities import QuantityError, parse_quantity
from core.tabular.cells import (
    CellError,
    match_key,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_text,
)
from core.tabular.spec import Column, find_header, read_rows

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


def test_text_is_kept_as_typed_and_bounded():
    # Only the white space around it goes; full-width brackets, digits and spaces stay.
    assert parse_text("  成都\u3000科学城（１号） ", max_length=12) == "成都\u3000科学城（１号）"
    with pytest.raises(CellError, match="过长"):
        parse_text("长" * 11, max_length=10)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'+86 28", "+86 28"),
        ("'-", "-"),
        ("'@home", "@home"),
        ("'引号", "'引号"),
    ],
)
def test_the_exports_formula_guard_is_taken_off_and_nothing_else(raw, stored):
    assert parse_text(raw, max_length=50) == stored


def test_matching_folds_full_width_and_spaces_but_storing_does_not():
    assert match_key("１号楼（一期）\u3000A") == match_key("1号楼(一期) A")
    assert parse_text("１号楼（一期）", max_length=20) == "１号楼（一期）"


def test_a_choice_is_read_by_its_label_or_code():
    choices = {"科创空间": "scitech_space", "scitech_space": "scitech_space"}
    assert parse_choice(" 科创空间 ", choices) == "scitech_space"
    with pytest.raises(CellError, match="可选：科创空间"):
        parse_choice("写字楼", choices)


# ── Quantities: one rule in every field (core.quantities.parse_quantity) ──


@pytest.mark.parametrize(
    "raw", ["5.2万", "52000平方米", "52,000平方米", "5.2万平方米", "５.２万㎡"]
)
@pytest.mark.parametrize("unit", ["平方米", "万平方米"])
def test_each_way_of_writing_52000_m2_means_52000_m2_in_any_area_field(raw, unit):
    assert parse_quantity(raw, unit) == Decimal(52_000)


@pytest.mark.parametrize(
    ("raw", "unit", "base"),
    [
        ("12.5万", "万平方米", Decimal(125_000)),  # 12.5万 m², never 12.5万 × 万 m²
        ("12.5", "万平方米", Decimal(125_000)),
        (12.5, "万平方米", Decimal(125_000)),
        ("52000", "平方米", Decimal(52_000)),
        ("1.2亿", "万元", Decimal(120_000_000)),
        ("3亿元", "万元", Decimal(300_000_000)),
        ("500万元", "亿元", Decimal(5_000_000)),
        ("85%", "%", Decimal("0.85")),
    ],
)
def test_a_plain_number_is_in_the_fields_unit_and_a_written_unit_wins(raw, unit, base):
    assert parse_quantity(raw, unit) == base


@pytest.mark.parametrize(
    ("raw", "unit", "message"),
    [
        ("5000元", "万平方米", "“5000元”是金额，本栏填写面积（万平方米）"),
        ("5.2亩", "万平方米", "“5.2亩”的单位“亩”无法识别（可写：平方米、万平方米、平方公里）"),
        ("5.2万万平方米", "万平方米", "的单位不明确"),
        ("五万", "平方米", "“五万”不是数字"),
        ("5万%", "%", "比例不能用“万”"),
        ("-3", "平方米", "不能为负数（-3）"),
    ],
)
def test_what_is_not_clear_is_refused_never_guessed(raw, unit, message):
    with pytest.raises(QuantityError, match=message):
        parse_quantity(raw, unit)


def test_a_unit_slip_beyond_what_any_item_could_be_is_refused_with_a_hint():
    with pytest.raises(QuantityError) as exc:
        parse_quantity("52000", "万平方米", max_base=Decimal(10_000_000))
    assert str(exc.value) == (
        "数值过大：“52000”按万平方米即 520,000,000 平方米（上限 1,000 万平方米）；"
        "如填的是平方米，请写“52000平方米”"
    )


# ── A sheet read column by column, each column remembering its distinct cells ──

COLUMNS = [
    Column("area", "建筑面积", "Floor area", "decimal", required=True, unit="万平方米"),
    Column("kinds", "类型", "Kinds", "multichoice", choices=(("a", "甲"), ("b", "乙"))),
    Column("opened", "投用日期", "Opened on", "date"),
]


def _read(rows):
    table = [["建筑面积（万平方米）", "类型", "投用日期"], *rows]
    return read_rows(table, find_header(table, COLUMNS), COLUMNS, {})


def test_a_repeated_cell_reads_the_same_in_every_row():
    rows = _read([[12.5, "甲", "2020-6-1"]] * 3 + [["12.5", "甲、乙", 43983]])
    assert [r.values["area"] for r in rows] == [Decimal(125_000)] * 4
    assert [r.values["opened"] for r in rows] == [dt.date(2020, 6, 1)] * 4


def test_true_is_not_read_as_a_remembered_one_nor_one_as_a_refused_true():
    rows = _read([[1, None, None], [True, None, None], [1, None, None]])
    assert rows[0].values["area"] == Decimal(10_000) and rows[0].ok
    assert rows[1].errors == {"area": "应为数字"}
    first_true = _read([[True, None, None], [1, None, None]])
    assert first_true[0].errors == {"area": "应为数字"}
    assert first_true[1].values["area"] == Decimal(10_000) and first_true[1].ok


def test_every_row_with_a_bad_cell_is_told_why():
    rows = _read([["十二", None, None], ["十二", None, None], [None, None, "2020-2-30"]] * 2)
    assert [r.errors.get("area") for r in rows] == ["“十二”不是数字"] * 2 + ["必填，不能为空"] + [
        "“十二”不是数字"
    ] * 2 + ["必填，不能为空"]
    assert [r.number for r in rows if "opened" in r.errors] == [4, 7]


def test_rows_of_one_choice_list_do_not_share_it():
    first, second = _read([[1, "甲", None], [1, "甲", None]])
    first.values["kinds"].append("b")
    assert second.values["kinds"] == ["a"]
