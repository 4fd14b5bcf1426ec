"""Writing spreadsheets: the template, the error report and exports (openpyxl).

Exports and error reports stream rows (openpyxl's write-only mode), so memory stays flat
however many rows there are. A text cell beginning with = + - @ (or a tab or carriage
return) would run as a formula in Excel: exports prefix it with an apostrophe (OWASP's advice
for CSV/formula injection); the error report keeps the officer's own text but stores it as
text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.quantities import DISPLAY_UNITS

from .spec import Column, HeaderMap, RowResult

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
BOLD = Font(bold=True)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
AUTHOR = "Zoneplan"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text that Excel would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _as_text_cell(ws, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _header_cells(ws, columns: list[Column]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.template_header)
        cell.font = REQUIRED_FONT if column.required else BOLD
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def display_value(column: Column, value):
    """A stored value as the spreadsheet shows it: base units back to the column's unit,
    choices as their Chinese label."""
    if value is None:
        return None
    if column.kind == "decimal":
        number = (
            Decimal(value) / DISPLAY_UNITS[column.unit].factor if column.unit else Decimal(value)
        )
        return float(number.normalize()) if number != number.to_integral_value() else int(number)
    if column.kind == "choice":
        return dict(column.choices).get(value, value)
    if column.kind == "multichoice":
        labels = dict(column.choices)
        return "、".join(labels.get(v, v) for v in value) or None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def export_workbook(
    columns: list[Column], rows: Iterable[dict], *, sheet: str, note: str = ""
) -> bytes:
    """`rows` yields dicts keyed by column key with stored values."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(
            12, len(column.template_header) * 2 + 2
        )
    ws.append(_header_cells(ws, columns))
    for row in rows:
        ws.append([_export_cell(ws, column, row.get(column.key)) for column in columns])
    if note:
        info = wb.create_sheet("说明")
        info.append([note])
    return _save(wb)


def _export_cell(ws, column: Column, value):
    shown = neutralise(display_value(column, value))
    cell = WriteOnlyCell(ws, value=shown)
    if isinstance(shown, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def error_workbook(
    table_rows: list[list], header: HeaderMap, results: list[RowResult], columns: list[Column]
) -> bytes:
    """The officer's rows back, each bad cell filled red with a comment saying what is wrong,
    and an added last column that sums up each row's problems."""
    by_number = {r.number: r for r in results}
    width = max((len(r) for r in table_rows), default=0)
    note_col = width
    labels = {c.key: c.template_header for c in columns}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据（含错误标注）")
    for index, cells in enumerate(table_rows):
        number = index + 1
        out = [_as_text_cell(ws, v if v != "" else None) for v in cells] + [None] * (
            width - len(cells)
        )
        out = [c if c is not None else WriteOnlyCell(ws, value=None) for c in out]
        result = by_number.get(number)
        summary = None
        if index == header.row_index:
            summary = WriteOnlyCell(ws, value="错误说明")
            summary.font = REQUIRED_FONT
        elif result is not None and not result.ok:
            for key, message in result.errors.items():
                position = header.positions[key]
                cell = out[position]
                cell.fill = ERROR_FILL
                cell.comment = Comment(message, AUTHOR, width=300, height=80)
            for key in {k for k, _ in result.row_errors if k}:
                position = header.positions.get(key)
                if position is not None:
                    out[position].fill = ERROR_FILL
                    out[position].comment = Comment(
                        "；".join(m for k, m in result.row_errors if k == key),
                        AUTHOR,
                        width=300,
                        height=80,
                    )
            parts = [f"{labels[k]}：{m}" for k, m in result.errors.items()]
            parts += [f"{labels[k]}：{m}" if k else m for k, m in result.row_errors]
            summary = WriteOnlyCell(ws, value="；".join(parts))
            summary.fill = ERROR_FILL
        ws.append([*out[:note_col], summary])
    return _save(wb)


def template_workbook(
    columns: list[Column],
    *,
    sheet: str,
    title: str,
    lists: dict[str, list[str]],
    instructions: list[str],
    examples: list[dict] | None = None,
) -> bytes:
    """The blank form: headers with units (required in red), drop-downs for choices and
    lookups, and an instructions sheet. `lists` gives each lookup's allowed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    options = wb.create_sheet("选项")
    options.sheet_state = "hidden"
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.template_header)
        cell.font = REQUIRED_FONT if column.required else BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.help:
            cell.comment = Comment(column.help, AUTHOR, width=300, height=100)
        ws.column_dimensions[get_column_letter(index)].width = max(
            14, len(column.template_header) * 2 + 2
        )
        values = (
            [label for _code, label in column.choices]
            if column.kind == "choice"
            else lists.get(column.lookup, [])
        )
        if values:
            letter = get_column_letter(index)
            for row, value in enumerate(values, start=1):
                options.cell(row=row, column=index, value=value)
            validation = DataValidation(
                type="list",
                formula1=f"=选项!${letter}$1:${letter}${len(values)}",
                allow_blank=not column.required,
            )
            validation.error = "请从下拉列表中选择"
            validation.errorTitle = column.header
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
        if column.kind == "date":
            for row in range(2, 202):
                ws.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    for row, example in enumerate(examples or [], start=2):
        for index, column in enumerate(columns, start=1):
            ws.cell(row=row, column=index, value=display_value(column, example.get(column.key)))
    info = wb.create_sheet("填写说明")
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 10
    info.column_dimensions["C"].width = 80
    info.append([title])
    info["A1"].font = Font(bold=True, size=14)
    for line in instructions:
        info.append([line])
    info.append([])
    info.append(["列名", "是否必填", "说明"])
    for cell in info[info.max_row]:
        cell.font = BOLD
    for column in columns:
        info.append([column.template_header, "必填" if column.required else "选填", column.help])
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
