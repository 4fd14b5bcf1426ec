"""Checks across all files of one load and what the database already holds: references,
duplicates, cycles, kinds, clauses against the plan's text, closed units, cascades."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from core.quantities import DISPLAY_UNITS, format_number, from_base
from territory.choices import ALLOWED_PARENT_KINDS, UnitKind
from territory.models import Ecosystem, IndustryGroup, Stage, Unit

from .. import commitments, measures
from ..choices import IndicatorKind, Rollup
from ..models import Indicator, Plan, Target
from .items import Bundle, Record
from .reader import Checker, Problem


class Resolver:
    """Checks references across all files and what the database already holds."""

    def __init__(self, bundle: Bundle, checker: Checker):
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

    def warn(self, rec: Record, key: str, message: str) -> None:
        line = rec.lines.get(key.split(".")[-1], rec.line)
        self.bundle.warnings.append(Problem(rec.file, line, f"{rec.code}.{key}", message))

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
            "changes",
        ):
            self.duplicates(name, getattr(b, name))
        self.duplicates("sections", b.sections, key=lambda r: (r.refs["plan"], r.code))
        self.duplicates("targets", b.targets, key=lambda r: (r.refs["plan"], r.code))
        self._units()
        self._changes()
        self._belts()
        self._indicators()
        self._targets()

    def _units(self) -> None:
        b = self.bundle
        file_units = {rec.code: rec for rec in b.units}
        db_units = {
            u["code"]: u
            for u in Unit.objects.values("code", "kind", "parent__code", "valid_from", "valid_to")
        }
        kinds = {code: u["kind"] for code, u in db_units.items()} | {
            code: rec.fields["kind"] for code, rec in file_units.items()
        }
        parents = {code: u["parent__code"] for code, u in db_units.items()}
        for code, rec in file_units.items():
            if rec.has("parent") or code not in db_units:
                parents[code] = rec.refs.get("parent") or None
        self.validity = {code: (u["valid_from"], u["valid_to"]) for code, u in db_units.items()}
        for code, rec in file_units.items():
            stored = self.validity.get(code, (None, None))
            self.validity[code] = (
                rec.fields["valid_from"] if rec.has("valid_from") else stored[0],
                rec.fields["valid_to"] if rec.has("valid_to") else stored[1],
            )
        known = {
            "ecosystems": {r.code for r in b.ecosystems}
            | set(Ecosystem.objects.values_list("code", flat=True)),
            "industry_groups": {r.code for r in b.industry_groups}
            | set(IndustryGroup.objects.values_list("code", flat=True)),
            "stage": {r.code for r in b.stages} | set(Stage.objects.values_list("code", flat=True)),
        }
        for rec in b.units:
            parent = parents.get(rec.code)
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
            for district in rec.refs.get("districts", []):
                if kinds.get(district) != UnitKind.DISTRICT:
                    self.problem(rec, "districts", f"{district} 不是已知的区（市）县")
                elif kind != UnitKind.ZONE:
                    self.problem(rec, "districts", "只有功能区可以跨多个区（市）县")
                elif district == parent:
                    self.problem(rec, "districts", f"{district} 已是主属区（parent），不必重复")
            for key in ("ecosystems", "industry_groups"):
                for code in rec.refs.get(key, []):
                    if code not in known[key]:
                        self.problem(rec, key, f"{code} 不存在")
            stage = rec.refs.get("stage")
            if stage and stage not in known["stage"]:
                self.problem(rec, "stage", f"发展阶段 {stage} 不存在")
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

    def _changes(self) -> None:
        """Moves, renames, merges and splits: every unit named exists, kinds stay allowed,
        successors are of the predecessor's kind; a merge or split closes the predecessors the
        day before, which the target checks below take into account."""
        kinds = self.unit_kinds
        for rec in self.bundle.changes:
            kind, on = rec.refs["kind"], rec.fields["on"]
            named = [*rec.refs["units"], *rec.refs.get("into", [])]
            if rec.refs.get("parent"):
                named.append(rec.refs["parent"])
            missing = [code for code in named if code not in kinds]
            for code in missing:
                self.problem(rec, kind, f"单位 {code} 不存在")
            if missing:
                continue
            unit = rec.refs["units"][0]
            if kind == "move":
                parent = rec.refs["parent"]
                if kinds[parent] not in ALLOWED_PARENT_KINDS[kinds[unit]]:
                    self.problem(
                        rec,
                        "parent",
                        f"{UnitKind(kinds[unit]).label}（{unit}）不能以 {parent} 为上级",
                    )
            if kind in ("merge", "split"):
                if set(rec.refs["units"]) & set(rec.refs["into"]):
                    self.problem(rec, "into", "承继单位不能是被合并或拆分的单位本身")
                    continue
                for code in rec.refs["into"]:
                    if kinds[code] != kinds[unit]:
                        self.problem(rec, "into", f"承继单位 {code} 与原单位的类型不同")
                    begins = self.validity.get(code, (None, None))[0]
                    if begins and begins > on:
                        self.problem(
                            rec, "into", f"承继单位 {code} 自 {begins} 起才设立，晚于变更日期 {on}"
                        )
                for code in rec.refs["units"]:
                    begins, _ends = self.validity.get(code, (None, None))
                    if begins and begins >= on:
                        self.problem(rec, kind, f"{code} 自 {begins} 起设立，不能在 {on} 撤并")
                    self.validity[code] = (begins, on - dt.timedelta(days=1))

    def _belts(self) -> None:
        for rec in self.bundle.belts:
            for key, kind in (
                ("anchor_zone", UnitKind.ZONE),
                ("partner_city", UnitKind.PARTNER_CITY),
            ):
                code = rec.refs[key]
                if self.unit_kinds.get(code) != kind:
                    self.problem(rec, key, f"{code} 不是已知的{UnitKind(kind).label}")

    def _indicators(self) -> None:
        known = set(Indicator.objects.values_list("code", flat=True)) | {
            r.code for r in self.bundle.indicators
        }
        for rec in self.bundle.indicators:
            rollup = rec.fields.get("rollup", Rollup.SUM)
            for key in ("numerator", "denominator"):
                code = rec.refs.get(key)
                if code and code not in known:
                    self.problem(rec, key, f"指标 {code} 不存在")
                elif code == rec.code:
                    self.problem(rec, key, "比值指标的分子或分母不能是它本身")
            if (
                rec.fields["kind"] == IndicatorKind.DERIVED
                and rollup != Rollup.RATIO
                and measures.get(rec.code) is None
            ):
                sources = "、".join(sorted(measures.registered())) or "无"
                self.problem(
                    rec,
                    "kind",
                    f"派生指标 {rec.code} 没有数据来源：系统中没有同名的计算规则"
                    f"（已有：{sources}）；由单位填报的指标请写 kind: reported",
                )

    def _targets(self) -> None:
        b = self.bundle
        plans = {rec.code: rec for rec in b.plans}
        stored_plans = {
            p["code"]: p
            for p in Plan.objects.filter(code__in=plans).values(
                "code", "starts_on", "ends_on", "source_text"
            )
        }
        sections = {(r.refs["plan"], r.code) for r in b.sections}
        measures_of = dict(Indicator.objects.values_list("code", "measure")) | {
            r.code: r.fields["measure"] for r in b.indicators
        }
        file_targets = {(r.refs["plan"], r.code): r for r in b.targets}
        db_targets = {
            (t["plan__code"], t["code"]): t
            for t in Target.objects.filter(plan__code__in=plans).values(
                "plan__code",
                "code",
                "indicator__code",
                "parent__code",
                "value",
                "deadline",
                "tracking",
                "unit__code",
                "display_unit",
            )
        }
        sections |= set(Plan.objects.filter(code__in=plans).values_list("code", "sections__code"))

        def plan_field(code: str, key: str):
            rec = plans[code]
            return rec.fields[key] if rec.has(key) else (stored_plans.get(code) or {}).get(key)

        unchecked: dict[str, int] = {}
        for rec in b.targets:
            plan_code = rec.refs["plan"]
            plan = plans[plan_code]
            stored = db_targets.get((plan_code, rec.code)) or {}
            f = rec.fields
            if (plan_code, rec.refs["section"]) not in sections:
                self.problem(rec, "section", f"章节 {rec.refs['section']} 不存在")
            unit = rec.refs["unit"]
            if unit not in self.unit_kinds:
                self.problem(rec, "unit", f"单位 {unit} 不存在")
            indicator = (
                rec.refs["indicator"] if rec.has("indicator") else stored.get("indicator__code")
            )
            display_unit = (
                f["display_unit"] if rec.has("display_unit") else stored.get("display_unit")
            )
            if indicator:
                if indicator not in measures_of:
                    self.problem(rec, "indicator", f"指标 {indicator} 不存在")
                elif display_unit and DISPLAY_UNITS[display_unit].measure != measures_of[indicator]:
                    self.problem(
                        rec,
                        "display_unit",
                        f"计量单位 {display_unit} 与指标 {indicator} 的量纲不符",
                    )
            if f.get("rule"):
                self._rule(rec, f["rule"], f.get("rule_params") or {})
            if (
                not stored
                and not rec.refs["quantified"]
                and not f.get("tracking")
                and not f.get("rule")
            ):
                self.problem(rec, "tracking", "没有目标值的目标须说明如何跟踪（tracking）")
            starts_on, ends_on = (
                plan_field(plan_code, "starts_on"),
                plan_field(plan_code, "ends_on"),
            )
            deadline = f["deadline"] if rec.has("deadline") else stored.get("deadline")
            if deadline and starts_on and deadline < starts_on:
                self.problem(rec, "deadline", f"截止日期 {deadline} 早于计划开始日期 {starts_on}")
            elif deadline and ends_on and deadline > ends_on:
                self.warn(rec, "deadline", f"截止日期 {deadline} 晚于计划结束日期 {ends_on}")
            due = deadline or ends_on
            if unit in self.unit_kinds and due:
                begins, ends = self.validity.get(unit, (None, None))
                if (ends and ends < due) or (begins and begins > due):
                    span = f"{begins or '…'} 至 {ends or '…'}"
                    self.problem(
                        rec, "unit", f"单位 {unit} 在截止日期 {due} 时不在存续期内（{span}）"
                    )
            source_text = plan.refs["source_text"]
            if source_text:
                if _squash(rec.fields.get("clause", "")) not in _squash(source_text):
                    self.problem(rec, "clause", "条款未在计划原文中逐字出现")
            else:
                unchecked[plan_code] = unchecked.get(plan_code, 0) + 1
            parent = rec.refs.get("parent") if rec.has("parent") else stored.get("parent__code")
            if parent:
                key = (plan_code, parent)
                whole = file_targets.get(key)
                whole_indicator = (
                    (
                        whole.refs.get("indicator")
                        if whole.has("indicator")
                        else (db_targets.get(key) or {}).get("indicator__code")
                    )
                    if whole
                    else (db_targets.get(key) or {}).get("indicator__code")
                )
                if whole is None and key not in db_targets:
                    self.problem(rec, "parent", f"所属总目标 {parent} 不存在")
                elif whole_indicator != indicator:
                    self.problem(rec, "parent", f"分解目标的指标须与总目标 {parent} 相同")
        for plan_code, count in unchecked.items():
            rec = plans[plan_code]
            declared = (stored_plans.get(plan_code) or {}).get("source_text")
            if declared and not rec.has("source_text"):
                self.problem(
                    rec,
                    "source_text",
                    f"计划 {plan_code} 已声明原文 {declared}，本文件的 {count} 个目标须对照原文核对条款："
                    "请写明 source_text",
                )
            else:
                self.warn(
                    rec, "source_text", f"未提供计划原文（source_text），{count} 个目标的条款未核对"
                )
        parents = {key: (rec.refs.get("parent") or None) for key, rec in file_targets.items()}
        for (plan, code), rec in file_targets.items():
            seen, current = {code}, parents.get((plan, code))
            while current:
                if current in seen:
                    self.problem(rec, "parent", f"目标分解存在循环：{code} → … → {current}")
                    break
                seen.add(current)
                current = parents.get((plan, current))
        self._cascades(file_targets, db_targets)

    def _rule(self, rec: Record, name: str, params: dict) -> None:
        """A commitment's rule must be one the platform computes, with its parameters."""
        rule = commitments.get(name)
        if rule is None:
            known = "、".join(sorted(commitments.registered())) or "无"
            self.problem(rec, "rule", f"计算规则 {name} 不存在（可用：{known}）")
            return
        for key, value in params.items():
            kind = rule.params.get(key)
            if kind is None:
                allowed = "、".join(sorted(rule.params)) or "无"
                self.problem(rec, "rule", f"计算规则 {name} 没有参数 {key}（可用参数：{allowed}）")
            elif isinstance(value, bool) or not isinstance(
                value, kind if kind is not float else (int, float)
            ):
                self.problem(
                    rec,
                    "rule",
                    f"计算规则 {name} 的参数 {key} 应为{_TYPE_NAMES.get(kind, kind.__name__)}",
                )
        if rule.check is not None and set(params) <= set(rule.params):
            message = rule.check(params)
            if message:
                self.problem(rec, "rule", message)

    def _cascades(self, file_targets: dict, db_targets: dict) -> None:
        """Warn where the parts of a whole add up to more than it (a negative remainder)."""
        values, parents, display = {}, {}, {}
        for key, t in db_targets.items():
            values[key], parents[key], display[key] = (
                t["value"],
                t["parent__code"],
                t["display_unit"],
            )
        for key, rec in file_targets.items():
            if rec.has("value"):
                values[key] = rec.fields["value"]
            if rec.has("parent"):
                parents[key] = rec.refs.get("parent") or None
            if rec.has("display_unit"):
                display[key] = rec.fields["display_unit"]
            values.setdefault(key, None)
        parts: dict = {}
        for (plan, code), parent in parents.items():
            if parent:
                parts.setdefault((plan, parent), []).append((plan, code))
        for whole, children in parts.items():
            rec = file_targets.get(whole)
            if rec is None or values.get(whole) is None:
                continue
            allocated = sum((values[c] or 0 for c in children), Decimal(0))
            if allocated > values[whole]:
                unit = display.get(whole) or ""
                shown = _shown_in(unit)
                self.warn(
                    rec,
                    "value",
                    f"分解目标之和 {shown(allocated)} 超过总目标 {shown(values[whole])}，"
                    f"余量为 {shown(values[whole] - allocated)}",
                )


_TYPE_NAMES = {int: "整数", float: "数字", str: "文字", list: "列表"}


def _shown_in(unit: str):
    """Base-unit values as the plan writes them (万平方米 …) for a message."""
    if unit not in DISPLAY_UNITS:
        return format_number
    return lambda value: f"{format_number(from_base(value, unit))} {unit}"


def _squash(text: str) -> str:
    """Compare clauses without the line breaks and spaces a YAML author may fold in."""
    return re.sub(r"\s+", "", text)
