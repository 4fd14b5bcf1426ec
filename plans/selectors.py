"""Reads of plans and targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from territory.choices import UnitKind

from . import measures
from .models import Indicator, Plan, Section, Target


def current_plan() -> Plan | None:
    return Plan.objects.order_by("-year", "-starts_on").first()


@dataclass
class Cascade:
    """A whole target and its parts (each a target, or a cascade of its own, to any depth),
    with what the parts leave unallocated."""

    whole: Target
    parts: list = field(default_factory=list)  # Target | Cascade
    level: int = 0
    is_cascade = True

    @property
    def allocated(self) -> Decimal:
        return sum(
            (
                (p.whole.value if isinstance(p, Cascade) else p.value) or Decimal(0)
                for p in self.parts
            ),
            Decimal(0),
        )

    @property
    def remainder(self) -> Decimal | None:
        if self.whole.value is None:
            return None
        return self.whole.value - self.allocated

    @property
    def over(self) -> bool:
        """The parts add up to more than the whole (a warning at load and on the pages)."""
        return self.remainder is not None and self.remainder < 0

    def flat(self) -> list[tuple[str, object, int]]:
        """("target", target, level) for the whole and, depth first, every part below it, then
        ("reconciliation", cascade, level) after the parts of each whole."""
        entries: list[tuple[str, object, int]] = [("target", self.whole, self.level)]
        for part in self.parts:
            if isinstance(part, Cascade):
                entries.extend(part.flat())
            else:
                entries.append(("target", part, self.level + 1))
        entries.append(("reconciliation", self, self.level))
        return entries


@dataclass
class SectionView:
    section: Section
    items: list  # Target, or Cascade for a whole with parts


def _targets(plan: Plan) -> QuerySet[Target]:
    return plan.targets.select_related("unit", "indicator", "section", "parent").order_by(
        "section__order", "order"
    )


def _cascade(target: Target, children: dict, level: int = 0) -> Target | Cascade:
    parts = children.get(target.pk)
    if not parts:
        return target
    cascade = Cascade(whole=target, level=level)
    cascade.parts = [_cascade(p, children, level + 1) for p in parts]
    return cascade


def named_on(targets, day, *, tree=None) -> None:
    """Give each target's unit the names it had on `day` (territory.history), in memory only,
    for display: the 2020 plan's page keeps its 2020 zone names after a rename. Pass the tree
    of that day when one is at hand."""
    from territory.history import Tree

    tree = tree or Tree.on(day)
    for t in targets:
        if t.unit_id in tree.nodes:
            node = tree.nodes[t.unit_id]
            t.unit.name, t.unit.name_en = node.name, node.name_en


def plan_sections(plan: Plan, *, day=None) -> list[SectionView]:
    """The plan's targets grouped by section, each whole followed by its parts, to any depth;
    with `day`, units carry the names they had on that day. Two queries (five with `day`)."""
    sections = list(plan.sections.order_by("order"))
    targets = list(_targets(plan))
    if day is not None:
        named_on(targets, day)
    children: dict[int, list[Target]] = {}
    for t in targets:
        if t.parent_id is not None:
            children.setdefault(t.parent_id, []).append(t)
    known = {t.pk for t in targets}
    views = {s.pk: SectionView(section=s, items=[]) for s in sections}
    for t in targets:
        if t.parent_id in known:
            continue
        views[t.section_id].items.append(_cascade(t, children))
    return [views[s.pk] for s in sections]


def cascades(plan: Plan) -> list[Cascade]:
    """Every cascade of the plan, each whole at any depth, outermost first."""
    found: list[Cascade] = []

    def walk(item) -> None:
        if isinstance(item, Cascade):
            found.append(item)
            for part in item.parts:
                walk(part)

    for view in plan_sections(plan):
        for item in view.items:
            walk(item)
    return found


def local_targets(plan: Plan, unit_ids) -> QuerySet[Target]:
    """Targets of the plan set on any of the given units other than the city, nearest unit
    first. City-wide commitments concern everybody and are shown once, on the plan page."""
    return (
        _targets(plan)
        .filter(unit_id__in=unit_ids)
        .exclude(unit__kind=UnitKind.CITY)
        .order_by("-unit__depth", "section__order", "order")
    )


def city_wide_target_count(plan: Plan) -> int:
    return plan.targets.filter(unit__kind=UnitKind.CITY).count()


def plan_counts(plan: Plan) -> dict:
    targets = list(plan.targets.values_list("value", flat=True))
    quantified = sum(1 for v in targets if v is not None)
    return {
        "total": len(targets),
        "quantified": quantified,
        "qualitative": len(targets) - quantified,
    }


@dataclass
class Reconciliation:
    """After a whole's parts: what the parts are set, what they leave, and what they reach."""

    whole: object  # plans.progress.Progress
    parts: int
    allocated: Decimal
    remainder: Decimal | None
    level: int

    @property
    def over(self) -> bool:
        return self.remainder is not None and self.remainder < 0


@dataclass
class ProgressSection:
    section: Section
    rows: list  # plans.progress.Progress, each whole followed by its parts, to any depth
    # What a page or a briefing lays out: ("row", Progress) and, after a whole's parts,
    # ("reconciliation", Reconciliation).
    entries: list = field(default_factory=list)


def plan_progress(
    plan: Plan,
    *,
    day,
    units=None,
    with_drivers: bool = True,
    pending: bool = False,
    engine=None,
) -> list[ProgressSection]:
    """The plan's targets with their progress on `day`, grouped by section, each whole
    followed by its parts to any depth; `units` limits the targets to those set on these units
    (a district's or zone's view). With `pending`, reported values under review count too,
    and the rows they touch are marked. `engine` lets a page share one engine (its trees and
    figures) with its other reads of the same plan."""
    from .progress import Engine, progress

    if engine is None or engine.pending != pending:
        engine = Engine(plan, pending=pending)
    targets = list(_targets(plan))
    if units is not None:
        ids = set(units.values_list("pk", flat=True))
        targets = [t for t in targets if t.unit_id in ids]
    named_on(targets, day, tree=engine.tree(day))  # that day's names, on pages and briefings
    rows = {t.pk: progress(t, day=day, with_drivers=with_drivers, engine=engine) for t in targets}
    children: dict[int, list[Target]] = {}
    for t in targets:
        if t.parent_id in rows:
            children.setdefault(t.parent_id, []).append(t)

    def visit(target: Target, level: int, ordered: list, entries: list) -> None:
        row = rows[target.pk]
        row.level = level
        ordered.append(row)
        entries.append(("row", row))
        parts = children.get(target.pk, [])
        for part in parts:
            visit(part, level + 1, ordered, entries)
        if parts:
            allocated = sum((p.value or Decimal(0) for p in parts), Decimal(0))
            remainder = None if target.value is None else target.value - allocated
            row.reconciliation = Reconciliation(
                whole=row, parts=len(parts), allocated=allocated, remainder=remainder, level=level
            )
            entries.append(("reconciliation", row.reconciliation))

    sections = []
    for section in plan.sections.order_by("order"):
        ordered: list = []
        entries: list = []
        for t in targets:
            if t.section_id == section.pk and t.parent_id not in rows:
                visit(t, 0, ordered, entries)
        if ordered:
            sections.append(ProgressSection(section=section, rows=ordered, entries=entries))
    return sections


def month_ends(plan: Plan, *, until) -> list:
    """The last day of each month of the plan up to `until`, for the as-of selector."""
    import datetime as dt

    days = []
    year, month = plan.starts_on.year, plan.starts_on.month
    while True:
        next_first = dt.date(year + month // 12, month % 12 + 1, 1)
        end = next_first - dt.timedelta(days=1)
        if end > min(until, plan.ends_on):
            break
        days.append(end)
        year, month = next_first.year, next_first.month
    return days


@dataclass
class Contribution:
    target: Target  # a quantified target on a unit above the one looked at
    value: Decimal  # what the unit looked at contributes
    whole: Decimal | None  # the target's own unit's value, for the share

    @property
    def share_of_whole(self) -> Decimal | None:
        return self.value / self.whole * 100 if self.whole else None

    @property
    def share_of_target(self) -> Decimal | None:
        return self.value / self.target.value * 100 if self.target.value else None


def contributions(plan: Plan, unit, *, day) -> list[Contribution]:
    """What `unit` adds to each quantified target set on a unit above it (its district, the
    city): the same indicator measured over `unit`'s subtree."""
    import copy

    from .progress import Engine

    engine = Engine(plan)
    above = set(unit.ancestor_ids()[:-1])
    result = []
    for target in (
        _targets(plan).filter(unit_id__in=above).exclude(value=None).exclude(indicator=None)
    ):
        mine = copy.copy(target)
        mine.unit = unit
        value = engine.value(mine, day)
        if value is None:
            continue
        result.append(Contribution(target=target, value=value, whole=engine.value(target, day)))
    return result


@dataclass
class ZoneProgress:
    """For the map: each zone coloured by the share reached of the nearest quantified target
    above it on one indicator (its district's, else the city's), with its own contribution."""

    choices: list[tuple[str, Indicator]]  # (key, indicator), one per indicator with a target
    shares: dict[int, dict[str, float | None]]  # zone id → key → share reached (0..1+)
    values: dict[int, dict[str, float]]  # zone id → key → the zone's own value


def _measured_targets(plan: Plan) -> list[tuple[Target, Indicator, Decimal]]:
    """Quantified targets whose indicator Zoneplan measures from its registries, each with
    its indicator and its (non-zero) value."""
    return [
        (t, t.indicator, t.value)
        for t in _targets(plan).exclude(value=None).exclude(indicator=None)
        if t.indicator is not None and t.value and measures.get(t.indicator.code) is not None
    ]


def zone_progress_choices(plan: Plan) -> list[tuple[str, Indicator]]:
    """The indicators a map can colour zones by, as (key, indicator)."""
    indicators = {i.code: i for _t, i, _v in _measured_targets(plan)}
    return [(f"target:{c}", indicators[c]) for c in sorted(indicators)]


def zone_progress(plan: Plan, zone_paths: dict[int, str], *, day) -> ZoneProgress:
    """`zone_paths` maps each zone's id to its tree path. One grouped query per indicator."""
    from .progress import Engine

    engine = Engine(plan)
    measured = _measured_targets(plan)
    by_indicator: dict[str, dict[int, Target]] = {}  # indicator code → unit id → target
    indicators: dict[str, Indicator] = {}
    aims: dict[int, Decimal] = {}  # target id → its value
    for t, indicator, aim in measured:
        by_indicator.setdefault(indicator.code, {})[t.unit_id] = t
        indicators[indicator.code] = indicator
        aims[t.pk] = aim
    reached = {t.pk: engine.value(t, day) for t, _i, _v in measured}
    shares: dict[int, dict[str, float | None]] = {z: {} for z in zone_paths}
    values: dict[int, dict[str, float]] = {z: {} for z in zone_paths}
    for code, on_unit in by_indicator.items():
        mine = engine.zone_values(code, day)
        key = f"target:{code}"
        for zone_id, path in zone_paths.items():
            ancestors = [int(a) for a in path.strip("/").split("/")][::-1]  # nearest first
            target = next((on_unit[a] for a in ancestors if a in on_unit), None)
            if target is None:
                continue
            value = reached[target.pk]
            shares[zone_id][key] = (
                None if value is None else round(float(value / aims[target.pk]), 4)
            )
            # combine: some measures hold sets (an enterprise counted once across zones)
            values[zone_id][key] = float(
                measures.combine([mine[zone_id]] if zone_id in mine else [])
            )
    return ZoneProgress(
        choices=[(f"target:{c}", indicators[c]) for c in sorted(by_indicator)],
        shares=shares,
        values=values,
    )


# The words of a status, the same for quantified targets and rule commitments (docs/progress.md).
STATUS_WORDS = ("met", "on_track", "at_risk", "behind", "missed", "no_data")


def _plain(value) -> str | None:
    """A Decimal as plain digits without trailing zeros: 66.0000 → "66", 1E+7 → "10000000"."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def progress_record(row) -> dict:
    """One target's progress as plain data: what `manage.py progress --format json` prints and
    the API serves. Values are in base units (m², yuan, count; a ratio as a fraction)."""
    from core.quantities import format_quantity
    from core.templatetags.zoneplan import status_label

    target = row.target
    unit = getattr(row, "unit_code", None) or target.unit.code
    record = {
        "target": target.code,
        "title": target.title,
        "unit": unit,
        "indicator": target.indicator.code if target.indicator_id else None,
        # A commitment without a number: the rule that computes it (plans.commitments), or
        # None while it is only tracked in words.
        "rule": target.rule or None,
        "value": _plain(row.value),
        "target_value": _plain(target.value),
        "display_unit": target.display_unit,
        "deadline": target.deadline.isoformat() if target.deadline else None,
        "percent": None if row.percent is None else float(round(row.percent, 2)),
        # A commitment with no rule yet reads "no data"; its basis says how it is tracked.
        "status": row.status if row.status in STATUS_WORDS else "no_data",
        "status_label": str(status_label(row.status if row.status in STATUS_WORDS else "no_data")),
        "pending": bool(row.pending),
        "basis": getattr(row, "basis", "") or "",
    }
    if not record["basis"] and target.value is None:
        record["basis"] = _("No rule computes this commitment yet: %(tracking)s") % {
            "tracking": target.tracking_en
            if target.tracking_en and not (translation.get_language() or "zh").startswith("zh")
            else target.tracking
        }
    elif not record["basis"] and target.indicator_id:
        indicator = target.indicator.name
        if translation.get_language() and not translation.get_language().startswith("zh"):
            indicator = target.indicator.name_en or indicator
        shown = format_quantity(row.value, target.display_unit) if row.value is not None else "—"
        record["basis"] = _("%(indicator)s: %(value)s of %(target)s") % {
            "indicator": indicator,
            "value": shown,
            "target": format_quantity(target.value, target.display_unit),
        }
    return record
