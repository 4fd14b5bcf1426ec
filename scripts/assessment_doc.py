"""Writes the ASEM ranking by each method into docs/assessment.md (between the markers), so the
docs show what the engine computes; a test fails when they differ.

    .venv/bin/python scripts/assessment_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessment.engine import run  # noqa: E402
from assessment.framework import Method  # noqa: E402
from assessment.tables import read_tables  # noqa: E402

DOC = ROOT / "docs" / "assessment.md"
ASEM = ROOT / "assessment" / "data" / "asem"
BEGIN, END = "<!-- asem-ranking:begin -->", "<!-- asem-ranking:end -->"
METHODS = [
    ("距目标·算术", "targets", Method(normalisation="goalposts")),
    ("最小-最大·算术", "data", Method(normalisation="minmax")),
    ("最小-最大·几何", "data", Method(normalisation="minmax", aggregation="geometric")),
    ("z 分数·算术", "data", Method(normalisation="zscore")),
    ("排序·算术", "data", Method(normalisation="rank")),
    ("距目标·几何", "targets", Method(normalisation="goalposts", aggregation="geometric")),
]


def ranking_table() -> str:
    tables = read_tables((ASEM / "iData.csv").read_bytes(), (ASEM / "iMeta.csv").read_bytes())
    columns = []
    for _label, goalposts, method in METHODS:
        framework = tables.with_targets() if goalposts == "targets" else tables.framework
        result = run(framework, method, tables.data, tables.units)
        order = sorted(range(len(tables.units)), key=lambda i: (result.ranks[i], tables.units[i]))
        columns.append([f"{tables.units[i]} {result.index[i]:.1f}" for i in order])
    lines = [
        "| 名次 | " + " | ".join(label for label, _g, _m in METHODS) + " |",
        "|---" * (len(METHODS) + 1) + "|",
    ]
    for place in range(len(tables.units)):
        lines.append(f"| {place + 1} | " + " | ".join(c[place] for c in columns) + " |")
    return "\n".join(lines)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    before, rest = text.split(BEGIN, 1)
    _old, after = rest.split(END, 1)
    DOC.write_text(f"{before}{BEGIN}\n{ranking_table()}\n{END}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
