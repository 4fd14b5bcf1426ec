"""The submission's entry form as a workbook, and reading it back: the same indicators, the
same checks (reporting.services.save_values) as the page."""

from __future__ import annotations

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font

from core.tabular.cells import normalize_text
from core.tabular.read import UploadError, read_table
from core.tabular.report import neutralise

from .models import Submission

HEADER = ["指标代码", "指标", "计量", "数值"]
MAX_ROWS = 1_000


def form_workbook(submission: Submission) -> bytes:
    import io

    wb = Workbook()
    ws = wb.active
    ws.title = "填报"
    ws.append(
        [
            neutralise(
                f"{submission.data_set.name} · {submission.unit.name} · {submission.period_end:%Y-%m-%d}"
            )
        ]
    )
    ws.append(HEADER)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    stored = {v.indicator_id: v.value for v in submission.values.all()}
    for indicator in submission.data_set.indicators.order_by("code"):
        value = stored.get(indicator.pk)
        ws.append(
            [
                indicator.code,
                neutralise(indicator.name),
                str(indicator.get_measure_display()),
                float(value) if value is not None else None,
            ]
        )
    ws.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def values_from_workbook(data: bytes, filename: str) -> dict[str, str]:
    """Indicator code → the value as written. Raises UploadError for a file that is not the
    form (the values themselves are checked by save_values)."""
    table = read_table(
        data, filename, max_bytes=settings.ZONEPLAN_IMPORT_MAX_BYTES, max_rows=MAX_ROWS
    )
    header_at = next(
        (
            i
            for i, row in enumerate(table.rows[:10])
            if [normalize_text(c) for c in row[:4]] == HEADER
        ),
        None,
    )
    if header_at is None:
        raise UploadError("找不到表头“指标代码、指标、计量、数值”：请使用本页下载的填报表")
    values: dict[str, str] = {}
    for number, row in enumerate(table.rows[header_at + 1 :], start=header_at + 2):
        code = normalize_text(row[0]) if row else ""
        if not code:
            continue
        if code in values:
            raise UploadError(f"第 {number} 行：指标代码“{code[:40]}”重复出现")
        value = row[3] if len(row) > 3 else None
        values[code[:64]] = "" if value is None else str(value)[:100]
    return values
