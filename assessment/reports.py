"""The assessment report (.docx) and the results workbook (.xlsx): the same rows as the results
page, so a test can read both back and compare."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core.tabular.report import neutralise
from core.wordfile import new_document, to_bytes

HEADER = [
    "全市排名",
    "功能区",
    "所属区（市）县",
    "方案",
    "得分",
    "等次",
    "方案内排名",
    "排名区间（5%–95%）",
    "等次稳健",
]
SENSITIVITY = {
    "normalisation": "标准化方法",
    "imputation": "缺失值处理",
    "aggregation": "加总方法",
    "weights": "权重",
}


def rows(results) -> list[list]:
    return [
        [
            r.rank,
            r.unit.name,
            r.unit.parent.name if r.unit.parent else "",
            r.scheme_code,
            None if r.score is None else round(r.score, 1),
            r.grade,
            r.scheme_rank,
            f"{r.rank_low}–{r.rank_high}",
            "是" if r.robust else "否（需复核）",
        ]
        for r in results
    ]


def report_docx(run, results) -> bytes:
    document = new_document()
    document.add_heading(f"{run.year}年产业功能区考核结果报告", level=1)
    if run.is_demo:
        document.add_paragraph("本报告含演示数据（演示数据为生成数据，并非真实情况）。")
    fragile = sum(not r.robust for r in results)
    document.add_paragraph(
        f"参评功能区 {len(results)} 个；蒙特卡洛抽样 {run.samples} 次；"
        f"等次不稳健（需复核）的功能区 {fragile} 个。计算指纹（SHA-256）：{run.digest}。"
    )
    for code, frozen in run.inputs.get("schemes", {}).items():
        scheme = frozen["scheme"]
        document.add_heading(f"方案：{scheme['name']}（{code}）", level=2)
        for node in scheme["nodes"]:
            if node["parent"] == "index":
                document.add_paragraph(
                    f"{node['name']}：权重 {node['weight']:g}", style="List Bullet"
                )
        bands = "；".join(
            f"{g['name']}"
            + (f" ≥ {g['min_score']:g}" if g["min_score"] is not None else "")
            + (f"（至多 {g['max_share']:.0%}）" if g["max_share"] is not None else "")
            for g in scheme["grades"]
        )
        document.add_paragraph(f"等次：{bands}")
        sensitivity = run.outputs["schemes"][code].get("sensitivity", {})
        if sensitivity:
            document.add_paragraph(
                "排名对各项选择的敏感度（所解释的排名方差占比）："
                + "；".join(f"{SENSITIVITY.get(k, k)} {v:.0%}" for k, v in sensitivity.items())
            )
    document.add_heading("考核结果", level=2)
    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in rows(results):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return to_bytes(document)


def results_xlsx(run, results) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "考核结果"
    sheet.append([f"{run.year}年产业功能区考核结果"])
    if run.is_demo:
        sheet.append(["本表含演示数据（演示数据为生成数据，并非真实情况）。"])
    sheet.append(HEADER)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows(results):
        sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
