"""The commitment the investment registry can follow (plans.commitments): attraction managed
by list, each zone keeping its list of projects."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from plans.commitment_rules import zones_in_force
from plans.commitments import Finding, Rule, ratio_basis, register

from .models import InvestmentProject


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


def register_all() -> None:
    register(
        "attraction_lists", Rule(_attraction_lists, {}, "实行项目招引清单管理的功能区 / 功能区")
    )
