"""The items of a plan file, each read and checked on its own: units, reference data, the
plan, its sections, indicators, targets and dated changes of the tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from core.quantities import DISPLAY_UNITS, to_base
from territory.choices import IndustryCategory, UnitKind

from ..choices import Comparator, IndicatorKind, Measure, Periods, Rollup, Strength
from .reader import Checker, ItemReader, LocatedDict, LocatedList, read_document

FORMAT = "zoneplan/1"
SECTIONS = (
    "industry_groups",
    "ecosystems",
    "stages",
    "units",
    "belts",
    "plan",
    "sections",
    "indicators",
    "targets",
    "changes",
)


@dataclass
class Record:
    """One checked item: `fields` are model values, `refs` name other items by code."""

    code: str
    fields: dict
    refs: dict = field(default_factory=dict)
    file: str = ""
    line: int = 0
    lines: dict = field(default_factory=dict)  # key → line, for problems found later

    def has(self, key: str) -> bool:
        """Whether the item states `key`. A key left out keeps what is stored; a key stated
        empty (`name_en: ""` or `~`) clears it."""
        return key in self.lines


@dataclass
class Bundle:
    industry_groups: list[Record] = field(default_factory=list)
    ecosystems: list[Record] = field(default_factory=list)
    stages: list[Record] = field(default_factory=list)
    units: list[Record] = field(default_factory=list)
    belts: list[Record] = field(default_factory=list)
    plans: list[Record] = field(default_factory=list)
    sections: list[Record] = field(default_factory=list)
    indicators: list[Record] = field(default_factory=list)
    targets: list[Record] = field(default_factory=list)
    changes: list[Record] = field(default_factory=list)
    warnings: list = field(default_factory=list)  # reader.Problem: loaded, but worth a look


_FIELDS = {
    "industry_groups": {"code", "name", "name_en", "category", "source"},
    "ecosystems": {"code", "name", "name_en", "valid_from", "valid_to", "source"},
    "stages": {"code", "name", "name_en", "description", "source"},
    "units": {
        "code",
        "kind",
        "name",
        "name_en",
        "parent",
        "districts",
        "ecosystems",
        "industry_groups",
        "stage",
        "lead_industry",
        "is_central",
        "eastern_expansion",
        "valid_from",
        "valid_to",
        "source",
        "note",
    },
    "belts": {"code", "name", "name_en", "anchor_zone", "partner_city", "source"},
    "plan": {
        "code",
        "title",
        "title_en",
        "year",
        "starts_on",
        "ends_on",
        "issuer",
        "issuer_en",
        "source",
        "source_text",
        "summary",
        "summary_en",
        "parameters",
    },
    "sections": {"code", "title", "title_en"},
    "indicators": {
        "code",
        "name",
        "name_en",
        "kind",
        "measure",
        "definition",
        "definition_en",
        "rollup",
        "level",
        "periods",
        "numerator",
        "denominator",
    },
    "targets": {
        "code",
        "section",
        "title",
        "title_en",
        "unit",
        "indicator",
        "comparator",
        "value",
        "baseline",
        "display_unit",
        "deadline",
        "strength",
        "clause",
        "tracking",
        "tracking_en",
        "parent",
        "milestones",
        "rule",
    },
}


def read_file(path: Path, checker: Checker, bundle: Bundle) -> None:
    doc = read_document(
        path,
        checker,
        max_bytes=settings.ZONEPLAN_PLAN_FILE_MAX_BYTES,
        first_keys="format、units、targets ",
    )
    if doc is None:
        return
    if doc.get("format") != FORMAT:
        checker.add(doc.line_of("format"), "format", f"应为 {FORMAT}")
        return
    for key in doc:
        if key != "format" and key not in SECTIONS:
            checker.add(doc.line_of(key), str(key), f"未知的键（可用的键：{'、'.join(SECTIONS)}）")

    def items(name: str):
        value = doc.get(name)
        if value is None:
            return []
        if not isinstance(value, LocatedList):
            checker.add(doc.line_of(name), name, "应为列表")
            return []
        return [
            (ItemReader(checker, item, f"{name}[{i}]", value.line_of(i)), value.line_of(i))
            for i, item in enumerate(value)
        ]

    def record(reader: ItemReader, line: int, code: str, fields: dict, refs: dict | None = None):
        return _stated(
            Record(code=code, fields=fields, refs=refs or {}, file=path.name, line=line),
            reader,
        )

    for r, line in items("industry_groups"):
        r.allow_only(_FIELDS["industry_groups"])
        code = r.code()
        fields = _names(r) | {
            "category": r.choice("category", IndustryCategory, required=True),
            "source": r.text("source", max_length=500),
        }
        if r.ok:
            bundle.industry_groups.append(record(r, line, code, fields))
    for r, line in items("ecosystems"):
        r.allow_only(_FIELDS["ecosystems"])
        fields = _names(r) | _validity(r) | {"source": r.text("source", max_length=500)}
        code = r.code()
        if r.ok:
            bundle.ecosystems.append(record(r, line, code, fields))
    for r, line in items("stages"):
        r.allow_only(_FIELDS["stages"])
        fields = _names(r) | {
            "description": r.text("description", max_length=2000),
            "source": r.text("source", max_length=500),
        }
        code = r.code()
        if r.ok:
            bundle.stages.append(record(r, line, code, fields))
    for r, line in items("units"):
        r.allow_only(_FIELDS["units"])
        code = r.code()
        fields = (
            _names(r)
            | _validity(r)
            | {
                "kind": r.choice("kind", UnitKind, required=True),
                "lead_industry": r.text("lead_industry", max_length=200),
                "is_central": r.boolean("is_central"),
                "eastern_expansion": r.boolean("eastern_expansion"),
                "source": r.text("source", max_length=500),
                "note": r.text("note", max_length=2000),
            }
        )
        refs = {
            "parent": r.code("parent", required=False),
            "districts": r.codes("districts"),
            "ecosystems": r.codes("ecosystems"),
            "industry_groups": r.codes("industry_groups"),
            "stage": r.code("stage", required=False),
        }
        if r.ok:
            bundle.units.append(record(r, line, code, fields, refs))
    for r, line in items("belts"):
        r.allow_only(_FIELDS["belts"])
        code = r.code()
        fields = _names(r) | {"source": r.text("source", max_length=500)}
        refs = {"anchor_zone": r.code("anchor_zone"), "partner_city": r.code("partner_city")}
        if r.ok:
            bundle.belts.append(record(r, line, code, fields, refs))

    plan_code = _read_plan(doc, checker, bundle, path)
    has_plan_items = any(doc.get(name) for name in ("sections", "targets"))
    if has_plan_items and not plan_code:
        checker.add(1, "plan", "sections 和 targets 需要同一文件中的 plan")
        return

    for r, line in items("sections"):
        r.allow_only(_FIELDS["sections"])
        code = r.code()
        fields = {"title": r.text("title", required=True), "title_en": r.text("title_en")}
        if r.ok:
            bundle.sections.append(record(r, line, code, fields, {"plan": plan_code}))
    for r, line in items("indicators"):
        r.allow_only(_FIELDS["indicators"])
        code = r.code()
        fields = _names(r, max_length=300) | {
            "kind": r.choice("kind", IndicatorKind, required=True),
            "measure": r.choice("measure", Measure, required=True),
            "definition": r.text("definition", max_length=2000),
            "definition_en": r.text("definition_en", max_length=2000),
            "rollup": r.choice("rollup", Rollup, default=Rollup.SUM),
            "level": r.choice("level", UnitKind, default=UnitKind.ZONE),
            "periods": r.choice("periods", Periods, default=Periods.LATEST),
        }
        refs = {
            "numerator": r.code("numerator", required=False),
            "denominator": r.code("denominator", required=False),
        }
        if fields["rollup"] == Rollup.RATIO:
            for key in ("numerator", "denominator"):
                if not refs[key] and r.item is not None:
                    r.problem(key, "比值指标（rollup: ratio）须写明分子和分母指标", r.item.line)
        else:
            for key in ("numerator", "denominator"):
                if refs[key]:
                    r.problem(key, "只有比值指标（rollup: ratio）才有分子和分母")
        if r.ok:
            bundle.indicators.append(record(r, line, code, fields, refs))
    for r, line in items("targets"):
        target = _read_target(r, line, path.name)
        if target is not None:
            target.refs["plan"] = plan_code
            bundle.targets.append(target)
    for r, line in items("changes"):
        change = _read_change(r, line, path.name)
        if change is not None:
            bundle.changes.append(change)


def _stated(rec: Record, reader: ItemReader) -> Record:
    """Keep only the fields and references the item states (Record.has)."""
    if reader.item is None:
        return rec
    rec.lines = dict(reader.item.key_lines)
    rec.fields = {
        k: v
        for k, v in rec.fields.items()
        if k in rec.lines or (k == "rule_params" and "rule" in rec.lines)
    }
    rec.refs = {k: v for k, v in rec.refs.items() if k in rec.lines or k == "plan"}
    return rec


CHANGE_KINDS = ("move", "rename", "merge", "split")
_CHANGE_KEYS = {
    "move": {"move", "from", "parent"},
    "rename": {"rename", "from", "name", "name_en"},
    "merge": {"merge", "from", "into"},
    "split": {"split", "from", "into"},
}


def _read_change(r: ItemReader, line: int, file: str) -> Record | None:
    """A dated change of the tree, in force from a date: `{move: UNIT, from: DATE, parent: UNIT}`,
    `{rename: UNIT, from: DATE, name: …, name_en: …}`, `{merge: [UNIT, …], from: DATE, into:
    UNIT}` or `{split: UNIT, from: DATE, into: [UNIT, …]}` (the first successor of a split takes
    the items). The key is `from`, not `on`: YAML reads a bare `on` as true."""
    item = r.item
    if item is None:
        return None
    kinds = [k for k in CHANGE_KINDS if k in item]
    if len(kinds) != 1:
        r.problem("", f"每项变更须且只能有 {'、'.join(CHANGE_KINDS)} 之一", item.line)
        return None
    kind = kinds[0]
    r.allow_only(_CHANGE_KEYS[kind])
    on = r.date("from", required=True)
    refs: dict = {"kind": kind}
    fields: dict = {"on": on}
    if kind == "move":
        refs["units"] = [r.code("move")]
        refs["parent"] = r.code("parent")
    elif kind == "rename":
        refs["units"] = [r.code("rename")]
        fields["name"] = r.text("name", required=True, max_length=200)
        if "name_en" in item:
            fields["name_en"] = r.text("name_en", max_length=200)
    elif kind == "merge":
        refs["units"] = r.codes("merge")
        refs["into"] = [r.code("into")]
        if not refs["units"]:
            r.problem("merge", "须列出被合并的单位")
    else:
        refs["units"] = [r.code("split")]
        refs["into"] = r.codes("into")
        if len(refs["into"]) < 2:
            r.problem("into", "拆分须列出至少两个承继单位（第一个承接原单位登记的事项）")
    if not r.ok:
        return None
    code = f"{kind}:{'+'.join(refs['units'])}@{on}"
    return Record(
        code=code, fields=fields, refs=refs, file=file, line=line, lines=dict(item.key_lines)
    )


def _names(r: ItemReader, max_length: int = 200) -> dict:
    return {
        "name": r.text("name", required=True, max_length=max_length),
        "name_en": r.text("name_en", max_length=max_length),
    }


def _validity(r: ItemReader) -> dict:
    valid_from, valid_to = r.date("valid_from"), r.date("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        r.problem("valid_to", f"失效日期 {valid_to} 早于生效日期 {valid_from}")
    return {"valid_from": valid_from, "valid_to": valid_to}


def _read_plan(doc: LocatedDict, checker: Checker, bundle: Bundle, path: Path) -> str:
    if doc.get("plan") is None:
        return ""
    r = ItemReader(checker, doc["plan"], "plan", doc.line_of("plan"))
    r.allow_only(_FIELDS["plan"])
    code = r.code()
    fields = {
        "title": r.text("title", required=True),
        "title_en": r.text("title_en"),
        "year": r.integer("year", required=True),
        "starts_on": r.date("starts_on", required=True),
        "ends_on": r.date("ends_on", required=True),
        "issuer": r.text("issuer", max_length=200),
        "issuer_en": r.text("issuer_en", max_length=200),
        "source": r.text("source", max_length=500),
        "summary": r.text("summary", max_length=5000),
        "summary_en": r.text("summary_en", max_length=5000),
    }
    if fields["starts_on"] and fields["ends_on"] and fields["ends_on"] < fields["starts_on"]:
        r.problem("ends_on", "结束日期早于开始日期")
    fields["parameters"] = _read_parameters(r)
    source_text = ""
    name = r.text("source_text", max_length=200)
    if name:
        candidate = (path.parent / name).resolve()
        if candidate.parent != path.parent.resolve():
            r.problem("source_text", "原文文件须与计划文件在同一目录")
        elif not candidate.is_file():
            r.problem("source_text", f"找不到计划原文文件 {name}")
        else:
            source_text = candidate.read_text(encoding="utf-8")
    if not r.ok:
        return ""
    fields["source_text"] = name
    rec = _stated(Record(code=code, fields=fields, file=path.name, line=doc.line_of("plan")), r)
    rec.refs = {"source_text": source_text}
    bundle.plans.append(rec)
    return code


def _read_parameters(r: ItemReader) -> dict:
    """The plan's parameters, each checked by the app that registered it."""
    from django.utils.translation import gettext as _

    from plans.parameters import registered

    raw = r.item.get("parameters") if r.item is not None else None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.problem("parameters", _("should be a mapping of parameter: value"))
        return {}
    known = registered()
    values = {}
    for name, value in raw.items():
        line = raw.line_of(name) if hasattr(raw, "line_of") else r.line
        if name not in known:
            r.problem(
                "parameters",
                _("unknown parameter %(name)s (the parameters are: %(known)s)")
                % {"name": name, "known": "、".join(sorted(known))},
                line,
            )
            continue
        stored, problems = known[name][0](value)
        for message in problems:
            r.problem(f"parameters.{name}", message, line)
        values[name] = stored
    return values


def _read_target(r: ItemReader, line: int, file: str) -> Record | None:
    r.allow_only(_FIELDS["targets"])
    code = r.code()
    display_unit = r.text("display_unit", max_length=20)
    if display_unit and display_unit not in DISPLAY_UNITS:
        r.problem(
            "display_unit", f"未知的计量单位 {display_unit!r}（可用：{'、'.join(DISPLAY_UNITS)}）"
        )
        display_unit = ""
    value = r.number("value")
    baseline = r.number("baseline")
    fields = {
        "title": r.text("title", required=True),
        "title_en": r.text("title_en"),
        "comparator": r.choice("comparator", Comparator),
        "display_unit": display_unit,
        "deadline": r.date("deadline"),
        "strength": r.choice("strength", Strength, default=Strength.BINDING),
        "clause": r.text("clause", required=True, max_length=2000),
        "tracking": r.text("tracking", max_length=2000),
        "tracking_en": r.text("tracking_en", max_length=2000),
    }
    refs = {
        "section": r.code("section"),
        "unit": r.code("unit"),
        "indicator": r.code("indicator", required=False),
        "parent": r.code("parent", required=False),
    }
    item = r.item or {}
    quantified = any(key in item for key in ("value", "indicator", "comparator", "display_unit"))
    if quantified:
        for key in ("value", "indicator", "comparator", "display_unit", "deadline"):
            if item.get(key) is None:
                r.problem(
                    key,
                    "量化目标缺少此项" if key != "value" else "缺少目标值",
                    item.line if item else line,
                )
    elif (
        r.item is not None and "tracking" in item and not fields["tracking"] and "rule" not in item
    ):
        r.problem("tracking", "没有目标值的目标须说明如何跟踪（tracking）", r.item.line)
    if "rule" in item:
        rule = item.get("rule")
        if quantified:
            r.problem("rule", "有目标值的目标按指标计算，不能再写计算规则（rule）")
        elif rule is None:
            fields["rule"], fields["rule_params"] = "", {}  # stated empty: no rule
        elif not isinstance(rule, LocatedDict) or not isinstance(rule.get("name"), str):
            r.problem("rule", "计算规则应写成 {name: 规则名, 参数: 值}")
        else:
            params = {str(k): v for k, v in rule.items() if k != "name"}
            fields["rule"], fields["rule_params"] = rule["name"].strip(), params
    # A target left without tracking or a number is checked against what is stored (resolver).
    milestones = []
    raw = item.get("milestones")
    if raw is not None:
        if not isinstance(raw, LocatedList):
            r.problem("milestones", "应为列表")
        else:
            for i, m in enumerate(raw):
                mr = ItemReader(r.checker, m, f"{r.where}.milestones[{i}]", raw.line_of(i))
                mr.allow_only({"due_on", "value"})
                due_on, m_value = (
                    mr.date("due_on", required=True),
                    mr.number("value", required=True),
                )
                if mr.ok and display_unit:
                    milestones.append((due_on, to_base(m_value, display_unit)))
                r.ok = r.ok and mr.ok
    if not r.ok:
        return None
    fields["value"] = to_base(value, display_unit) if value is not None and display_unit else None
    fields["baseline"] = (
        to_base(baseline, display_unit) if baseline is not None and display_unit else None
    )
    refs["milestones"] = milestones
    refs["quantified"] = quantified
    rec = _stated(Record(code=code, fields=fields, refs=refs, file=file, line=line), r)
    if "milestones" not in rec.lines:
        rec.refs.pop("milestones", None)
    rec.refs["quantified"] = quantified
    return rec
