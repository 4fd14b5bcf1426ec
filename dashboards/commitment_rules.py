"""The commitment the map's geometry follows (plans.commitments): major projects landing first
in the core areas."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from investment.choices import Tier
from investment.models import InvestmentProject
from plans.commitment_rules import zones_in_force
from plans.commitments import Finding, Rule, register

from .geo import core_area_shares


def _projects_in_core_areas(engine, unit_id, day, *, goal: float = 0.5) -> Finding | None:
    """High-tier projects signed in the plan's period with a location, in zones with a core
    area: the share located inside the core area. `goal` is the share that counts as landing
    there first (by default a majority)."""
    zones = zones_in_force(engine, unit_id, day)
    signed = InvestmentProject.objects.filter(
        zone_id__in=zones, signed_on__gte=engine.plan.starts_on, signed_on__lte=day
    ).exclude(tier=Tier.OTHER)
    shares = core_area_shares(
        zones, model=InvestmentProject, weight="investment_yuan", queryset=signed
    )
    inside = sum(s["count"] for s in shares.values())
    located = sum(s["total"] for s in shares.values())
    if not located:
        return None
    return Finding(
        done=Decimal(inside),
        of=Decimal(located),
        goal=Decimal(str(goal)),
        basis=_("%(n)s of %(of)s located high-tier projects signed this period lie in core areas")
        % {"n": inside, "of": located},
    )


def register_all() -> None:
    register(
        "projects_in_core_areas",
        Rule(_projects_in_core_areas, {"goal": float}),
    )
