"""Values are stored in base units (m², yuan, count) and shown in the plan's units.

This is the one place that knows how 万平方米 relates to m²: the plan loader converts with
`to_base`, pages and documents show values with `format_quantity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
