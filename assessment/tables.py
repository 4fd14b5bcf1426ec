"""Reading a composite indicator from two tables, the layout COINr uses (iData and iMeta), so
an assessment can take in a data set it did not make (docs/assessment.md, "Importing tables").

- data: one row per unit: uCode (and uName), optional grouping columns, optional Time,
  denominators, then one column per indicator; an empty field is a missing value.
- meta: one row per indicator, aggregate, group or denominator: Level, iCode, iName,
  Direction, Weight, Target, Denominator, Parent, Type (Indicator, Aggregate, Group,
  Denominator).

Every problem is reported with its table, row and column, and nothing is returned when there
is one.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace

import numpy as np

from .framework import AssessmentError, Framework, Node

MAX_BYTES = 5 * 1024 * 1024
META_COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type")


@dataclass
class Tables:
    framework: Framework
    units: list[str]
    names: dict[str, str]
    data: np.ndarray  # units × indicators, denominated when asked
    groups: dict[str, list[str]]  # group column → each unit's group
    targets: dict[str, float]  # indicator → target (from Target)

    def with_targets(self) -> Framework:
        """The framework with each indicator's target as the goalpost scoring 100 (the worst
        value in the data scores 0): COINr's distance to target."""
        return Framework(
            [
                replace(n, high=self.targets[n.code]) if n.code in self.targets else n
                for n in self.framework.nodes
            ]
        )


def _rows(content: bytes | str, label: str) -> list[dict]:
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise AssessmentError(f"{label}过大（上限 {MAX_BYTES // 1024 // 1024} MB）")
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AssessmentError(f"{label}不是 UTF-8 编码的 CSV 文件") from None
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames:
        raise AssessmentError(f"{label}是空的")
    return list(reader)


def _number(text: str, where: str, *, required: bool = False) -> float | None:
    text = (text or "").strip()
    if not text or text.upper() in ("NA", "NAN"):
        if required:
            raise AssessmentError(f"{where}不能为空")
        return None
    try:
        value = float(text)
    except ValueError:
        raise AssessmentError(f"{where}不是数字：“{text[:30]}”") from None
    if not math.isfinite(value):
        raise AssessmentError(f"{where}不是有限的数字：“{text[:30]}”")
    return value


def read_tables(data_csv: bytes | str, meta_csv: bytes | str, *, denominate: bool = True) -> Tables:
    meta = _rows(meta_csv, "指标元数据表")
    missing = [c for c in META_COLUMNS if c not in meta[0]] if meta else list(META_COLUMNS)
    if missing:
        raise AssessmentError(f"指标元数据表缺少列：{'、'.join(missing)}")
    nodes, denominators_of, targets, group_columns = [], {}, {}, []
    for number, row in enumerate(meta, start=2):
        where = f"指标元数据表第 {number} 行"
        kind, code = (row.get("Type") or "").strip(), (row.get("iCode") or "").strip()
        if not code:
            raise AssessmentError(f"{where}：iCode 不能为空")
        if kind == "Group":
            group_columns.append(code)
            continue
        if kind == "Denominator":
            continue
        if kind not in ("Indicator", "Aggregate"):
            raise AssessmentError(f"{where}：Type 应为 Indicator、Aggregate、Group 或 Denominator")
        direction = _number(row.get("Direction", ""), f"{where} Direction") or 1
        weight = _number(row.get("Weight", ""), f"{where} Weight")
        nodes.append(
            Node(
                code=code,
                name=(row.get("iName") or code).strip(),
                parent=(row.get("Parent") or "").strip() or None,
                weight=1.0 if weight is None else weight,
                direction=int(direction),
            )
        )
        if kind == "Indicator":
            target = _number(row.get("Target", ""), f"{where} Target")
            if target is not None:
                targets[code] = target
            if (row.get("Denominator") or "").strip():
                denominators_of[code] = row["Denominator"].strip()
    framework = Framework(nodes)
    leaves = [n for n in framework.indicators]
    data_rows = _rows(data_csv, "指标数据表")
    if not data_rows:
        raise AssessmentError("指标数据表没有数据行")
    header = data_rows[0].keys()
    needed = ["uCode", *(n.code for n in leaves), *set(denominators_of.values())]
    absent = [c for c in needed if c not in header]
    if absent:
        raise AssessmentError(f"指标数据表缺少列：{'、'.join(absent[:10])}")
    units, names, values = [], {}, []
    for number, row in enumerate(data_rows, start=2):
        code = (row.get("uCode") or "").strip()
        if not code:
            raise AssessmentError(f"指标数据表第 {number} 行：uCode 不能为空")
        if code in names:
            raise AssessmentError(f"指标数据表第 {number} 行：单位代码“{code}”重复")
        units.append(code)
        names[code] = (row.get("uName") or code).strip()
        line = []
        for node in leaves:
            value = _number(row[node.code], f"指标数据表第 {number} 行“{node.code}”列")
            denominator = denominators_of.get(node.code)
            if value is not None and denominate and denominator:
                by = _number(row[denominator], f"指标数据表第 {number} 行“{denominator}”列")
                value = value / by if by else None
            line.append(np.nan if value is None else value)
        values.append(line)
    groups = {
        column: [(row.get(column) or "").strip() for row in data_rows]
        for column in group_columns
        if column in header
    }
    return Tables(
        framework=framework,
        units=units,
        names=names,
        data=np.array(values, dtype=float),
        groups=groups,
        targets=targets,
    )
