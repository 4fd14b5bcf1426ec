"""Where each target stands on a given day: value, share of the target, pace, forecasts and
a status. The rule is in docs/progress.md; the numbers are in the target's base unit.

Pace is per month. The recent pace is the gain over the last three months (or since the
plan's start, when that is nearer); the pace needed is what remains divided by the months to
the deadline. The trend forecast extends the recent pace to the deadline; the pipeline
forecast adds what registries schedule to count by then (planned starts and completions).
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from territory.history import Tree
from territory.models import Unit

from . import commitments, figures, measures, parameters
from .choices import Comparator, IndicatorKind, Periods, Rollup
from .models import ReportedValue, Target

REPORTED = figures.label_of(ReportedValue)

DAYS_PER_MONTH = Decimal("30.4375")
AT_RISK_SHARE = Decimal(
    "0.8"
)  # a forecast reaching 80% of the target is "at risk", below it "behind"
RECENT_MONTHS = 3


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    MISSED = "missed"
    NO_DATA = "no_data"
    QUALITATIVE = "qualitative"


@dataclass
class Progress:
    target: Target
    day: dt.date
    status: str
    value: Decimal | None = None
    earlier: Decimal | None = None  # the value at the start of the recent window
    window_months: Decimal = Decimal(0)
    percent: Decimal | None = None
    remaining: Decimal | None = None
    months_left: Decimal = Decimal(0)
    pace_needed: Decimal | None = None
    pace_recent: Decimal | None = None
    forecast_trend: Decimal | None = None
    forecast_pipeline: Decimal | None = None
    drivers: list = field(default_factory=list)
    pending: bool = False  # the value counts figures the city has not yet approved
    level: int = 0  # depth in its cascade (a part of a part is 2)
    basis: str = ""  # for a rule commitment: what was counted (plans.commitments)
    finding: object = None  # plans.commitments.Finding, for a rule commitment
    reconciliation: object = None  # plans.selectors.Reconciliation, for a whole with parts

    @property
    def forecast(self) -> Decimal | None:
        candidates = [f for f in (self.forecast_trend, self.forecast_pipeline) if f is not None]
        return max(candidates) if candidates else None


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def months_between(start: dt.date, end: dt.date) -> Decimal:
    return max(Decimal(0), Decimal((end - start).days) / DAYS_PER_MONTH)


class Engine:
    """Progress of many targets on one day with a constant number of queries: each measure is
    asked once per day for every unit that holds items (one grouped query), each reported
    indicator read once per day, and each target rolls up the units that count under its
    unit on that day, over the tree as it then stood (territory.history)."""

    def __init__(self, plan, *, pending: bool = False):
        self.plan = plan
        self.pending = pending  # count reported values still under review (then marked)
        self.used_pending: set[tuple[int, dt.date]] = set()  # (target, day) that counted them
        self._trees: dict[dt.date, Tree] = {}
        self._values: dict[tuple, dict] = {}
        self._pending_units: dict[tuple, set[int]] = {}  # (indicator, day) → units pending
        self.stamps = figures.Stamps()  # read once for this engine (plans.figures)

    def memo(self, key: tuple, compute):
        """`compute()` once per engine (one request) for `key`."""
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]

    def tree(self, day: dt.date) -> Tree:
        if day not in self._trees:
            self._trees[day] = shared_tree(day, self.memo(("tree-version",), tree_version))
        return self._trees[day]

    def _by_zone(self, code: str, fn, day: dt.date, **extra) -> dict:
        """A measure's per-unit values on `day` (`fn` is its by_zone or pipeline_by_zone),
        from the zone figures when the measure names the models it reads."""
        measure = measures.get(code)
        reads = measure.reads if measure is not None else ()
        if measure is not None and measure.parameter:
            extra = {**parameters.of_plan(self.plan, measure.parameter), **extra}
        return self.per_zone(
            f"measure:{code}:{fn.__name__}",
            lambda units: fn(units, start=self.plan.starts_on, day=day, **extra),
            day,
            reads=reads,
            **extra,
        )

    def per_zone(self, source: str, compute, day: dt.date, *, reads: tuple[str, ...], **extra):
        """{unit id: value} of `source` on `day`: `compute(units)` answers for units given as
        a queryset or a list of ids. Kept in the zone figures (plans.figures) when `reads` names the tracked models
        it reads; computed each time otherwise. Once per engine for each source and day."""
        key = figures.key_of(source, start=self.plan.starts_on, day=day, **extra)
        if key not in self._values:
            if reads:

                def units(ids):
                    # A few units by their ids (an index lookup), or all of them.
                    return compute(Unit.objects.all() if ids is None else ids)

                self._values[key] = figures.per_unit(key, units, reads=reads, stamps=self.stamps)
            else:
                self._values[key] = compute(Unit.objects.all())
        return self._values[key]

    def members(self, indicator, unit_id: int, day: dt.date) -> list[int]:
        """The units whose values make `indicator`'s value for `unit_id` on `day`."""
        tree = self.tree(day)
        if indicator.rollup == Rollup.OWN:
            ids = tree.own(unit_id)
        else:
            ids = tree.members(unit_id)
        if indicator.kind == IndicatorKind.REPORTED:
            if indicator.rollup == Rollup.SUM:
                ids = [pk for pk in ids if tree.kind(pk) == indicator.level]
            if indicator.periods == Periods.LATEST:
                # A stock is reported by the units in force; a closed one's last value is
                # not carried on beside its successor's.
                ids = [pk for pk in ids if tree.exists(pk)]
        return ids

    def indicator_value(self, indicator, unit_id: int, day: dt.date) -> Decimal | None:
        """`indicator`'s value for the unit on `day` by its roll-up rule; None without data."""
        if day < self.plan.starts_on:
            return Decimal(0)
        if indicator.rollup == Rollup.RATIO:
            if indicator.numerator_id is None or indicator.denominator_id is None:
                return None
            top = self.indicator_value(indicator.numerator, unit_id, day)
            bottom = self.indicator_value(indicator.denominator, unit_id, day)
            if top is None or not bottom:
                return None
            return top / bottom
        values = self.unit_values(indicator, day)
        if values is None:
            return None
        ids = self.members(indicator, unit_id, day)
        present = [values[pk] for pk in ids if pk in values]
        if indicator.kind == IndicatorKind.REPORTED and not present:
            return None
        return measures.combine(present)

    def unit_values(self, indicator, day: dt.date) -> dict | None:
        """{unit id: value} of the units that hold a value on `day` (None: no source)."""
        if indicator.kind == IndicatorKind.REPORTED:
            if self.pending:
                key = ("reported", indicator.pk, indicator.periods, day)
                if key not in self._values:
                    self._values[key] = self._reported(indicator, day)
                return self._values[key]
            return self.per_zone(
                f"reported:{indicator.pk}:{indicator.periods}",
                lambda units: self._reported(indicator, day, units=units),
                day,
                reads=(REPORTED,),
            )
        measure = measures.get(indicator.code)
        if measure is None:
            return None
        return self._by_zone(indicator.code, measure.by_zone, day)

    def _reported(self, indicator, day: dt.date, *, units=None) -> dict[int, Decimal]:
        """Each unit's value on `day`: its latest period's (a stock) or the sum of the plan's
        periods so far (a flow). One query; with `pending`, values under review replace the
        approved ones for the same or a later period and are remembered. `units` limits it
        to some units (a queryset)."""
        rows = ReportedValue.objects.filter(indicator=indicator, period_end__lte=day)
        if units is not None:
            rows = rows.filter(unit__in=units)
        if indicator.periods == Periods.CUMULATIVE:
            rows = rows.filter(period_end__gte=self.plan.starts_on)
            approved = {
                unit: (None, total)
                for unit, total in rows.values("unit_id")
                .annotate(total=Sum("value"))
                .values_list("unit_id", "total")
            }
        else:
            latest = ReportedValue.objects.filter(
                indicator=indicator, unit=OuterRef("pk"), period_end__lte=day
            ).order_by("-period_end")
            approved = {
                pk: (end, value)
                for pk, value, end in Unit.objects.filter(pk__in=rows.values("unit_id"))
                .annotate(
                    latest=Subquery(latest.values("value")[:1]),
                    latest_end=Subquery(latest.values("period_end")[:1]),
                )
                .values_list("pk", "latest", "latest_end")
                if value is not None
            }
        source = measures.pending_source() if self.pending else None
        pending_units: set[int] = set()
        if source is not None:
            tree = self.tree(day)
            candidates = [pk for pk in tree.nodes if tree.begun(pk)]
            found = source.values(indicator, candidates, day)
            if indicator.periods == Periods.CUMULATIVE and found:
                stored = {
                    (u, end): v
                    for u, end, v in ReportedValue.objects.filter(
                        indicator=indicator, unit_id__in=list(found)
                    ).values_list("unit_id", "period_end", "value")
                }
                for pk, (end, value) in found.items():
                    if end < self.plan.starts_on:
                        continue
                    total = approved.get(pk, (None, Decimal(0)))[1]
                    approved[pk] = (None, total - stored.get((pk, end), Decimal(0)) + value)
                    pending_units.add(pk)
            else:
                for pk, (end, value) in found.items():
                    if pk not in approved or end >= approved[pk][0]:
                        approved[pk] = (end, value)
                        pending_units.add(pk)
        self._pending_units[(indicator.pk, day)] = pending_units
        return {pk: value for pk, (_end, value) in approved.items()}

    def counted_pending(self, indicator, unit_id: int, day: dt.date) -> bool:
        """Whether `indicator`'s value for the unit on `day` counts a value under review."""
        if indicator.rollup == Rollup.RATIO:
            return any(
                part is not None and self.counted_pending(part, unit_id, day)
                for part in (indicator.numerator, indicator.denominator)
            )
        pending = self._pending_units.get((indicator.pk, day), set())
        return bool(pending) and any(pk in pending for pk in self.members(indicator, unit_id, day))

    def finding(self, target: Target, rule, day: dt.date):
        """A rule commitment's finding for its unit on `day` (once per rule, parameters, unit
        and day)."""
        key = ("rule", target.rule, repr(sorted(target.rule_params.items())), target.unit_id, day)
        if key not in self._values:
            self._values[key] = rule.evaluate(self, target.unit_id, day, **target.rule_params)
        return self._values[key]

    def value(self, target: Target, day: dt.date) -> Decimal | None:
        value = self.indicator_value(target.indicator, target.unit_id, day)
        if self.pending and self.counted_pending(target.indicator, target.unit_id, day):
            self.used_pending.add((target.pk, day))
        return value

    def zone_values(self, code: str, day: dt.date) -> dict[int, Decimal]:
        """A derived indicator's value for every unit holding items on `day`."""
        measure = measures.get(code)
        if measure is None or day < self.plan.starts_on:
            return {}
        return self._by_zone(code, measure.by_zone, day)

    def summed(self, values: dict, unit_id: int, day: dt.date, *, within=None):
        """Per-unit tallies (tuples of numbers, added place by place; or sets of keys, united)
        of the units counting under `unit_id` on `day` (only those in `within`, if given);
        None when none of them has a tally."""
        ids = self.tree(day).members(unit_id)
        present = [values[pk] for pk in ids if pk in values and (within is None or pk in within)]
        if not present:
            return None
        if isinstance(present[0], set):
            return set().union(*present)
        return tuple(sum(column, Decimal(0)) for column in zip(*present, strict=True))

    def drivers(self, target: Target, measure, day: dt.date, deadline: dt.date) -> list[dict]:
        """The late items under the target's unit on `day`, the longest late first: each zone's
        first few are kept in the zone figures; the first of them all are described."""
        code = target.indicator.code
        per_zone = self.per_zone(
            f"measure:{code}:drivers",
            lambda units: measure.drivers.late_by_zone(units, day=day, deadline=deadline),
            day,
            reads=measure.reads,
            deadline=deadline,
        )
        ids = self.members(target.indicator, target.unit_id, day)
        late = heapq.nsmallest(
            measures.DRIVERS_SHOWN, (item for pk in ids for item in per_zone.get(pk, ()))
        )
        if not late:
            return []
        return measure.drivers.describe([pk for _since, pk in late], day=day, deadline=deadline)

    def pipeline(self, target: Target, day: dt.date, deadline: dt.date) -> Decimal | None:
        indicator = target.indicator
        measure = (
            measures.get(indicator.code)
            if indicator.kind == IndicatorKind.DERIVED and indicator.rollup != Rollup.RATIO
            else None
        )
        if measure is None or measure.pipeline_by_zone is None:
            return None
        values = self._by_zone(indicator.code, measure.pipeline_by_zone, day, deadline=deadline)
        ids = self.members(indicator, target.unit_id, day)
        return measures.combine(values[z] for z in ids if z in values)


TREE_LABELS = ("territory.Unit", "territory.UnitVersion", "territory.UnitSuccession")


def tree_version() -> tuple:
    """What the tree of any day depends on: the stamps that saves of units, their versions and
    successions move on (plans.figures), and the rows' counts and highest keys, which also
    change with a bulk insert that sends no signal."""
    from territory.models import UnitSuccession, UnitVersion

    stamps = figures.Stamps().of(TREE_LABELS)
    shape = tuple(
        tuple(model.objects.aggregate(n=Count("pk"), top=Max("pk")).values())
        for model in (Unit, UnitVersion, UnitSuccession)
    )
    return (tuple(sorted(stamps.items())), shape)


@functools.lru_cache(maxsize=32)
def shared_tree(day: dt.date, version: tuple) -> Tree:
    """The tree of `day`, built once per process for each version of the units (a day's tree
    of 3,000 units takes three queries and some 20 ms to build and index). Read-only."""
    tree = Tree.on(day)
    tree.members(0)  # build the index now, not in a reader
    return tree


def value_of(target: Target, *, day: dt.date) -> Decimal | None:
    """The indicator's value for the target's unit on `day`; None without a source."""
    return Engine(target.plan).value(target, day)


def _meets(comparator: str, value: Decimal, goal: Decimal) -> bool:
    if comparator == Comparator.LTE:
        return value <= goal
    if comparator == Comparator.EQ:
        return value == goal
    return value >= goal


def progress(
    target: Target, *, day: dt.date, with_drivers: bool = False, engine: Engine | None = None
) -> Progress:
    if not target.is_quantified:
        rule = commitments.get(target.rule) if target.rule else None
        if rule is None:
            return Progress(target=target, day=day, status=Status.QUALITATIVE)
        engine = engine or Engine(target.plan)
        finding = engine.finding(target, rule, day)
        reached = commitments.share(finding) if finding else None
        return Progress(
            target=target,
            day=day,
            status=commitments.status_of(
                finding,
                day=day,
                starts_on=target.plan.starts_on,
                ends_on=target.deadline or target.plan.ends_on,
            ),
            percent=None if reached is None else reached * 100,
            basis=finding.basis if finding else _("Nothing to count yet"),
            finding=finding,
        )
    engine = engine or Engine(target.plan)
    deadline = target.deadline
    value = engine.value(target, day)
    if value is None:
        return Progress(target=target, day=day, status=Status.NO_DATA)
    goal = target.value
    result = Progress(
        target=target,
        day=day,
        status=Status.BEHIND,
        value=value,
        pending=(target.pk, day) in engine.used_pending,
    )
    result.percent = (value / goal * 100) if goal else None
    result.remaining = max(Decimal(0), goal - value)
    result.months_left = months_between(day, deadline)
    start = target.plan.starts_on
    window_start = max(months_back(day, RECENT_MONTHS), start)
    result.window_months = months_between(window_start, day)
    result.earlier = (
        engine.value(target, window_start - dt.timedelta(days=1))
        if window_start > start
        else Decimal(0)
    )
    if result.window_months > 0 and result.earlier is not None:
        result.pace_recent = (value - result.earlier) / result.window_months
    if result.months_left > 0:
        result.pace_needed = result.remaining / result.months_left
    if result.pace_recent is not None:
        result.forecast_trend = value + result.pace_recent * result.months_left
    if day < deadline:
        pending = engine.pipeline(target, day, deadline)
        if pending is not None:
            result.forecast_pipeline = value + pending
    result.status = _status(target.comparator, value, goal, result.forecast, day >= deadline)
    measure = (
        measures.get(target.indicator.code)
        if target.indicator.kind == IndicatorKind.DERIVED
        and target.indicator.rollup != Rollup.RATIO
        else None
    )
    if (
        with_drivers
        and measure
        and measure.drivers
        and result.status in (Status.AT_RISK, Status.BEHIND, Status.MISSED)
    ):
        result.drivers = engine.drivers(target, measure, day, deadline)
    return result


def _status(
    comparator: str, value: Decimal, goal: Decimal, forecast: Decimal | None, deadline_passed: bool
) -> str:
    if _meets(comparator, value, goal):
        return Status.MET
    if deadline_passed:
        return Status.MISSED
    if forecast is not None and _meets(comparator, forecast, goal):
        return Status.ON_TRACK
    if comparator == Comparator.GTE and forecast is not None and forecast >= goal * AT_RISK_SHARE:
        return Status.AT_RISK
    return Status.BEHIND
