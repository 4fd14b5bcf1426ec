"""A registry's spreadsheet to and from a file, with the engine the pages use: what a city
moving its old ledgers in runs from the command line (`export_registry`, `import_registry`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .registry_pages import VIEW
from .tabular.engine import commit_import, plan_import
from .tabular.read import read_table
from .tabular.report import export_workbook


@dataclass
class ImportResult:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    written: bool = False

    def as_dict(self) -> dict:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def export_registry(pages, *, user=None) -> tuple[bytes, int]:
    """Every row the user may see (all rows without a user) as the page's export writes it."""
    qs = pages.objects()
    if user is not None:
        qs = pages.scope(qs, user, VIEW)
    rows = [pages.export_row(obj) for obj in qs.iterator(chunk_size=2000)]
    return export_workbook(pages.spreadsheet.columns, rows, sheet=pages.title), len(rows)


def import_registry(pages, path: Path, *, user, dry_run: bool = False) -> ImportResult:
    """Check the whole file, then write every row in one transaction, or nothing: on any
    error, and with `dry_run`, nothing is written. Raises UploadError for a file that cannot
    be read at all."""
    data = path.read_bytes()
    table = read_table(
        data,
        path.name,
        max_bytes=settings.ZONEPLAN_IMPORT_MAX_BYTES,
        max_rows=settings.ZONEPLAN_IMPORT_MAX_ROWS,
    )
    registry = pages.spreadsheet
    plan = plan_import(registry, table, user=user)
    result = ImportResult()
    if plan.error:
        result.errors.append({"row": None, "column": None, "message": plan.error})
        return result
    result.errors = [
        {"row": number, "column": column or None, "message": message}
        for number, column, message in plan.problems()
    ]

    counts = plan.counts
    result.new, result.changed, result.unchanged = (
        counts["create"],
        counts["update"],
        counts["unchanged"],
    )
    if result.errors or dry_run:
        return result
    commit_import(registry, plan, user=user, reason=f"导入 {path.name}（命令行）")
    result.written = True
    return result
