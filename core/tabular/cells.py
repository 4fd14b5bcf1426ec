"""Reading the values officers actually type into spreadsheets.

Accepted where the meaning is clear: full-width digits and punctuation (１２，５００),
thousands separators, "12.5万" and "1.2亿", percentages, Excel serial dates, and dates written
2020-6-1, 2020/06/01, 2020.6.1, 2020年6月1日 or 2020.6 (a month: its first day). Refused with a
message in the user's language where it is not: text in a number cell, a date that does not exist.
Each parser raises `CellError` with the message an officer reads next to the cell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.quantities import QuantityError, parse_quantity

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, counting its 1900 leap-year bug
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31

_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [re.compile(r"^(\d{4})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月$")]


_NUMBERS = (int, float)
_TOO_LARGE = Decimal(10) ** 15


class CellError(ValueError):
    """A value that cannot be read; `str(error)` is the message for the officer."""


def normalize_text(value) -> str:
    """Full-width to half-width (NFKC), stray spaces (including the ideographic space) gone."""
    if value.__class__ is str:
        text = value
    elif value is None:
        return ""
    elif value.__class__ is float and value.is_integer():
        text = str(int(value))  # calamine reads 821 as 821.0; an officer typed 821
    else:
        text = str(value)
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_decimal(value, *, factor: Decimal = Decimal(1), allow_negative: bool = False) -> Decimal:
    """A number in the column's unit, returned in base units (times `factor`).

    "12.5万" means 125,000 of the column's unit; "85%" means 0.85."""
    if value.__class__ is float or value.__class__ is int:
        number = Decimal(repr(value))
    elif isinstance(value, bool):
        raise CellError(_("This should be a number."))
    elif isinstance(value, _NUMBERS):
        number = Decimal(str(value))
    else:
        text = normalize_text(value).replace(",", "").replace(" ", "")
        multiplier = Decimal(1)
        if text.endswith("%"):
            text, multiplier = text[:-1], Decimal("0.01")
        elif text[-1:] in _MULTIPLIERS:
            text, multiplier = text[:-1], _MULTIPLIERS[text[-1]]
        if not _NUMBER.match(text):
            raise CellError(_("“%(value)s” is not a number.") % {"value": normalize_text(value)})
        try:
            number = Decimal(text) * multiplier
        except InvalidOperation:
            raise CellError(
                _("“%(value)s” is not a number.") % {"value": normalize_text(value)}
            ) from None
    if not number.is_finite():
        raise CellError(_("This should be a finite number."))
    if number < 0 and not allow_negative:
        raise CellError(
            _("This cannot be negative (%(value)s).") % {"value": normalize_text(value)}
        )
    result = number * factor
    if abs(result) >= _TOO_LARGE:
        raise CellError(
            _("The number is too large (%(value)s).") % {"value": normalize_text(value)}
        )
    return result


def parse_amount(value, unit: str, *, max_base: Decimal | None = None) -> Decimal:
    """A quantity in a column of display unit `unit`, in base units, by the one rule of
    core.quantities.parse_quantity ("12.5万" in a 万平方米 column is 12.5万 m²)."""
    try:
        return parse_quantity(value, unit, max_base=max_base)
    except QuantityError as exc:
        raise CellError(str(exc)) from None


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("This should be a date."))
    if isinstance(value, int | float):
        return _from_serial(value)
    text = normalize_text(value).replace(" ", "")
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _from_serial(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return _make_date(text, *(int(g) for g in match.groups()))
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            return _make_date(text, int(match.group(1)), int(match.group(2)), 1)
    raise CellError(
        _("“%(value)s” is not a date that can be read (for example 2020-06-01 or 2020年6月1日).")
        % {"value": normalize_text(value)}
    )


def _from_serial(value: float) -> dt.date:
    if not (1 <= value <= MAX_EXCEL_SERIAL) or value != int(value):
        raise CellError(_("“%(value)s” is not a valid Excel date.") % {"value": f"{value:g}"})
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


def _make_date(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("The date “%(text)s” does not exist.") % {"text": text}) from None


# What an export puts before text Excel would run as a formula (core.tabular.report.neutralise).
FORMULA_GUARD = "'"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def match_key(value) -> str:
    """The form two spellings of one name share, for matching only (never stored): full-width
    to half-width (NFKC) and spaces folded, so “１号楼（一期）” finds “1号楼(一期)”."""
    return normalize_text(value)


def parse_text(value, *, max_length: int) -> str:
    """The text as the officer typed it: full-width brackets and digits stay as they are (only
    white space around it goes), and the export's formula guard is taken off again."""
    if value is None:
        return ""
    if value.__class__ is float and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith(FORMULA_GUARD) and text[1:2] and text[1] in "".join(FORMULA_PREFIXES):
        text = text[1:]
    if len(text) > max_length:
        raise CellError(
            _("Too long (%(length)d characters, at most %(max)d).")
            % {"length": len(text), "max": max_length}
        )
    return text


def parse_choice(value, choices: dict[str, str]) -> str:
    """`choices` maps what an officer may write (label or code) to the stored code."""
    text = normalize_text(value)
    if text in choices:
        return choices[text]
    allowed = "、".join(dict.fromkeys(label for label in choices if not label.isascii()))
    raise CellError(
        _("“%(text)s” is not one of the choices (%(allowed)s).")
        % {"text": text, "allowed": allowed}
    )
