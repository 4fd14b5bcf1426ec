"""Values are stored in base units (m², yuan, count) and shown in the plan's units.

This is the one place that knows how 万平方米 relates to m²: the plan loader converts with
`to_base`, pages and documents show values with `format_quantity`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language


@dataclass(frozen=True)
class DisplayUnit:
    symbol: str  # as the plan writes it
    symbol_en: str  # English readers get plain units (m², yuan), not 万
    measure: str  # the base quantity it measures
    factor: Decimal  # base units per one of this unit
    factor_en: Decimal = Decimal(1)


MEASURES = {
    "area": ("平方米", "m²"),
    "count": ("个", "items"),
    "money": ("元", "yuan"),
    "ratio": ("", ""),
}

DISPLAY_UNITS = {
    u.symbol: u
    for u in (
        DisplayUnit("平方米", "m²", "area", Decimal(1)),
        DisplayUnit("万平方米", "m²", "area", Decimal(10_000)),
        DisplayUnit("平方公里", "km²", "area", Decimal(1_000_000), Decimal(1_000_000)),
        DisplayUnit("个", "", "count", Decimal(1)),
        DisplayUnit("栋", "buildings", "count", Decimal(1)),
        DisplayUnit("项", "", "count", Decimal(1)),
        DisplayUnit("元", "yuan", "money", Decimal(1)),
        DisplayUnit("万元", "yuan", "money", Decimal(10_000)),
        DisplayUnit("亿元", "yuan", "money", Decimal(100_000_000)),
        DisplayUnit("%", "%", "ratio", Decimal("0.01"), Decimal("0.01")),
    )
}


def to_base(value: Decimal, display_unit: str) -> Decimal:
    return value * DISPLAY_UNITS[display_unit].factor


def from_base(value: Decimal, display_unit: str) -> Decimal:
    return value / DISPLAY_UNITS[display_unit].factor


def format_number(value: Decimal, digits: int = 4) -> str:
    """Thousands separators, no trailing zeros: 1000 → '1,000', 12.50 → '12.5'."""
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
    return "0" if text in ("-0", "") else text


def format_quantity(
    value: Decimal | None, display_unit: str, *, language: str | None = None, digits: int = 4
) -> str:
    """A base-unit value as the plan writes it: 10,000,000 m² with '万平方米' → '1,000 万平方米'
    in Chinese, '10,000,000 m²' in English."""
    if value is None:
        return "—"
    unit = DISPLAY_UNITS[display_unit]
    language = language or get_language() or "zh-hans"
    if language.startswith("zh"):
        symbol, factor = unit.symbol, unit.factor
    else:
        symbol, factor = unit.symbol_en, unit.factor_en
    number = format_number(Decimal(value) / factor, digits)
    if symbol == "%":
        return f"{number}%"
    return f"{number} {symbol}".rstrip()


# The largest values a real item could have (base units): beyond them a plain number is a unit
# slip (52000 typed where 万平方米 is asked) and is refused with a hint.
FLOOR_AREA_MAX_M2 = Decimal(10_000_000)  # 1,000万 m², the whole city's 2020 sci-tech target
INVESTMENT_MAX_YUAN = Decimal(10) ** 12  # 1万亿元

# ── Reading quantities as officers write them ──
# One rule for every form, template and upload (docs/spreadsheets.md):
#  - a plain number is in the field's unit: 12.5 in a 万平方米 column is 12.5万 m²;
#  - 万 or 亿 after a number multiplies the base unit: "5.2万" is 52,000 m² in any area field
#    (so "12.5万" in a 万平方米 column is 12.5万 m², never 12.5万 × 万);
#  - a unit written in the cell wins over the field's: "52,000平方米", "5.2万平方米";
#  - anything else (another quantity's unit, an unknown unit, a value no real item could have)
#    is refused with a message, never guessed.

_UNIT_ALIASES = {
    "㎡": "平方米",
    "m²": "平方米",
    "m2": "平方米",
    "平米": "平方米",
    "km²": "平方公里",
}
_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(万|亿)?(.*)$")
_MULTIPLIER = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
MEASURE_NAMES = {"area": "面积", "count": "个数", "money": "金额", "ratio": "比例"}


_NUMBERS = (Decimal, int, float)
_NO_REAL_VALUE = Decimal(10) ** 15  # beyond any field's digits


class QuantityError(ValueError):
    """A quantity that cannot be read; `str(error)` is the message for the officer."""


def _clean(value) -> str:
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).replace(",", "")


def parse_quantity(
    value, display_unit: str, *, allow_negative: bool = False, max_base: Decimal | None = None
) -> Decimal:
    """`value` (a number, or text as typed) in base units, read in a field of `display_unit`."""
    unit = DISPLAY_UNITS[display_unit]
    if value.__class__ is float:  # a number cell, the common case of an upload
        number, shown = Decimal(repr(value)), value
        base = number * unit.factor
    elif isinstance(value, bool):
        raise QuantityError("应为数字")
    elif isinstance(value, _NUMBERS):
        number, shown = Decimal(repr(value)) if isinstance(value, float) else Decimal(value), value
        base = number * unit.factor
    else:
        shown = unicodedata.normalize("NFKC", str(value)).strip()
        match = _QUANTITY.match(_clean(value))
        if not match:
            raise QuantityError(f"“{shown}”不是数字")
        digits, multiplier, written = match.groups()
        try:
            number = Decimal(digits)
        except InvalidOperation:
            raise QuantityError(f"“{shown}”不是数字") from None
        written = _UNIT_ALIASES.get(written, written)
        if written == "%" and multiplier:
            raise QuantityError(f"“{shown}”：比例不能用“{multiplier}”")
        if written == "%" and unit.measure == "ratio":
            base = number * Decimal("0.01")
        elif written:
            if multiplier and written in DISPLAY_UNITS and DISPLAY_UNITS[written].factor != 1:
                raise QuantityError(f"“{shown}”的单位不明确：请写成如 5.2万平方米 或 52000平方米")
            other = DISPLAY_UNITS.get(written)
            if other is None:
                same = "、".join(s for s, u in DISPLAY_UNITS.items() if u.measure == unit.measure)
                raise QuantityError(f"“{shown}”的单位“{written}”无法识别（可写：{same}）")
            if other.measure != unit.measure:
                raise QuantityError(
                    f"“{shown}”是{MEASURE_NAMES[other.measure]}，本栏填写"
                    f"{MEASURE_NAMES[unit.measure]}（{display_unit}）"
                )
            base = number * _MULTIPLIER.get(multiplier, Decimal(1)) * other.factor
        elif multiplier:
            if unit.measure == "ratio":
                raise QuantityError(f"“{shown}”：比例不能用“{multiplier}”")
            base = number * _MULTIPLIER[multiplier]
        else:
            base = number * unit.factor
    if not base.is_finite():
        raise QuantityError("应为有限的数字")
    if base < 0 and not allow_negative:
        raise QuantityError(f"不能为负数（{shown}）")
    limit = max_base if max_base is not None else _NO_REAL_VALUE
    if abs(base) > limit:
        hint = ""
        if (
            isinstance(value, str)
            and not _QUANTITY.match(_clean(value)).group(2)
            and unit.factor > 1
        ):
            base_symbol = MEASURES[unit.measure][0]
            hint = f"；如填的是{base_symbol}，请写“{shown}{base_symbol}”"
        raise QuantityError(
            f"数值过大：“{shown}”按{display_unit}即 {format_number(base)} {MEASURES[unit.measure][0]}"
            f"（上限 {format_number(from_base(limit, display_unit))} {display_unit}）{hint}"
        )
    return base
