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


def _located_in_core_areas(units, start, day) -> dict[int, tuple[Decimal, Decimal]]:
    """Per zone with a core area: (high-tier projects signed in the period that lie inside it,
    those with a location)."""
    signed = InvestmentProject.objects.filter(
        zone__in=units, signed_on__gte=start, signed_on__lte=day
    ).exclude(tier=Tier.OTHER)
    zones = signed.values_list("zone_id", flat=True).distinct()
    shares = core_area_shares(
        list(zones), model=InvestmentProject, weight="investment_yuan", queryset=signed
    )
    return {z: (Decimal(s["count"]), Decimal(s["total"])) for z, s in shares.items()}


def _projects_in_core_areas(engine, unit_id, day, *, goal: float = 0.5) -> Finding | None:
    """High-tier projects signed in the plan's period with a location, in zones with a core
    area: the share located inside the core area. `goal` is the share that counts as landing
    there first (by default a majority)."""
    zones = set(zones_in_force(engine, unit_id, day))
    per_zone = engine.per_zone(
        "rule:projects_in_core_areas",
        lambda units: _located_in_core_areas(units, engine.plan.starts_on, day),
        day,
        reads=("investment.InvestmentProject", "territory.ZoneShape"),
    )
    tally = engine.summed(per_zone, unit_id, day, within=zones)
    if tally is None or not tally[1]:
        return None
    inside, located = tally
    return Finding(
        done=inside,
        of=located,
        goal=Decimal(str(goal)),
        basis=_("%(n)s of %(of)s located high-tier projects signed this period lie in core areas")
        % {"n": int(inside), "of": int(located)},
    )


def register_all() -> None:
    register(
        "projects_in_core_areas",
        Rule(_projects_in_core_areas, {"goal": float}),
    )
