"""Writes of plans. `load_plan_files` is idempotent: loading the same files twice changes
nothing the second time (no saves, no history rows), because each item is compared with
what is stored and written only when it differs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.db import transaction

from territory.models import BEGINNING, Belt, Ecosystem, IndustryGroup, Stage, Unit
from territory.services import record_change, record_succession, save_unit

from . import cache
from .models import Indicator, Milestone, Plan, Section, Target
from .planfile import Bundle, Record, read_plan_files


class Summary(Counter):
    """Counts of (kind, outcome), e.g. ("targets", "created") → 12, and the warnings of the
    files loaded (plans.planfile.Problem)."""

    warnings: list

    def note(self, kind: str, outcome: str) -> None:
        self[(kind, outcome)] += 1

    @property
    def changed(self) -> int:
        return sum(n for (_kind, outcome), n in self.items() if outcome != "unchanged")


def _upsert(model, lookup: dict, fields: dict, summary: Summary, kind: str, *, save=None):
    """Create or update one row; return (object, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **fields)
        outcome = "created"
    else:
        differs = {k: v for k, v in fields.items() if getattr(obj, k) != v}
        if not differs:
            summary.note(kind, "unchanged")
            return obj, False
        for k, v in differs.items():
            setattr(obj, k, v)
        outcome = "updated"
    (save or (lambda o: o.save()))(obj)
    summary.note(kind, outcome)
    return obj, True


def _set_m2m(manager, wanted: list, summary: Summary, kind: str, changed: bool) -> bool:
    current = {o.pk for o in manager.all()}
    if current != {o.pk for o in wanted}:
        manager.set(wanted)
        if not changed:
            summary.note(kind, "updated")
            summary[(kind, "unchanged")] -= 1
        return True
    return changed


def _parents_first(records: list[Record], key) -> list[Record]:
    """Records in an order where each parent from the files comes before its children.
    `key(record, code)` names a record within its scope (targets are per plan, units global).
    The reader has already refused cycles."""
    by_key = {key(r, r.code): r for r in records}
    done: set = set()
    ordered: list[Record] = []

    def visit(rec: Record) -> None:
        if key(rec, rec.code) in done:
            return
        done.add(key(rec, rec.code))
        parent = by_key.get(key(rec, rec.refs.get("parent")))
        if parent:
            visit(parent)
        ordered.append(rec)

    for rec in records:
        visit(rec)
    return ordered


def _unit_key(rec: Record, code: str) -> str:
    return code


def _target_key(rec: Record, code: str) -> tuple[str, str]:
    return (rec.refs["plan"], code)


@transaction.atomic
def apply_bundle(bundle: Bundle) -> Summary:
    summary = Summary()
    for kind, model, records in (
        ("industry_groups", IndustryGroup, bundle.industry_groups),
        ("ecosystems", Ecosystem, bundle.ecosystems),
        ("stages", Stage, bundle.stages),
    ):
        for order, rec in enumerate(records):
            _upsert(model, {"code": rec.code}, rec.fields | {"order": order}, summary, kind)

    units = {u.code: u for u in Unit.objects.all()}
    unit_order = {id(rec): i for i, rec in enumerate(bundle.units)}
    for rec in _parents_first(bundle.units, _unit_key):
        order = unit_order[id(rec)]
        stored = units.get(rec.code)
        fields = rec.fields | {"order": order}
        if rec.has("parent") or stored is None:
            parent = rec.refs.get("parent")
            fields["parent"] = units.get(parent) if parent else None
        if rec.has("stage"):
            code = rec.refs["stage"]
            fields["stage"] = Stage.objects.get(code=code) if code else None
        first_version = {}
        if stored is not None and stored.versions.exists():
            # The entry describes the unit as it began; later states are dated changes.
            first_version = {
                k: fields.pop(k) for k in ("parent", "kind", "name", "name_en") if k in fields
            }
        unit, changed = _upsert(Unit, {"code": rec.code}, fields, summary, "units", save=save_unit)
        if first_version and record_change(unit=unit, on=BEGINNING, **first_version):
            unit.refresh_from_db()
            if not changed:
                summary.note("units", "updated")
                summary[("units", "unchanged")] -= 1
                changed = True
        units[unit.code] = unit
        for key, manager, wanted in (
            ("districts", unit.extra_districts, lambda codes: [units[c] for c in codes]),
            (
                "ecosystems",
                unit.ecosystems,
                lambda codes: list(Ecosystem.objects.filter(code__in=codes)),
            ),
            (
                "industry_groups",
                unit.industry_groups,
                lambda codes: list(IndustryGroup.objects.filter(code__in=codes)),
            ),
        ):
            if rec.has(key):
                changed = _set_m2m(manager, wanted(rec.refs[key]), summary, "units", changed)

    for rec in bundle.changes:
        _apply_change(rec, units, summary)

    for order, rec in enumerate(bundle.belts):
        fields = rec.fields | {
            "order": order,
            "anchor_zone": units[rec.refs["anchor_zone"]],
            "partner_city": units[rec.refs["partner_city"]],
        }
        _upsert(Belt, {"code": rec.code}, fields, summary, "belts")

    plans = {}
    for rec in bundle.plans:
        plans[rec.code], _ = _upsert(Plan, {"code": rec.code}, rec.fields, summary, "plans")
    sections = {}
    for order, rec in enumerate(bundle.sections):
        plan = plans[rec.refs["plan"]]
        sections[(plan.code, rec.code)], _ = _upsert(
            Section,
            {"plan": plan, "code": rec.code},
            rec.fields | {"order": order},
            summary,
            "sections",
        )
    indicators = {}
    noted: set[str] = set()  # created or updated already: a change of parts is part of it
    for rec in bundle.indicators:
        indicators[rec.code], changed = _upsert(
            Indicator, {"code": rec.code}, rec.fields, summary, "indicators"
        )
        if changed:
            noted.add(rec.code)
    for rec in bundle.indicators:  # a ratio names its parts, which may come later in the file
        parts = {}
        for key in ("numerator", "denominator"):
            if rec.has(key) or rec.fields.get("rollup"):
                code = rec.refs.get(key)
                parts[key] = (
                    (indicators.get(code) or Indicator.objects.get(code=code)) if code else None
                )
        indicator = indicators[rec.code]
        differs = {k: v for k, v in parts.items() if getattr(indicator, k) != v}
        if differs:
            for key, value in differs.items():
                setattr(indicator, key, value)
            indicator.save()
            if rec.code not in noted:
                summary.note("indicators", "updated")
                summary[("indicators", "unchanged")] -= 1

    targets: dict[tuple[str, str], Target] = {}
    target_order = {id(rec): i for i, rec in enumerate(bundle.targets)}
    for rec in _parents_first(bundle.targets, _target_key):
        order = target_order[id(rec)]
        plan = plans[rec.refs["plan"]]
        section = sections.get((plan.code, rec.refs["section"])) or Section.objects.get(
            plan=plan, code=rec.refs["section"]
        )
        fields = rec.fields | {
            "section": section,
            "unit": units[rec.refs["unit"]],
            "order": order,
        }
        known = Target.objects.filter(plan=plan, code=rec.code).exists()
        if rec.has("indicator") or not known:
            code = rec.refs.get("indicator")
            fields["indicator"] = (
                (indicators.get(code) or Indicator.objects.get(code=code)) if code else None
            )
        if rec.has("parent") or not known:
            code = rec.refs.get("parent")
            fields["parent"] = (
                targets.get((plan.code, code)) or Target.objects.get(plan=plan, code=code)
                if code
                else None
            )
        target, _changed = _upsert(
            Target, {"plan": plan, "code": rec.code}, fields, summary, "targets"
        )
        targets[(plan.code, rec.code)] = target
        if "milestones" not in rec.refs:
            continue
        due = {(on, value) for on, value in rec.refs["milestones"]}
        if due != {(m.due_on, m.value) for m in target.milestones.all()}:
            target.milestones.all().delete()
            Milestone.objects.bulk_create(
                Milestone(target=target, due_on=d, value=v) for d, v in sorted(due)
            )
            summary.note("milestones", "updated")
    if summary.changed:
        cache.bump()
    summary.warnings = list(bundle.warnings)
    return summary


def _apply_change(rec: Record, units: dict, summary: Summary) -> None:
    """A dated move, rename, merge or split (checked by the resolver)."""
    kind, on = rec.refs["kind"], rec.fields["on"]
    named = [units[c] for c in rec.refs["units"]]
    if kind == "move":
        changed = record_change(unit=named[0], on=on, parent=units[rec.refs["parent"]])
    elif kind == "rename":
        names = {k: rec.fields[k] for k in ("name", "name_en") if k in rec.fields}
        changed = record_change(unit=named[0], on=on, **names)
    else:
        changed = record_succession(
            predecessors=named, successors=[units[c] for c in rec.refs["into"]], on=on, kind=kind
        )
    for unit in named:
        unit.refresh_from_db()
    summary.note("changes", "created" if changed else "unchanged")


def load_plan_files(*, paths: list[Path]) -> Summary:
    """Check every file, then write all of them in one transaction, or nothing."""
    return apply_bundle(read_plan_files(paths))
