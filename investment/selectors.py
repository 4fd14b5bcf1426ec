"""Reads of the investment pipeline: the 三率 and 资金到位率 of a unit on a day, from the
plan's indicators (investment.measures) through the progress engine, so that they count the
zones under the unit as the tree stood that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from core.templatetags.zoneplan import localized
from plans.models import Indicator

# The rates, in the order pages show them (codes of the plan file's indicators).
RATE_CODES = ("performance_rate", "start_rate", "production_rate", "capital_rate", "listed_share")


@dataclass(frozen=True)
class Rate:
    code: str
    name: str
    definition: str
    done: Decimal | None
    of: Decimal | None
    is_money: bool

    @property
    def percent(self) -> Decimal | None:
        if self.done is None or not self.of:
            return None
        return self.done / self.of * 100


def pipeline_rates(engine, unit_id: int, day: dt.date) -> list[Rate]:
    """The rates for the unit on the day (none when the plan file defines none). Their counts
    share one query per set of zones (investment.measures.one_table)."""
    from .measures import one_table

    with one_table():
        return _rates(engine, unit_id, day)


def _rates(engine, unit_id: int, day: dt.date) -> list[Rate]:
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(code__in=RATE_CODES).select_related(
            "numerator", "denominator"
        )
    }
    rates = []
    for code in RATE_CODES:
        indicator = indicators.get(code)
        if indicator is None or indicator.numerator is None or indicator.denominator is None:
            continue
        rates.append(
            Rate(
                code=code,
                name=localized(indicator),
                definition=localized(indicator, "definition"),
                done=engine.indicator_value(indicator.numerator, unit_id, day),
                of=engine.indicator_value(indicator.denominator, unit_id, day),
                is_money=indicator.denominator.measure == "money",
            )
        )
    return rates


# ── Warnings (预警), from rules that are data ──


@dataclass(frozen=True)
class WarningCheck:
    kind: str
    days: int
    level: str

    @property
    def reason(self) -> str:
        from .choices import WarningKind

        reasons: dict[str, str] = {
            WarningKind.SIGNED_NOT_STARTED: gettext(
                "Signed %(n)s days ago or more and not started"
            ),
            WarningKind.LATE_PRODUCTION: gettext(
                "Not in production %(n)s days after the contract's production day"
            ),
            WarningKind.NO_FOLLOW_UP: gettext("No follow-up for %(n)s days or more"),
        }
        return reasons[self.kind] % {"n": self.days}


def warning_rules() -> list[WarningCheck]:
    """The rules in force: the admin's, or the defaults while there are none."""
    from .choices import DEFAULT_WARNING_RULES
    from .models import WarningRule

    rows = list(WarningRule.objects.all())
    if not rows:
        return [WarningCheck(str(k), d, str(level)) for k, d, level in DEFAULT_WARNING_RULES]
    return [WarningCheck(r.kind, r.days, r.level) for r in rows if r.is_active]


def _last_activity():
    """The latest change recorded on a project: its own history or its stage log."""
    from django.db.models import Max, OuterRef, Subquery
    from django.db.models.functions import Coalesce, Greatest

    from .models import InvestmentProject, StageChange

    edited = (
        InvestmentProject.history.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(last=Max("history_date"))
        .values("last")
    )
    logged = (
        StageChange.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(last=Max("recorded_at"))
        .values("last")
    )
    return Greatest(
        Coalesce(Subquery(edited), Subquery(logged)), Coalesce(Subquery(logged), Subquery(edited))
    )


def warning_condition(check: WarningCheck, day: dt.date) -> Q:
    """The projects `check` flags on `day`, as a condition the database evaluates."""
    from .choices import WarningKind

    limit = day - dt.timedelta(days=check.days)
    not_started = Q(started_on__isnull=True) | Q(started_on__gt=day)
    not_producing = Q(production_on__isnull=True) | Q(production_on__gt=day)
    if check.kind == WarningKind.SIGNED_NOT_STARTED:
        return Q(signed_on__lte=limit) & not_started
    if check.kind == WarningKind.LATE_PRODUCTION:
        return Q(contract_production_on__lt=limit) & not_producing
    # A lead or negotiation (reached by the day, not signed by it) untouched since the limit.
    not_signed = Q(signed_on__isnull=True) | Q(signed_on__gt=day)
    in_talks = Q(lead_on__lte=day) | Q(negotiating_on__lte=day)
    end = timezone.make_aware(dt.datetime.combine(limit + dt.timedelta(days=1), dt.time.min))
    return in_talks & not_signed & Q(last_activity__lt=end)


def with_activity(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(last_activity=_last_activity())


def warnings_of(projects, day: dt.date | None = None) -> dict[int, tuple[str, list[str]]]:
    """{project id: (level, reasons)} for the projects given (a list or a queryset): red when
    a red rule flags it, else yellow when a yellow one does, else green with no reason. One
    query per rule in force."""
    from .models import InvestmentProject

    day = day or timezone.localdate()
    ids = [p.pk for p in projects]
    found: dict[int, tuple[str, list[str]]] = {pk: ("green", []) for pk in ids}
    base = with_activity(InvestmentProject.objects.filter(pk__in=ids))
    for check in warning_rules():
        for pk in base.filter(warning_condition(check, day)).values_list("pk", flat=True):
            level, reasons = found[pk]
            if level != "red":
                level = check.level if check.level == "red" or level == "green" else level
            found[pk] = (level, [*reasons, check.reason])
    return found


def of_level(queryset: QuerySet, level: str, day: dt.date | None = None) -> QuerySet:
    """The projects of `queryset` whose colour on the day is `level` (for the list's filter)."""
    day = day or timezone.localdate()
    red = Q(pk__in=[])
    yellow = Q(pk__in=[])
    for check in warning_rules():
        condition = warning_condition(check, day)
        if check.level == "red":
            red |= condition
        else:
            yellow |= condition
    queryset = with_activity(queryset)
    if level == "red":
        return queryset.filter(red)
    if level == "yellow":
        return queryset.filter(yellow).exclude(red)
    return queryset.exclude(red).exclude(yellow)


# ── Attraction conflicts (docs/conflicts.md) ──


def conflicts_for(user) -> QuerySet:
    """The conflicts the user sees: those with a project in a zone the user sees (a zone's
    officer sees the conflicts its projects are in, with the other zones' projects)."""
    from accounts.scoping import restrict

    from .models import Conflict, ConflictMember

    seen = restrict(ConflictMember.objects.all(), user, via="project__zone").values("conflict_id")
    return Conflict.objects.filter(pk__in=seen).select_related("holder_zone", "decided_by")


@dataclass(frozen=True)
class ConflictLine:
    """A project of a conflict as the conflict's page shows it."""

    project: object
    share: Decimal
    first_date: dt.date | None
    is_rule_holder: bool


def conflict_lines(conflict) -> list[ConflictLine]:
    """The conflict's projects with their zones, enterprises and shares, and which one the
    holder rule names (one query)."""
    from .choices import STAGE_DATES
    from .services import rule_holder

    members = list(
        conflict.members.select_related("project__zone", "project__enterprise").order_by(
            "project__zone__order", "project__zone__code", "project__pk"
        )
    )
    facts = {
        m.project_id: (
            m.project_id,
            m.project.zone_id,
            *(getattr(m.project, f) for _s, f in STAGE_DATES),
        )
        for m in members
    }
    holder = rule_holder(list(facts), facts) if facts else None
    lines = []
    for member in members:
        dates = [d for d in facts[member.project_id][2:] if d is not None]
        lines.append(
            ConflictLine(
                project=member.project,
                share=member.share,
                first_date=min(dates) if dates else None,
                is_rule_holder=member.project.zone_id == holder,
            )
        )
    return lines


def open_conflicts(user) -> int:
    from .choices import ConflictStatus

    return conflicts_for(user).filter(status=ConflictStatus.OPEN).count()


# ── The funnel (招商漏斗, docs/pipeline.md) ──


@dataclass(frozen=True)
class FunnelRow:
    """One unit's projects that had reached each stage by the day (weighed by counted share),
    in the order of the stages, with the conversion from each stage to the next."""

    unit_id: int
    name: str
    reached: list[Decimal]

    @property
    def conversions(self) -> list[Decimal | None]:
        """reached[i + 1] / reached[i] as a share, for each stage after the first."""
        return [
            (self.reached[i] / self.reached[i - 1]) if self.reached[i - 1] else None
            for i in range(1, len(self.reached))
        ]


def funnel(
    *, unit_id: int, day: dt.date, english: bool = False
) -> tuple[FunnelRow, list[FunnelRow]]:
    """The funnel of the unit on the day, and of each zone under it as the tree stood that day:
    a project counts at a stage once the date of that stage, or of a later one, is on or
    before the day (a project signed without a recorded lead was a lead too). Each project
    weighs its counted share, so the unit counts a contested project once. One query."""
    from django.db.models import Case, DecimalField, Sum, Value, When
    from django.db.models.functions import Coalesce

    from plans.progress import shared_tree, tree_version

    from .choices import STAGE_DATES
    from .measures import SHARE
    from .models import InvestmentProject

    tree = shared_tree(day, tree_version())
    zones = [pk for pk in tree.members(unit_id) if tree.kind(pk) == "zone" and tree.exists(pk)]
    fields = [f for _s, f in STAGE_DATES]
    sums = {}
    for i, _field in enumerate(fields):
        reached = Q()
        for later in fields[i:]:
            reached |= Q(**{f"{later}__lte": day})
        sums[f"s{i}"] = Coalesce(
            Sum(Case(When(reached, then=SHARE), default=Value(Decimal(0)))),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=12, decimal_places=4),
        )
    names = list(sums)
    per_zone = {
        zone_id: [Decimal(v) for v in values]
        for zone_id, *values in InvestmentProject.objects.filter(zone__in=zones)
        .values("zone_id")
        .annotate(**sums)
        .values_list("zone_id", *names)
    }
    from .measures import tidy

    def row_of(pk: int, counts: list[Decimal]) -> FunnelRow:
        return FunnelRow(pk, tree.name(pk, english=english), [tidy(c) for c in counts])

    rows = [row_of(z, per_zone.get(z, [Decimal(0)] * len(fields))) for z in zones]
    rows.sort(key=lambda r: (-r.reached[0], r.name))
    total = [sum((r.reached[i] for r in rows), Decimal(0)) for i in range(len(fields))]
    return row_of(unit_id, total), rows
