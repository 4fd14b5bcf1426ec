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
    """The four rates for the unit on the day (none when the plan file defines none)."""
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
