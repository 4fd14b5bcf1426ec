"""Writes of plans. `load_plan_files` is idempotent: loading the same files twice changes
nothing the second time (no saves, no history rows), because each item is compared with
what is stored and written only when it differs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.db import transaction

from territory.models import Belt, Ecosystem, IndustryGroup, Stage, Unit
from territory.services import save_unit

from . import cache
from .models import Indicator, Milestone, Plan, Section, Target
from .planfile import Bundle, Record, read_plan_files


class Summary(Counter):
    """Counts of (kind, outcome), e.g. ("targets", "created") → 12."""

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
        parent = by_key.get(key(rec, rec.refs["parent"]))
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
        parent = units.get(rec.refs["parent"]) if rec.refs["parent"] else None
        stage = Stage.objects.get(code=rec.refs["stage"]) if rec.refs["stage"] else None
        fields = rec.fields | {"parent": parent, "stage": stage, "order": order}
        unit, changed = _upsert(Unit, {"code": rec.code}, fields, summary, "units", save=save_unit)
        units[unit.code] = unit
        changed = _set_m2m(
            unit.extra_districts,
            [units[c] for c in rec.refs["districts"]],
            summary,
            "units",
            changed,
        )
        changed = _set_m2m(
            unit.ecosystems,
            list(Ecosystem.objects.filter(code__in=rec.refs["ecosystems"])),
            summary,
            "units",
            changed,
        )
        _set_m2m(
            unit.industry_groups,
            list(IndustryGroup.objects.filter(code__in=rec.refs["industry_groups"])),
            summary,
            "units",
            changed,
        )

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
    for rec in bundle.indicators:
        indicators[rec.code], _ = _upsert(
            Indicator, {"code": rec.code}, rec.fields, summary, "indicators"
        )

    targets: dict[tuple[str, str], Target] = {}
    target_order = {id(rec): i for i, rec in enumerate(bundle.targets)}
    for rec in _parents_first(bundle.targets, _target_key):
        order = target_order[id(rec)]
        plan = plans[rec.refs["plan"]]
        section = sections.get((plan.code, rec.refs["section"])) or Section.objects.get(
            plan=plan, code=rec.refs["section"]
        )
        indicator = None
        if rec.refs["indicator"]:
            indicator = indicators.get(rec.refs["indicator"]) or Indicator.objects.get(
                code=rec.refs["indicator"]
            )
        parent = None
        if rec.refs["parent"]:
            parent = targets.get((plan.code, rec.refs["parent"])) or Target.objects.get(
                plan=plan, code=rec.refs["parent"]
            )
        fields = rec.fields | {
            "section": section,
            "unit": units[rec.refs["unit"]],
            "indicator": indicator,
            "parent": parent,
            "order": order,
        }
        target, _changed = _upsert(
            Target, {"plan": plan, "code": rec.code}, fields, summary, "targets"
        )
        targets[(plan.code, rec.code)] = target
        wanted = {(due, value) for due, value in rec.refs["milestones"]}
        stored = {(m.due_on, m.value) for m in target.milestones.all()}
        if wanted != stored:
            target.milestones.all().delete()
            Milestone.objects.bulk_create(
                Milestone(target=target, due_on=d, value=v) for d, v in sorted(wanted)
            )
            summary.note("milestones", "updated")
    if summary.changed:
        cache.bump()
    return summary


def load_plan_files(*, paths: list[Path]) -> Summary:
    """Check every file, then write all of them in one transaction, or nothing."""
    return apply_bundle(read_plan_files(paths))
