"""Reading and checking plan files (the format is in docs/plan-file-format.md).

`read_plan_files(paths)` returns a `Bundle` of checked records, or raises `PlanFileError`
listing every problem with its file, line and key. Nothing here writes to the database;
`services.load_plan_files` does, only after this has found no problem.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings

from core.quantities import DISPLAY_UNITS, to_base
from territory.choices import ALLOWED_PARENT_KINDS, IndustryCategory, UnitKind
from territory.models import Ecosystem, IndustryGroup, Stage, Unit

from .choices import Comparator, IndicatorKind, Measure, Strength
from .models import Indicator, Plan, Target
from .yamlread import LocatedDict, LocatedList, YamlProblem, load

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
)
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_PROBLEMS = 200


@dataclass
class Problem:
    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.line} 行，" if self.line else ""
        key = f"{self.key}：" if self.key else ""
        return f"{self.file} {where}{key}{self.message}"


class PlanFileError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"……另有 {len(problems) - MAX_PROBLEMS} 个问题")
        super().__init__("计划文件有误，未写入任何数据：\n" + "\n".join(lines))


@dataclass
class Record:
    """One checked item: `fields` are model values, `refs` name other items by code."""

    code: str
    fields: dict
    refs: dict = field(default_factory=dict)
    file: str = ""
    line: int = 0
    lines: dict = field(default_factory=dict)  # key → line, for problems found later


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


class _Reader:
    """Reads one item (a mapping) of one list, collecting problems instead of stopping."""

    def __init__(self, checker: _Checker, item, where: str, line: int):
        self.checker = checker
        self.item = item if isinstance(item, LocatedDict) else None
        self.where = where
        self.line = line
        self.ok = True
        if self.item is None:
            self.problem("", "应为一个映射（键: 值）")

    def problem(self, key: str, message: str, line: int | None = None) -> None:
        self.ok = False
        if line is None:
            line = self.item.line_of(key) if (self.item is not None and key) else self.line
        self.checker.add(line, f"{self.where}.{key}" if key else self.where, message)

    def allow_only(self, keys: set[str]) -> None:
        if self.item is None:
            return
        for key in self.item:
            if key not in keys:
                self.problem(str(key), f"未知的键（可用的键：{'、'.join(sorted(keys))}）")

    def _get(self, key: str, required: bool):
        if self.item is None:
            return None
        if key not in self.item or self.item[key] is None:
            if required:
                self.problem(key, "缺少必填项", self.item.line)
            return None
        return self.item[key]

    def text(self, key: str, *, required: bool = False, max_length: int = 300) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, "应为文字")
            return ""
        value = str(value).strip()
        if required and not value:
            self.problem(key, "不能为空")
        if len(value) > max_length:
            self.problem(key, f"过长（{len(value)} 字，最多 {max_length} 字）")
        return value

    def code(self, key: str = "code", *, required: bool = True) -> str:
        value = self.text(key, required=required, max_length=64)
        if value and not _CODE.match(value):
            self.problem(key, f"代码 {value!r} 只能包含字母、数字、点、下划线和连字符")
            return ""
        return value

    def codes(self, key: str) -> list[str]:
        value = self._get(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "应为代码列表")
            return []
        result = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int):
                self.problem(key, "列表中的每一项应为代码")
                continue
            result.append(str(item).strip())
        return result

    def number(self, key: str, *, required: bool = False, minimum: Decimal | None = Decimal(0)):
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"应为数字，而不是 {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(key, f"应为数字，而不是 {value!r}")
            return None
        if not number.is_finite():
            self.problem(key, "应为有限的数字")
            return None
        if minimum is not None and number < minimum:
            self.problem(key, f"不能为负数（{value}）" if minimum == 0 else f"不能小于 {minimum}")
            return None
        return number

    def integer(self, key: str, *, required: bool = False) -> int | None:
        number = self.number(key, required=required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.problem(key, "应为整数")
            return None
        return int(number)

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, "应为 true 或 false")
            return False
        return value

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self._get(key, required)
        if value is None:
            return None
        match = _DATE.match(str(value).strip()) if isinstance(value, str) else None
        if not match:
            self.problem(key, f"日期 {value!r} 格式应为 YYYY-MM-DD")
            return None
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            self.problem(key, f"日期 {value} 不存在")
            return None

    def choice(self, key: str, choices, *, required: bool = False, default: str = "") -> str:
        value = self.text(key, required=required, max_length=40)
        if not value:
            return default
        allowed = [c.value for c in choices]
        if value not in allowed:
            self.problem(key, f"{value!r} 不是可选值（可选：{'、'.join(allowed)}）")
            return default
        return value


class _Checker:
    def __init__(self):
        self.problems: list[Problem] = []
        self.file = ""

    def add(self, line: int, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, key, message))


def _read_text(path: Path, checker: _Checker) -> str | None:
    limit = settings.ZONEPLAN_PLAN_FILE_MAX_BYTES
    try:
        size = path.stat().st_size
    except OSError:
        checker.add(0, "", "文件不存在或无法读取")
        return None
    if size > limit:
        checker.add(0, "", f"文件过大（{size:,} 字节，上限 {limit:,} 字节）")
        return None
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        checker.add(raw[: exc.start].count(b"\n") + 1, "", "不是 UTF-8 编码的文本文件")
        return None


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
    },
    "sections": {"code", "title", "title_en"},
    "indicators": {"code", "name", "name_en", "kind", "measure", "definition", "definition_en"},
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
    },
}


def _read_document(path: Path, checker: _Checker, bundle: Bundle) -> None:
    checker.file = path.name
    text = _read_text(path, checker)
    if text is None:
        return
    try:
        doc = load(text)
    except YamlProblem as exc:
        checker.add(exc.line, "", exc.message)
        return
    if not isinstance(doc, LocatedDict):
        checker.add(getattr(doc, "line", 1), "", "文件顶层应为映射（format、units、targets 等键）")
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
            (_Reader(checker, item, f"{name}[{i}]", value.line_of(i)), value.line_of(i))
            for i, item in enumerate(value)
        ]

    def record(reader: _Reader, line: int, code: str, fields: dict, refs: dict | None = None):
        lines = dict(reader.item.key_lines) if reader.item is not None else {}
        return Record(
            code=code, fields=fields, refs=refs or {}, file=path.name, line=line, lines=lines
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
        }
        if r.ok:
            bundle.indicators.append(record(r, line, code, fields))
    for r, line in items("targets"):
        target = _read_target(r, line, path.name)
        if target is not None:
            target.refs["plan"] = plan_code
            bundle.targets.append(target)


def _names(r: _Reader, max_length: int = 200) -> dict:
    return {
        "name": r.text("name", required=True, max_length=max_length),
        "name_en": r.text("name_en", max_length=max_length),
    }


def _validity(r: _Reader) -> dict:
    valid_from, valid_to = r.date("valid_from"), r.date("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        r.problem("valid_to", f"失效日期 {valid_to} 早于生效日期 {valid_from}")
    return {"valid_from": valid_from, "valid_to": valid_to}


def _read_plan(doc: LocatedDict, checker: _Checker, bundle: Bundle, path: Path) -> str:
    if doc.get("plan") is None:
        return ""
    r = _Reader(checker, doc["plan"], "plan", doc.line_of("plan"))
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
    bundle.plans.append(
        Record(
            code=code,
            fields=fields,
            refs={"source_text": source_text},
            file=path.name,
            line=doc.line_of("plan"),
        )
    )
    return code


def _read_target(r: _Reader, line: int, file: str) -> Record | None:
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
    elif r.item is not None and not fields["tracking"]:
        r.problem("tracking", "没有目标值的目标须说明如何跟踪（tracking）", r.item.line)
    milestones = []
    raw = item.get("milestones")
    if raw is not None:
        if not isinstance(raw, LocatedList):
            r.problem("milestones", "应为列表")
        else:
            for i, m in enumerate(raw):
                mr = _Reader(r.checker, m, f"{r.where}.milestones[{i}]", raw.line_of(i))
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
    lines = dict(r.item.key_lines) if r.item is not None else {}
    return Record(code=code, fields=fields, refs=refs, file=file, line=line, lines=lines)


class _Resolver:
    """Checks references across all files and what the database already holds."""

    def __init__(self, bundle: Bundle, checker: _Checker):
        self.bundle = bundle
        self.checker = checker

    def problem(self, rec: Record, key: str, message: str) -> None:
        line = rec.lines.get(key.split(".")[-1], rec.line)
        self.checker.problems.append(Problem(rec.file, line, f"{rec.code}.{key}", message))

    def duplicates(self, name: str, records: list[Record], key=lambda r: r.code) -> None:
        seen: dict = {}
        for rec in records:
            k = key(rec)
            if k in seen:
                first = seen[k]
                self.problem(
                    rec,
                    "code",
                    f"代码 {rec.code} 重复（首次出现在 {first.file} 第 {first.line} 行）",
                )
            else:
                seen[k] = rec

    def check(self) -> None:
        b = self.bundle
        for name in (
            "industry_groups",
            "ecosystems",
            "stages",
            "units",
            "belts",
            "plans",
            "indicators",
        ):
            self.duplicates(name, getattr(b, name))
        self.duplicates("sections", b.sections, key=lambda r: (r.refs["plan"], r.code))
        self.duplicates("targets", b.targets, key=lambda r: (r.refs["plan"], r.code))
        self._units()
        self._belts()
        self._targets()

    def _units(self) -> None:
        b = self.bundle
        file_units = {rec.code: rec for rec in b.units}
        db_units = {u["code"]: u for u in Unit.objects.values("code", "kind", "parent__code")}
        kinds = {code: u["kind"] for code, u in db_units.items()} | {
            code: rec.fields["kind"] for code, rec in file_units.items()
        }
        parents = {code: u["parent__code"] for code, u in db_units.items()} | {
            code: rec.refs["parent"] or None for code, rec in file_units.items()
        }
        known = {
            "ecosystems": {r.code for r in b.ecosystems}
            | set(Ecosystem.objects.values_list("code", flat=True)),
            "industry_groups": {r.code for r in b.industry_groups}
            | set(IndustryGroup.objects.values_list("code", flat=True)),
            "stage": {r.code for r in b.stages} | set(Stage.objects.values_list("code", flat=True)),
        }
        for rec in b.units:
            parent = rec.refs["parent"]
            kind = rec.fields["kind"]
            if parent and parent not in kinds:
                self.problem(rec, "parent", f"上级单位 {parent} 不存在")
            else:
                parent_kind = kinds.get(parent) if parent else None
                if parent_kind not in ALLOWED_PARENT_KINDS[kind]:
                    label = UnitKind(kind).label
                    self.problem(
                        rec, "parent", f"{label}（{rec.code}）不能以 {parent or '无上级'} 为上级"
                    )
            for district in rec.refs["districts"]:
                if kinds.get(district) != UnitKind.DISTRICT:
                    self.problem(rec, "districts", f"{district} 不是已知的区（市）县")
                elif kind != UnitKind.ZONE:
                    self.problem(rec, "districts", "只有功能区可以跨多个区（市）县")
                elif district == parent:
                    self.problem(rec, "districts", f"{district} 已是主属区（parent），不必重复")
            for key in ("ecosystems", "industry_groups"):
                for code in rec.refs[key]:
                    if code not in known[key]:
                        self.problem(rec, key, f"{code} 不存在")
            if rec.refs["stage"] and rec.refs["stage"] not in known["stage"]:
                self.problem(rec, "stage", f"发展阶段 {rec.refs['stage']} 不存在")
        # A cycle: following parents from a unit comes back to it.
        reported: set[str] = set()
        for rec in b.units:
            chain, code = [rec.code], parents.get(rec.code)
            while code and code not in chain and len(chain) < 1000:
                chain.append(code)
                code = parents.get(code)
            if code and code in chain and code not in reported:
                cycle = [*chain[chain.index(code) :], code]
                reported.update(cycle)
                self.problem(rec, "parent", f"单位树存在循环：{' → '.join(cycle)}")
        self.unit_kinds = kinds

    def _belts(self) -> None:
        for rec in self.bundle.belts:
            for key, kind in (
                ("anchor_zone", UnitKind.ZONE),
                ("partner_city", UnitKind.PARTNER_CITY),
            ):
                code = rec.refs[key]
                if self.unit_kinds.get(code) != kind:
                    self.problem(rec, key, f"{code} 不是已知的{UnitKind(kind).label}")

    def _targets(self) -> None:
        b = self.bundle
        plans = {rec.code: rec for rec in b.plans}
        sections = {(r.refs["plan"], r.code) for r in b.sections}
        measures = dict(Indicator.objects.values_list("code", "measure")) | {
            r.code: r.fields["measure"] for r in b.indicators
        }
        file_targets = {(r.refs["plan"], r.code): r for r in b.targets}
        db_targets = {
            (t["plan__code"], t["code"]): t
            for t in Target.objects.filter(plan__code__in=plans).values(
                "plan__code", "code", "indicator__code", "parent__code"
            )
        }
        sections |= set(Plan.objects.filter(code__in=plans).values_list("code", "sections__code"))
        for rec in b.targets:
            plan = plans[rec.refs["plan"]]
            f = rec.fields
            if (rec.refs["plan"], rec.refs["section"]) not in sections:
                self.problem(rec, "section", f"章节 {rec.refs['section']} 不存在")
            if rec.refs["unit"] not in self.unit_kinds:
                self.problem(rec, "unit", f"单位 {rec.refs['unit']} 不存在")
            indicator = rec.refs["indicator"]
            if indicator:
                if indicator not in measures:
                    self.problem(rec, "indicator", f"指标 {indicator} 不存在")
                elif (
                    f["display_unit"]
                    and DISPLAY_UNITS[f["display_unit"]].measure != measures[indicator]
                ):
                    self.problem(
                        rec,
                        "display_unit",
                        f"计量单位 {f['display_unit']} 与指标 {indicator} 的量纲不符",
                    )
            if (
                f["deadline"]
                and plan.fields["starts_on"]
                and f["deadline"] < plan.fields["starts_on"]
            ):
                self.problem(
                    rec,
                    "deadline",
                    f"截止日期 {f['deadline']} 早于计划开始日期 {plan.fields['starts_on']}",
                )
            source_text = plan.refs["source_text"]
            if source_text and _squash(f["clause"]) not in _squash(source_text):
                self.problem(rec, "clause", "条款未在计划原文中逐字出现")
            parent = rec.refs["parent"]
            if parent:
                key = (rec.refs["plan"], parent)
                whole = file_targets.get(key)
                whole_indicator = (
                    whole.refs["indicator"]
                    if whole
                    else (db_targets.get(key) or {}).get("indicator__code")
                )
                if whole is None and key not in db_targets:
                    self.problem(rec, "parent", f"所属总目标 {parent} 不存在")
                elif whole_indicator != indicator:
                    self.problem(rec, "parent", f"分解目标的指标须与总目标 {parent} 相同")
        parents = {key: (rec.refs["parent"] or None) for key, rec in file_targets.items()}
        for (plan, code), rec in file_targets.items():
            seen, current = {code}, parents.get((plan, code))
            while current:
                if current in seen:
                    self.problem(rec, "parent", f"目标分解存在循环：{code} → … → {current}")
                    break
                seen.add(current)
                current = parents.get((plan, current))


def _squash(text: str) -> str:
    """Compare clauses without the line breaks and spaces a YAML author may fold in."""
    return re.sub(r"\s+", "", text)


def read_plan_files(paths: list[Path]) -> Bundle:
    checker = _Checker()
    bundle = Bundle()
    for path in paths:
        _read_document(Path(path), checker, bundle)
    if not checker.problems:
        _Resolver(bundle, checker).check()
    if checker.problems:
        raise PlanFileError(checker.problems)
    return bundle
