"""The commitment the investment registry can follow (plans.commitments): attraction managed
by list, each zone keeping its list of projects."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from plans.commitment_rules import zones_in_force
from plans.commitments import Finding, Rule, ratio_basis, register

from .models import Enterprise, InvestmentProject


def _attraction_lists(engine, unit_id, day) -> Finding | None:
    """Zones in force that keep an attraction list: at least one project followed in the plan's
    period (a lead, a negotiation or a signing dated from the plan's start to the day)."""
    zones = zones_in_force(engine, unit_id, day)
    if not zones:
        return None
    start = engine.plan.starts_on
    followed = InvestmentProject.objects.filter(zone_id__in=zones).filter(
        Q(lead_on__range=(start, day))
        | Q(negotiating_on__range=(start, day))
        | Q(signed_on__range=(start, day))
    )
    per_zone = dict(
        followed.values("zone_id").annotate(n=Count("pk")).values_list("zone_id", "n")
    )  # one grouped query gives both figures
    keeping = len(per_zone)
    return Finding(
        done=Decimal(keeping),
        of=Decimal(len(zones)),
        basis=ratio_basis(keeping, len(zones), _("zones keep an attraction list"))
        + _(" (%(n)s projects followed)") % {"n": sum(per_zone.values())},
    )


NEW_ECONOMY_KINDS = ("is_rd_institution", "is_scitech", "is_unicorn", "is_new_economy")


def _scitech_enterprises(engine, unit_id, day) -> Finding | None:
    """Sci-tech spaces started or built by the day that host a new-economy enterprise (a head
    enterprise's R&D institution, a sci-tech enterprise, a unicorn or another new-economy
    enterprise) settled there, of those spaces. Enterprises carry no settling date: they count
    as registered now."""
    from carriers.measures import scitech_spaces_begun

    spaces = scitech_spaces_begun(engine.holders_under(unit_id, day), day)
    total = spaces.count()
    if not total:
        return None
    new_economy = Q()
    for field in NEW_ECONOMY_KINDS:
        new_economy |= Q(**{field: True})
    settled = Enterprise.objects.filter(new_economy, carrier__in=spaces)
    hosting = settled.values("carrier").distinct().count()
    return Finding(
        done=Decimal(hosting),
        of=Decimal(total),
        basis=ratio_basis(hosting, total, _("sci-tech spaces host a new-economy enterprise"))
        + _(" (%(n)s enterprises)") % {"n": settled.count()},
    )


def register_all() -> None:
    register(
        "scitech_enterprises",
        Rule(_scitech_enterprises, {}),
    )
    register("attraction_lists", Rule(_attraction_lists, {}))
