"""Schemes as data: read a scheme file (YAML, assessment/data/scheme-2020.yaml is the shipped
default), check all of it, then write it in one transaction; and turn a stored scheme into
the engine's framework, method and grades.
"""

from __future__ import annotations

import math

from django.db import transaction

from plans.planfile.reader import Checker, parse_document
from territory.models import Ecosystem, Stage

from . import sources
from .framework import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    WEIGHTINGS,
    AssessmentError,
    Framework,
    Method,
    Node,
)
from .grades import Grade, check_grades
from .models import GradeBand, Scheme, SchemeNode

MAX_BYTES = 1024 * 1024


def _number(value, where: str, problems: list, *, required=False):
    if value is None:
        if required:
            problems.append(f"{where}：不能为空")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"{where}：应为数字，现为“{str(value)[:30]}”")
        return None
    return float(value)


def _weight(node: dict, where: str, problems: list) -> None:
    weight = _number(node.get("weight", 1), f"{where}.weight", problems)
    if weight is not None and weight < 0:
        problems.append(f"{where}.weight：权重不能为负数")


def read_scheme(content: bytes | str) -> dict:
    """The scheme file checked whole; every problem is listed with where it is."""
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise AssessmentError("方案文件过大（上限 1 MB）")
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise AssessmentError("方案文件不是 UTF-8 编码") from None
    # The plan files' reader: safe YAML that refuses aliases and duplicate keys, with lines.
    checker = Checker()
    data = parse_document(content, checker, first_keys="format、code、dimensions ")
    if data is None:
        problem = checker.problems[0]
        line = f"第 {problem.line} 行" if problem.line else ""
        raise AssessmentError(f"方案文件{line}不是有效的 YAML：{problem.message}") from None
    if not isinstance(data, dict) or data.get("format") != "zoneplan-scheme/1":
        raise AssessmentError("方案文件应以 format: zoneplan-scheme/1 开头")
    problems: list[str] = []
    for key in ("code", "name"):
        if not str(data.get(key) or "").strip():
            problems.append(f"{key}：不能为空")
    for key, allowed in (
        ("normalisation", NORMALISATIONS),
        ("aggregation", AGGREGATIONS),
        ("weighting", WEIGHTINGS),
    ):
        if key in data and data[key] not in allowed:
            problems.append(f"{key}：应为 {'、'.join(allowed)} 之一")
    codes: list[str] = []
    dimensions = data.get("dimensions") or []
    if not isinstance(dimensions, list) or not dimensions:
        problems.append("dimensions：至少需要一个维度")
        dimensions = []
    for d, dimension in enumerate(dimensions):
        where = f"dimensions[{d}]"
        if not isinstance(dimension, dict):
            problems.append(f"{where}：格式不对")
            continue
        codes.append(str(dimension.get("code", "")))
        _weight(dimension, where, problems)
        indicators = dimension.get("indicators") or []
        if not indicators:
            problems.append(f"{where}.indicators：至少需要一项指标")
        for i, indicator in enumerate(indicators):
            at = f"{where}.indicators[{i}]"
            if not isinstance(indicator, dict):
                problems.append(f"{at}：格式不对")
                continue
            codes.append(str(indicator.get("code", "")))
            if sources.get(str(indicator.get("source", ""))) is None:
                problems.append(f"{at}.source：没有名为“{indicator.get('source')}”的数据来源")
            _weight(indicator, at, problems)
            low = _number(indicator.get("low"), f"{at}.low", problems)
            high = _number(indicator.get("high"), f"{at}.high", problems)
            if low is not None and low == high:
                problems.append(f"{at}：两个门槛值相同（{low:g}）")
            if indicator.get("direction", 1) not in (1, -1):
                problems.append(f"{at}.direction：应为 1 或 -1")
            if indicator.get("missing", "reweight") not in IMPUTATIONS:
                problems.append(f"{at}.missing：应为 {'、'.join(IMPUTATIONS)} 之一")
        if indicators and all(isinstance(i, dict) and i.get("weight", 1) == 0 for i in indicators):
            problems.append(f"{where}：各项指标权重全为 0")
    if dimensions and all(isinstance(d, dict) and d.get("weight", 1) == 0 for d in dimensions):
        problems.append("dimensions：各维度权重全为 0")
    empty = [c for c in codes if not c.strip()]
    if empty:
        problems.append("每个维度和指标都需要 code")
    repeated = sorted({c for c in codes if codes.count(c) > 1 and c})
    if repeated:
        problems.append(f"代码重复：{'、'.join(repeated)}")
    for key, model in (("stages", Stage), ("ecosystems", Ecosystem)):
        wanted = [str(c) for c in data.get(key) or []]
        known = set(model.objects.filter(code__in=wanted).values_list("code", flat=True))
        unknown = [c for c in wanted if c not in known]
        if unknown:
            problems.append(f"{key}：没有代码为“{'、'.join(unknown)}”的记录")
    try:
        check_grades(_grades_of(data.get("grades") or []))
    except (AssessmentError, TypeError, ValueError) as error:
        problems.append(f"grades：{error}")
    if problems:
        raise AssessmentError("；".join(problems))
    return data


def _grades_of(rows) -> tuple[Grade, ...]:
    grades = []
    for row in rows:
        low = row.get("min_score")
        grades.append(
            Grade(str(row["name"]), -math.inf if low is None else float(low), row.get("max_share"))
        )
    return tuple(grades)


def load_scheme(content: bytes | str) -> Scheme:
    """Write a checked scheme, replacing one with the same code (nothing on any problem)."""
    data = read_scheme(content)
    with transaction.atomic():
        Scheme.objects.filter(code=data["code"]).delete()
        scheme = Scheme.objects.create(
            code=data["code"],
            name=data["name"],
            name_en=data.get("name_en", ""),
            normalisation=data.get("normalisation", "goalposts"),
            aggregation=data.get("aggregation", "arithmetic"),
            weighting=data.get("weighting", "manual"),
            winsorise=bool(data.get("winsorise", True)),
            source=data.get("source", ""),
        )
        scheme.stages.set(Stage.objects.filter(code__in=data.get("stages") or []))
        scheme.ecosystems.set(Ecosystem.objects.filter(code__in=data.get("ecosystems") or []))
        order = 0
        for dimension in data["dimensions"]:
            parent = SchemeNode.objects.create(
                scheme=scheme,
                code=dimension["code"],
                name=dimension.get("name", dimension["code"]),
                name_en=dimension.get("name_en", ""),
                weight=dimension.get("weight", 1),
                reason=dimension.get("reason", ""),
                order=order,
            )
            order += 1
            for indicator in dimension["indicators"]:
                SchemeNode.objects.create(
                    scheme=scheme,
                    parent=parent,
                    code=indicator["code"],
                    name=indicator.get("name", indicator["code"]),
                    name_en=indicator.get("name_en", ""),
                    weight=indicator.get("weight", 1),
                    direction=indicator.get("direction", 1),
                    low=indicator.get("low"),
                    high=indicator.get("high"),
                    missing=indicator.get("missing", "reweight"),
                    source=indicator["source"],
                    reason=indicator.get("reason", ""),
                    order=order,
                )
                order += 1
        for k, row in enumerate(data.get("grades") or []):
            GradeBand.objects.create(
                scheme=scheme,
                order=k,
                name=row["name"],
                min_score=row.get("min_score"),
                max_share=row.get("max_share"),
            )
    return scheme


def as_dict(scheme: Scheme) -> dict:
    """Everything a run needs of a scheme, as plain data (frozen into the run)."""
    nodes = list(scheme.nodes.select_related("parent"))
    return {
        "code": scheme.code,
        "name": scheme.name,
        "method": {
            "normalisation": scheme.normalisation,
            "aggregation": scheme.aggregation,
            "weighting": scheme.weighting,
            "winsorise": scheme.winsorise,
        },
        "nodes": [
            {
                "code": n.code,
                "name": n.name,
                "name_en": n.name_en,
                "parent": n.parent.code if n.parent else "index",
                "weight": n.weight,
                "direction": n.direction,
                "low": n.low,
                "high": n.high,
                "missing": n.missing,
                "source": n.source,
            }
            for n in nodes
        ],
        "grades": [
            {"name": g.name, "min_score": g.min_score, "max_share": g.max_share}
            for g in scheme.grades.all()
        ],
    }


def engine_inputs(frozen: dict) -> tuple[Framework, Method, tuple[Grade, ...], list[dict]]:
    """The engine's framework, method and grades from a frozen scheme, and its indicators."""
    nodes = [Node("index", frozen["name"], None)]
    for n in frozen["nodes"]:
        nodes.append(
            Node(
                code=n["code"],
                name=n["name"],
                parent=n["parent"],
                weight=n["weight"],
                direction=n["direction"],
                low=n["low"],
                high=n["high"],
                missing=n["missing"],
            )
        )
    framework = Framework(nodes)
    method = Method(**frozen["method"])
    indicators = [n for n in frozen["nodes"] if n["source"]]
    return framework, method, _grades_of(frozen["grades"]), indicators
