"""Reading and checking plan files (the format is in docs/plan-file-format.md).

`read_plan_files(paths)` returns a `Bundle` of checked records, or raises `PlanFileError`
listing every problem with its file, line and key. Nothing here writes to the database;
`plans.services.load_plan_files` does, only after this has found no problem.

- `reader`: limits, safe YAML with lines, the item reader (shared with assessment.schemes);
- `items`: each item of a file read and checked on its own;
- `resolver`: references across files and the database.
"""

from __future__ import annotations

from pathlib import Path

from .items import Bundle, Record, read_file
from .reader import Checker, PlanFileError, Problem
from .resolver import Resolver


def read_plan_files(paths: list[Path]) -> Bundle:
    checker = Checker()
    bundle = Bundle()
    for path in paths:
        read_file(Path(path), checker, bundle)
    if not checker.problems:
        Resolver(bundle, checker).check()
    if checker.problems:
        raise PlanFileError(checker.problems)
    return bundle


__all__ = ["Bundle", "PlanFileError", "Problem", "Record", "read_plan_files"]
