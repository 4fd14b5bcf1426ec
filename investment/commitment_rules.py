"""The commitment the investment registry can follow (plans.commitments): attraction managed
by list, each zone keeping its list of projects."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from plans.commitment_rules import zones_in_force
from plans.commitments import Finding, Rule, ratio_basis, register

from .models import Enterprise, InvestmentProject


def _followed(units, start, day) -> dict[int, Decimal]:
    """Per zone, the projects followed in the period: a lead, a negotiation or a signing dated
    from the plan's start to the day."""
    followed = InvestmentProject.objects.filter(zone__in=units).filter(
        Q(lead_on__range=(start, day))
        | Q(negotiating_on__range=(start, day))
        | Q(signed_on__range=(start, day))
    )
    return {
        zone: Decimal(n)
        for zone, n in followed.values("zone_id")
        .annotate(n=Count("pk"))
        .values_list("zone_id", "n")
    }


def _attraction_lists(engine, unit_id, day) -> Finding | None:
    """Zones in force that keep an attraction list: at least one project followed in the plan's
    period (a lead, a negotiation or a signing dated from the plan's start to the day)."""
    zones = zones_in_force(engine, unit_id, day)
    if not zones:
        return None
    per_zone = engine.per_zone(
        "rule:attraction_lists",
        lambda units: _followed(units, engine.plan.starts_on, day),
        day,
        reads=("investment.InvestmentProject",),
    )
    counts = [per_zone[z] for z in zones if per_zone.get(z)]
    keeping = len(counts)
    return Finding(
        done=Decimal(keeping),
        of=Decimal(len(zones)),
        basis=ratio_basis(keeping, len(zones), _("zones keep an attraction list"))
        + _(" (%(n)s projects followed)") % {"n": int(sum(counts, Decimal(0)))},
    )


NEW_ECONOMY_KINDS = ("is_rd_institution", "is_scitech", "is_unicorn", "is_new_economy")


def _scitech_enterprises(engine, unit_id, day) -> Finding | None:
    """Sci-tech spaces started or built by the day that host a new-economy enterprise (a head
    enterprise's R&D institution, a sci-tech enterprise, a unicorn or another new-economy
    enterprise) settled there by the day, of those spaces (an enterprise without a settling
    date counts as settled all along)."""
    from carriers.commitment_rules import spaces_hosting

    new_economy = Q()
    for field in NEW_ECONOMY_KINDS:
        new_economy |= Q(**{field: True})

    def settled(spaces):
        return Enterprise.objects.filter(new_economy, carrier__in=spaces).filter(
            Q(settled_on__isnull=True) | Q(settled_on__lte=day)
        )

    per_zone = engine.per_zone(
        "rule:scitech_enterprises",
        lambda units: spaces_hosting(units, day, settled),
        day,
        reads=("carriers.Carrier", "investment.Enterprise"),
    )
    tally = engine.summed(per_zone, unit_id, day)
    if tally is None or not tally[0]:
        return None
    total, hosting, enterprises = tally
    return Finding(
        done=hosting,
        of=total,
        basis=ratio_basis(hosting, total, _("sci-tech spaces host a new-economy enterprise"))
        + _(" (%(n)s enterprises)") % {"n": int(enterprises)},
    )


def register_all() -> None:
    register(
        "scitech_enterprises",
        Rule(_scitech_enterprises, {}),
    )
    register("attraction_lists", Rule(_attraction_lists, {}))
