"""Columns of a registry's spreadsheet and the engine that reads rows against them.

A registry declares its columns once; the same declaration makes the template (headers, units,
drop-downs, instructions), reads uploads, and writes exports, so the three never disagree.
The engine knows nothing of users or scoping: the registry passes in what the user may touch
(e.g. the zones an officer may write to) as lookups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from core.quantities import DISPLAY_UNITS

from .cells import CellError, parse_amount, parse_choice, parse_date, parse_decimal, parse_text

HEADER_SCAN_ROWS = 20
_SEPARATORS = re.compile(r"[、,，;；/|\n]+")
_UNIT_IN_HEADER = re.compile(r"^(.*?)[(（]([^()（）]*)[)）]$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese, as the template writes it (without the unit)
    header_en: str
    kind: str  # text | decimal | date | choice | multichoice | lookup
    required: bool = False
    unit: str = ""  # the display unit the template uses (万平方米); the header may name another
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()  # (code, Chinese label)
    lookup: str = ""  # name of a lookup the registry provides (e.g. "zone")
    aliases: tuple[str, ...] = ()
    help: str = ""  # one line for the instructions sheet
    # The largest value a real item could have, in base units: a plain number beyond it is a
    # unit slip (52000 typed in a 万平方米 column) and is refused with a hint, never stored.
    max_base: Decimal | None = None

    @property
    def template_header(self) -> str:
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    def choice_map(self) -> dict[str, str]:
        mapping = {label: code for code, label in self.choices}
        mapping.update({code: code for code, _ in self.choices})
        return mapping


def zone_column(
    help: str = "填写功能区全称或代码，须在您的权限范围内。", *, required: bool = True
) -> Column:
    """The zone column of a zone registry's sheet: the zone's full name or code, looked up
    within the officer's scope."""
    return Column(
        "zone",
        "所在功能区",
        "Zone",
        "lookup",
        required=required,
        lookup="zone",
        aliases=("功能区",),
        help=help,
    )


def _norm_header(text) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).lower()


def split_header(text) -> tuple[str, str]:
    """'建筑面积（万平方米）' → ('建筑面积', '万平方米')."""
    norm = unicodedata.normalize("NFKC", str(text or "")).strip()
    match = _UNIT_IN_HEADER.match(norm)
    if match:
        return _norm_header(match.group(1)), match.group(2).strip()
    return _norm_header(norm), ""


@dataclass(slots=True)
class RowResult:
    number: int  # the Excel row number (1-based)
    cells: list  # the raw cells, for the error report
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # column key → message
    row_errors: list = field(default_factory=list)
    action: str = ""  # create | update | unchanged
    changes: dict = field(default_factory=dict)
    key: tuple | None = None  # the registry's natural key, once the row is valid

    @property
    def ok(self) -> bool:
        return not self.errors and not self.row_errors


@dataclass
class HeaderMap:
    row_index: int  # 0-based index of the header row in the table
    positions: dict  # column key → 0-based cell index
    units: dict  # column key → the display unit its header names (or the column's own)


class HeaderError(Exception):
    pass


def find_header(rows: list[list], columns: list[Column]) -> HeaderMap:
    """The header is the row, among the first 20, that names the most columns; title rows
    (merged or not) above it are skipped."""
    wanted = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            wanted[_norm_header(name)] = column
    best: tuple[int, int, dict, dict] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        positions, units, problems = {}, {}, []
        for cell_index, cell in enumerate(row):
            name, unit = split_header(cell)
            column = wanted.get(name)
            if column is None or column.key in positions:
                continue
            positions[column.key] = cell_index
            if column.kind == "decimal" and column.unit:
                unit = unit or column.unit
                expected = DISPLAY_UNITS[column.unit].measure
                if unit not in DISPLAY_UNITS or DISPLAY_UNITS[unit].measure != expected:
                    problems.append(
                        f"“{cell}”的单位应为{'、'.join(u for u, d in DISPLAY_UNITS.items() if d.measure == expected)}之一"
                    )
                    continue
                units[column.key] = unit
        if positions and (best is None or len(positions) > len(best[1])):
            best = (index, positions, units, problems)
    if best is None:
        headers = "、".join(c.template_header for c in columns if c.required)
        raise HeaderError(
            f"找不到表头行：前 {HEADER_SCAN_ROWS} 行中没有“{headers}”等列名。请使用下载的模板"
        )
    index, positions, units, problems = best
    if problems:
        raise HeaderError("；".join(problems))
    missing = [c.template_header for c in columns if c.required and c.key not in positions]
    if missing:
        raise HeaderError(f"第 {index + 1} 行的表头缺少必填列：{'、'.join(missing)}")
    return HeaderMap(index, positions, units)


MEMO_SIZE = 4096  # distinct values remembered per column
_MISSING = object()


def read_rows(
    rows: list[list],
    header: HeaderMap,
    columns: list[Column],
    lookups: dict[str, Callable[[str], object]],
) -> list[RowResult]:
    """Parse every data row; each bad cell gets a message, good values are typed.

    Column by column: a ledger repeats its zones, kinds, dates and units thousands of times,
    so each column remembers what its first few thousand distinct cells read as (a cell that
    could not be read is read again, to say why)."""
    by_key = {c.key: c for c in columns}
    start = header.row_index + 1
    results = [
        RowResult(number=number, cells=cells)
        for number, cells in enumerate(rows[start:], start=start + 1)
        if not _blank(cells)
    ]
    for key, position in header.positions.items():
        column = by_key[key]
        parse = _parser(column, header.units.get(key, ""), lookups)
        required = column.required
        # A list (multichoice) is not shared between rows; True must not read as a cached 1.
        memo: dict | None = {} if column.kind != "multichoice" else None
        for result in results:
            cells = result.cells
            raw = cells[position] if position < len(cells) else None
            if raw is None or (raw.__class__ is str and (not raw or raw.isspace())):
                if required:
                    result.errors[key] = "必填，不能为空"
                result.values[key] = None
                continue
            if memo is not None and raw.__class__ is not bool:
                value = memo.get(raw, _MISSING)
                if value is not _MISSING:
                    result.values[key] = value
                    continue
            try:
                value = parse(raw)
            except CellError as exc:
                result.errors[key] = str(exc)
                continue
            result.values[key] = value
            if memo is not None and raw.__class__ is not bool and len(memo) < MEMO_SIZE:
                memo[raw] = value
    return results


def _blank(cells: list) -> bool:
    """Whether a row has nothing in it (it is skipped): a data row returns at its first cell."""
    for cell in cells:
        if cell is not None and (cell.__class__ is not str or (cell and not cell.isspace())):
            return False
    return True


def _parser(column: Column, unit: str, lookups) -> Callable:
    """The parse function of one column, built once per import."""
    if column.kind == "text":
        return partial(parse_text, max_length=column.max_length)
    if column.kind == "decimal" and unit:
        return partial(parse_amount, unit=unit, max_base=column.max_base)
    if column.kind == "decimal":
        return parse_decimal
    if column.kind == "date":
        return parse_date
    if column.kind == "choice":
        return partial(parse_choice, choices=column.choice_map())
    if column.kind == "multichoice":
        mapping = column.choice_map()
        return lambda raw: [
            parse_choice(part, mapping) for part in _SEPARATORS.split(str(raw)) if part.strip()
        ]
    if column.kind == "lookup":
        find = lookups[column.lookup]
        return lambda raw: find(parse_text(raw, max_length=column.max_length))
    raise ValueError(column.kind)
