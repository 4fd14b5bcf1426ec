"""What the investment registry tells the plan: registered with plans.measures at start-up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from plans.measures import Drivers, Measure, combine, first_per_zone, register

from .choices import ConflictStatus, Tier
from .models import InvestmentProject

_SHARE_FIELD = DecimalField(max_digits=5, decimal_places=4)
_MONEY_FIELD = DecimalField(max_digits=24, decimal_places=6)

HIGH_TIER_DEFAULT = {
    "tiers": [Tier.TOP500.value, Tier.SEGMENT_LEADER.value, Tier.CORE_SUPPLIER.value]
}


def high_tier_q(*, tiers=None, min_investment_yuan=None) -> Q:
    """What makes a project high-tier under a plan's `high_tier` parameter: one of its tiers
    and, when the plan sets one, at least that investment."""
    condition = Q(tier__in=tiers if tiers is not None else HIGH_TIER_DEFAULT["tiers"])
    if min_investment_yuan is not None:
        condition &= Q(investment_yuan__gte=Decimal(str(min_investment_yuan)))
    return condition


def current_high_tier_q() -> Q:
    """What makes a project high-tier under the current plan's rule (the list's filter and
    badge say what the plan counts)."""
    from plans import parameters
    from plans.selectors import current_plan

    return high_tier_q(**parameters.of_plan(current_plan(), "high_tier"))


def check_high_tier(value) -> tuple[dict, list[str]]:
    """The plan file's `high_tier: {tiers: [...], min_investment_yuan: N}`."""
    if not isinstance(value, dict):
        return {}, [gettext("should be a mapping with tiers and min_investment_yuan")]
    problems = []
    unknown = set(value) - {"tiers", "min_investment_yuan"}
    if unknown:
        problems.append(
            gettext("unknown keys %(keys)s (the keys are: tiers, min_investment_yuan)")
            % {"keys": "、".join(sorted(map(str, unknown)))}
        )
    tiers = value.get("tiers", HIGH_TIER_DEFAULT["tiers"])
    allowed = [t.value for t in Tier]
    if not isinstance(tiers, list) or not tiers or any(t not in allowed for t in tiers):
        problems.append(
            gettext("tiers should be a list of %(allowed)s") % {"allowed": "、".join(allowed)}
        )
        tiers = []
    stored: dict = {"tiers": list(tiers)}
    if value.get("min_investment_yuan") is not None:
        amount = value["min_investment_yuan"]
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
            problems.append(gettext("min_investment_yuan should be a number of yuan, not negative"))
        else:
            stored["min_investment_yuan"] = format(Decimal(str(amount)).normalize(), "f")
    return stored, problems


def _signed(zones, start, day, **rule):
    """High-tier projects signed in the period, in `zones` (None: anywhere), by the plan's
    rule (`rule`: the `high_tier` parameter; the default without one)."""
    signed = InvestmentProject.objects.filter(signed_on__gte=start, signed_on__lte=day)
    if zones is not None:
        signed = signed.filter(zone__in=zones)
    return signed.filter(high_tier_q(**rule))


def project_key(zone_id, pk, enterprise_id, conflict_id, share, status) -> str | None:
    """What a project counts as in a set-valued measure (plans.measures.combine): the
    enterprise when one is recorded, else the project, so one enterprise claimed by several
    zones counts once above them. In a conflict the city has not found separate, the conflict,
    weighted by the zone's share and naming the zone ("c7@0.4@z12": two zones of equal share
    are two keys), nothing with a share of 0."""
    if conflict_id is not None and status != ConflictStatus.SEPARATE:
        if not share:
            return None
        if share == 1:
            return f"c{conflict_id}"
        return f"c{conflict_id}@{format(share.normalize(), 'f')}@z{zone_id}"
    if conflict_id is not None or not enterprise_id:
        return f"p{pk}"
    return f"e{enterprise_id}"


def by_zone(zones, *, start, day, **rule) -> dict[int, set]:
    """High-tier projects signed in the period, as keys per zone (project_key)."""
    result: dict[int, set] = {}
    for facts in _signed(zones, start, day, **rule).values_list(
        "zone_id",
        "pk",
        "enterprise_id",
        "conflict_member__conflict_id",
        "conflict_member__share",
        "conflict_member__conflict__status",
    ):
        key = project_key(*facts)
        if key is not None:
            result.setdefault(facts[0], set()).add(key)
    return result


def introduced(zones, *, start, day) -> Decimal:
    return combine(by_zone(zones, start=start, day=day).values())


def shared_claims(engine, unit_id: int, *, day, limit: int = 20) -> tuple[int, list[dict]]:
    """Enterprises whose high-tier projects signed in the period stand in more than one zone
    under the unit on `day`: collaborative attraction (协同招商) or the same project claimed
    twice. Returns how many there are and the first `limit` of them with their projects. The
    zones' enterprises are the measure's own per-zone figures (plans.figures); one query reads
    the projects of those shown."""
    per_zone = engine.zone_values("high_tier_projects_introduced", day)
    members = set(engine.tree(day).members(unit_id))
    zones_of_key = Counter(
        key for zone in members for key in per_zone.get(zone, ()) if key.startswith("e")
    )
    shared = sorted(int(key[1:]) for key, n in zones_of_key.items() if n >= 2)
    from plans import parameters

    rule = parameters.of_plan(engine.plan, "high_tier")
    projects = [
        p
        for p in _signed(None, engine.plan.starts_on, day, **rule)
        .filter(enterprise__in=shared[:limit])
        .select_related("zone", "enterprise")
        .order_by("enterprise_id", "zone_id", "pk")
        if p.zone_id in members
    ]
    grouped: dict[int, dict] = {}
    for project in projects:
        entry = grouped.setdefault(
            project.enterprise_id, {"enterprise": project.enterprise, "projects": []}
        )
        entry["projects"].append(project)
    return len(shared), list(grouped.values())


def _pipeline(zones, *, start, day, deadline, **rule) -> dict[int, Decimal]:
    negotiating = (
        InvestmentProject.objects.filter(zone__in=zones, negotiating_on__lte=day)
        .filter(Q(signed_on__isnull=True) | Q(signed_on__gt=day))
        .filter(high_tier_q(**rule))
    )
    return _counted(negotiating)


def _stalled(units, *, day, deadline) -> dict[int, list]:
    stalled = (
        InvestmentProject.objects.filter(zone__in=units, negotiating_on__lte=day)
        .filter(Q(signed_on__isnull=True) | Q(signed_on__gt=day))
        .exclude(tier=Tier.OTHER)
    )
    return first_per_zone(stalled, "negotiating_on")


def _describe_stalled(pks, *, day, deadline) -> list[dict]:
    projects = InvestmentProject.objects.select_related("zone").in_bulk(pks)
    return [
        {
            "name": p.name,
            "zone": p.zone.name,
            "url": reverse("project_detail", args=[p.pk]),
            "why": gettext("In negotiation since %(day)s; not signed") % {"day": p.negotiating_on},
            "since": p.negotiating_on,
        }
        for p in (projects[pk] for pk in pks if pk in projects)
    ]


def register_all() -> None:
    from plans import parameters

    parameters.register("high_tier", check_high_tier, default=HIGH_TIER_DEFAULT)
    register_pipeline()
    register(
        "high_tier_projects_introduced",
        Measure(
            by_zone=by_zone,
            pipeline_by_zone=_pipeline,
            drivers=Drivers(_stalled, _describe_stalled),
            source="高能级产业化项目：计划期内签约的500强、细分行业领军、核心关键配套项目；同一企业被多个功能区申报只计一次",
            reads=("investment.InvestmentProject", "investment.ConflictMember"),
            parameter="high_tier",
        ),
    )


# ── 三率 and 资金到位率 (docs/pipeline.md) ──
#
# Over the projects signed in the plan's period by the day, per zone:
#   履约率 = performing / signed: performing unless the contract's production day has passed
#            and the project is not in production by the day;
#   开工率 = started by the day / signed;
#   投产率 = in production by the day / signed;
#   资金到位率 = capital in place by the day / the contracted investment of those projects.


def _signed_in_period(zones, start, day):
    signed = InvestmentProject.objects.filter(signed_on__gte=start, signed_on__lte=day)
    return signed if zones is None else signed.filter(zone__in=zones)


SHARE = Coalesce("conflict_member__share", Value(Decimal(1)), output_field=_SHARE_FIELD)


def _counted(queryset) -> dict[int, Decimal]:
    """Projects per zone, each weighed by the share its zone counts (1 outside a conflict)."""
    counts = queryset.values("zone_id").annotate(n=Sum(SHARE)).values_list("zone_id", "n")
    return {zone: tidy(n) for zone, n in counts if n}


def tidy(value) -> Decimal:
    """12.0000 as 12, 0.4000 as 0.4."""
    value = Decimal(value)
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


# The five counts and sums of the signed projects, in one query (docs/pipeline.md). A reader
# of all the rates at once (selectors.pipeline_rates) shares one query among them: within
# `one_table()`, a table is computed once for each set of zones, start and day.
_TABLES: ContextVar[dict | None] = ContextVar("pipeline_tables", default=None)


@contextmanager
def one_table() -> Iterator[None]:
    token = _TABLES.set({})
    try:
        yield
    finally:
        _TABLES.reset(token)


def _zones_key(zones):
    if zones is None or isinstance(zones, QuerySet):
        return None if zones is None else str(zones.query)
    return tuple(sorted(zones))


def _table(zones, start, day) -> dict[str, dict[int, Decimal]]:
    memo = _TABLES.get()
    key = (_zones_key(zones), start, day)
    if memo is not None and key in memo:
        return memo[key]
    performing = (
        Q(contract_production_on__isnull=True)
        | Q(contract_production_on__gte=day)
        | Q(production_on__lte=day)
    )
    names = ("signed", "started", "producing", "performing", "contracted")
    totals: dict[str, dict[int, Decimal]] = {name: {} for name in names}
    # Every project whole, without a join; then what the shares take away, over the projects
    # in conflicts only (a few among many): together, each project weighed by its share.
    whole = (
        _signed_in_period(zones, start, day)
        .values("zone_id")
        .annotate(
            signed=Count("pk"),
            started=Count("pk", filter=Q(started_on__lte=day)),
            producing=Count("pk", filter=Q(production_on__lte=day)),
            performing=Count("pk", filter=performing),
            contracted=Sum("investment_yuan"),
        )
        .values_list("zone_id", *names)
    )
    from .models import ConflictMember

    less = ConflictMember.objects.exclude(share=1).filter(
        project__signed_on__gte=start, project__signed_on__lte=day
    )
    if zones is not None:
        less = less.filter(project__zone__in=zones)
    off = ExpressionWrapper(F("share") - 1, output_field=_SHARE_FIELD)
    zero = Value(Decimal(0))

    def off_if(condition):
        return Sum(Case(When(condition, then=off), default=zero, output_field=_SHARE_FIELD))

    taken = (
        less.values("project__zone_id")
        .annotate(
            signed=Sum(off),
            started=off_if(Q(project__started_on__lte=day)),
            producing=off_if(Q(project__production_on__lte=day)),
            performing=off_if(
                Q(project__contract_production_on__isnull=True)
                | Q(project__contract_production_on__gte=day)
                | Q(project__production_on__lte=day)
            ),
            contracted=Sum(
                ExpressionWrapper(F("project__investment_yuan") * off, output_field=_MONEY_FIELD)
            ),
        )
        .values_list("project__zone_id", *names)
    )
    for rows in (whole, taken):
        for zone, *values in rows:
            for name, value in zip(names, values, strict=True):
                if value is not None:
                    column = totals[name]
                    column[zone] = column.get(zone, Decimal(0)) + Decimal(value)
    table: dict[str, dict[int, Decimal]] = {
        name: {
            zone: (value if name == "contracted" else tidy(value))
            for zone, value in column.items()
            if value
        }
        for name, column in totals.items()
    }
    if memo is not None:
        memo[key] = table
    return table


def signed_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    return _table(zones, start, day)["signed"]


def started_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    return _table(zones, start, day)["started"]


def producing_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    return _table(zones, start, day)["producing"]


def performing_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    """Performing unless the contract's production day has passed and the project is not in
    production by the day."""
    return _table(zones, start, day)["performing"]


def contracted_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    return _table(zones, start, day)["contracted"]


def in_place_by_zone(zones, *, start, day) -> dict[int, Decimal]:
    from .models import CapitalArrival

    arrivals = CapitalArrival.objects.filter(
        on__lte=day, project__signed_on__gte=start, project__signed_on__lte=day
    )
    if zones is not None:
        arrivals = arrivals.filter(project__zone__in=zones)
    whole = arrivals.values("project__zone_id").annotate(total=Sum("amount_yuan"))
    off = ExpressionWrapper(F("project__conflict_member__share") - 1, output_field=_SHARE_FIELD)
    taken = (
        arrivals.filter(project__conflict_member__isnull=False)
        .exclude(project__conflict_member__share=1)
        .values("project__zone_id")
        .annotate(total=Sum(ExpressionWrapper(F("amount_yuan") * off, output_field=_MONEY_FIELD)))
    )
    sums: dict[int, Decimal] = {}
    for rows in (whole, taken):
        for zone, total in rows.values_list("project__zone_id", "total"):
            if total is not None:
                sums[zone] = sums.get(zone, Decimal(0)) + Decimal(total)
    return {zone: total for zone, total in sums.items() if total}


PIPELINE_READS = (
    "investment.InvestmentProject",
    "investment.CapitalArrival",
    "investment.ConflictMember",
)

# indicator code → (per-zone function, the line its source says)
PIPELINE_MEASURES = {
    "signed_projects": (signed_by_zone, "计划期内签约的招商项目数"),
    "performing_projects": (
        performing_by_zone,
        "计划期内签约且未逾合同约定投产日期（或已投产）的项目数",
    ),
    "started_projects": (started_by_zone, "计划期内签约且已开工的项目数"),
    "producing_projects": (producing_by_zone, "计划期内签约且已投产的项目数"),
    "contracted_capital": (contracted_by_zone, "计划期内签约项目的协议投资额合计"),
    "capital_in_place": (in_place_by_zone, "计划期内签约项目截至当日的到位资金合计"),
}


def register_pipeline() -> None:
    for code, (by_zone_of, source) in PIPELINE_MEASURES.items():
        register(code, Measure(by_zone=by_zone_of, source=source, reads=PIPELINE_READS))
