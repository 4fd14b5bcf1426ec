"""The monthly briefing (工作简报): the cockpit's figures as a Word document and a workbook.

The chart is drawn with table cells shaded in proportion (Word renders it everywhere, and it
needs no image library or fonts on the server).
"""

from __future__ import annotations

import datetime as dt
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core.quantities import DISPLAY_UNITS, format_quantity
from core.tabular.report import XLSX_CONTENT_TYPE
from core.templatetags.zoneplan import STATUS_LABELS
from core.wordfile import CONTENT_TYPE as WORD_CONTENT_TYPE
from core.wordfile import new_document, to_bytes

CONTENT_TYPES = {"docx": WORD_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}

STATUS_COLOURS = {
    "met": "2FB344",
    "on_track": "206BC4",
    "at_risk": "F59F00",
    "behind": "D63939",
    "missed": "7A1F1F",
}
BAR_CELLS = 20  # a bar is up to 20 cells, 5% each


def _label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def _shade(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def reconciliation_text(reconciliation) -> str:
    """The line after a whole's parts: how much they are set and what they leave (or exceed)."""
    target = reconciliation.whole.target
    unit = target.display_unit
    text = (
        f"{target.title}：分解为 {reconciliation.parts} 项，合计 "
        f"{format_quantity(reconciliation.allocated, unit, language='zh-hans')}，未分解 "
        f"{format_quantity(reconciliation.remainder, unit, language='zh-hans')}"
    )
    if reconciliation.over:
        text += "（注意：分解目标之和超过总目标）"
    return text


def rows_of(sections) -> list:
    return [row for s in sections for row in s.rows]


def briefing_docx(*, plan, unit, day: dt.date, sections, attention, counts, demo: bool) -> bytes:
    document = new_document()
    title = document.add_heading(f"产业功能区建设工作简报（{day.year}年{day.month}月）", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(f"{plan.title} · {unit.name} · 截至 {day.isoformat()}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if demo:
        warning = document.add_paragraph("本简报含演示数据（演示数据为生成数据，并非真实情况）。")
        warning.runs[0].font.color.rgb = RGBColor(0xC9, 0x2A, 0x2A)

    document.add_heading("一、总体情况", level=1)
    quantified = [r for r in rows_of(sections) if r.value is not None]
    ruled = [r for r in rows_of(sections) if r.value is None and r.basis]
    document.add_paragraph(
        "量化目标 {n} 项、按规则跟踪的任务 {r} 项：已达成 {met} 项，进度正常 {on} 项，存在风险 {risk} 项，"
        "进度滞后 {off} 项，未完成 {missed} 项；暂无数据来源 {nodata} 项。".format(
            n=len(quantified),
            r=len(ruled),
            met=counts.get("met", 0),
            on=counts.get("on_track", 0),
            risk=counts.get("at_risk", 0),
            off=counts.get("behind", 0),
            missed=counts.get("missed", 0),
            nodata=counts.get("no_data", 0),
        )
    )
    headline = [r for r in quantified if r.target.parent_id is None or unit.kind != "city"]
    if headline:
        document.add_heading("各目标完成比例", level=2)
        chart = document.add_table(rows=0, cols=BAR_CELLS + 2)
        chart.autofit = False
        for row in headline:
            cells = chart.add_row().cells
            cells[0].text = row.target.title
            filled = max(0, min(BAR_CELLS, round(float(row.percent or 0) / 100 * BAR_CELLS)))
            for i in range(filled):
                _shade(cells[1 + i], STATUS_COLOURS.get(row.status, "868E96"))
            cells[-1].text = f"{row.percent:.1f}%"
        for table_row in chart.rows:
            table_row.cells[0].width = Cm(6)
            for cell in table_row.cells[1:-1]:
                cell.width = Cm(0.45)
            table_row.cells[-1].width = Cm(1.6)

    document.add_heading("二、目标进展", level=1)
    for section in sections:
        rows = [r for r in section.rows if r.value is not None or r.basis]
        if not rows:
            continue
        entries = [
            (kind, item)
            for kind, item in section.entries
            if kind == "reconciliation" or item.value is not None or item.basis
        ]
        document.add_heading(section.section.title, level=2)
        table = document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ["目标任务", "单位", "当前值", "目标值", "完成比例", "状态"],
            strict=True,
        ):
            cell.text = text
            cell.paragraphs[0].runs[0].font.bold = True
        for kind, row in entries:
            if kind == "reconciliation":
                cells = table.add_row().cells
                merged = cells[0].merge(cells[5])
                merged.text = reconciliation_text(row)
                _shade(merged, "FFE3E3" if row.over else "F1F3F5")
                continue
            unit_text = row.target.display_unit
            cells = table.add_row().cells
            cells[0].text = "　" * row.level + row.target.title
            cells[1].text = row.target.unit.name
            if row.value is None:  # a commitment computed by a rule: what was counted
                cells[2].merge(cells[3]).text = row.basis
            else:
                cells[2].text = format_quantity(row.value, unit_text, language="zh-hans")
                cells[3].text = format_quantity(row.target.value, unit_text, language="zh-hans")
            cells[4].text = f"{row.percent:.1f}%" if row.percent is not None else "—"
            cells[5].text = _label(row.status)
            _shade(
                cells[5],
                {"met": "D3F9D8", "on_track": "D0EBFF", "at_risk": "FFF3BF"}.get(
                    row.status, "FFE3E3"
                ),
            )

    document.add_heading("三、需要关注", level=1)
    if not attention:
        document.add_paragraph("无存在风险、进度滞后或未完成的目标。")
    for row in attention:
        unit_text = row.target.display_unit
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{row.target.title}（{_label(row.status)}）：").bold = True
        paragraph.add_run(
            f"当前 {format_quantity(row.value, unit_text, language='zh-hans')}，"
            f"目标 {format_quantity(row.target.value, unit_text, language='zh-hans')}，"
            f"所需月进度 {format_quantity(row.pace_needed, unit_text, language='zh-hans', digits=1)}，"
            f"近三月月均 {format_quantity(row.pace_recent, unit_text, language='zh-hans', digits=1)}。"
        )
        for driver in row.drivers[:5]:
            document.add_paragraph(
                f"{driver['name']}（{driver['zone']}）：{driver['why']}", style="List Bullet 2"
            )
    return to_bytes(document)


def briefing_xlsx(*, plan, unit, day: dt.date, sections, attention, demo: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "目标进展"
    ws.append(
        [
            f"产业功能区建设工作简报（{day.year}年{day.month}月）· {unit.name} · 截至 {day.isoformat()}"
        ]
    )
    if demo:
        ws.append(["本表含演示数据（演示数据为生成数据，并非真实情况）。"])
    header = [
        "章节",
        "目标任务",
        "单位",
        "当前值",
        "目标值",
        "显示单位",
        "完成比例",
        "状态",
        "所需月进度",
        "近三月月均进度",
        "截止日预测",
        "截止日期",
        "计算依据",
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for section in sections:
        for kind, row in section.entries:
            if kind == "reconciliation":
                ws.append([section.section.title, reconciliation_text(row)])
                continue
            if row.value is None and row.basis:
                ws.append(
                    [
                        section.section.title,
                        "　" * row.level + row.target.title,
                        row.target.unit.name,
                        None,
                        None,
                        None,
                        round(float(row.percent), 1) if row.percent is not None else None,
                        _label(row.status),
                        None,
                        None,
                        None,
                        row.target.deadline or row.target.plan.ends_on,
                        row.basis,
                    ]
                )
                continue
            if row.value is None:
                continue
            factor = DISPLAY_UNITS[row.target.display_unit].factor
            ws.append(
                [
                    section.section.title,
                    "　" * row.level + row.target.title,
                    row.target.unit.name,
                    float(row.value / factor),
                    float(row.target.value / factor),
                    row.target.display_unit,
                    round(float(row.percent or 0), 1),
                    _label(row.status),
                    float(row.pace_needed / factor) if row.pace_needed is not None else None,
                    float(row.pace_recent / factor) if row.pace_recent is not None else None,
                    float(row.forecast / factor) if row.forecast is not None else None,
                    row.target.deadline,
                ]
            )
    attention_sheet = wb.create_sheet("需要关注")
    attention_sheet.append(["目标任务", "状态", "事项", "所在功能区", "原因"])
    for row in attention:
        for driver in row.drivers or [{"name": "", "zone": "", "why": ""}]:
            attention_sheet.append(
                [
                    row.target.title,
                    _label(row.status),
                    driver["name"],
                    driver["zone"],
                    driver["why"],
                ]
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
