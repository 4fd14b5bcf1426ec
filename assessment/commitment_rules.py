"""The assessment's commitments (plans.commitments): schemes by ecosystem and stage in force,
and the year's assessment published with its consequences decided."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from plans.commitment_rules import zones_in_force
from plans.commitments import Finding, Rule, ratio_basis, register

from .models import Consequence, Run, Scheme
from .services import zones_by_scheme


def _schemes_in_force(engine, unit_id, day) -> Finding | None:
    """Zones in force under the unit that one scheme (by stage and ecosystem) covers."""
    from .framework import AssessmentError

    zones = set(zones_in_force(engine, unit_id, day))
    if not zones:
        return None
    try:
        covered = {z.pk for group in zones_by_scheme(day.year).values() for z in group}
    except AssessmentError:
        covered = _covered_loosely()
    done = len(zones & covered)
    return Finding(
        done=Decimal(done),
        of=Decimal(len(zones)),
        basis=ratio_basis(done, len(zones), _("zones covered by an assessment scheme"))
        + _(" (%(n)s schemes)") % {"n": Scheme.objects.count()},
    )


def _covered_loosely() -> set[int]:
    """Zones some scheme matches, when the schemes do not yet cover every zone exactly once."""
    from territory.models import Unit

    covered = set()
    for scheme in Scheme.objects.prefetch_related("stages", "ecosystems"):
        zones = Unit.objects.filter(kind="zone")
        if scheme.stages.exists():
            zones = zones.filter(stage__in=scheme.stages.all())
        if scheme.ecosystems.exists():
            zones = zones.filter(ecosystems__in=scheme.ecosystems.all())
        covered |= set(zones.values_list("pk", flat=True))
    return covered


def _assessment_done(engine, unit_id, day) -> Finding:
    """The plan year's assessment published by the day, and its proposed consequences
    decided by the city."""
    year = engine.plan.year
    run = (
        Run.objects.filter(year=year, published_at__isnull=False, published_at__date__lte=day)
        .order_by("-published_at")
        .first()
    )
    if run is None:
        return Finding(
            done=Decimal(0),
            of=Decimal(1),
            basis=_("the %(year)s assessment is not published yet") % {"year": year},
        )
    proposed = Consequence.objects.filter(run=run)
    total = proposed.count()
    decided = proposed.exclude(decision=Consequence.Decision.PROPOSED).count()
    if not total:
        return Finding(
            done=Decimal(1),
            of=Decimal(1),
            basis=_("the %(year)s assessment is published; it proposes no consequence")
            % {"year": year},
        )
    return Finding(
        done=Decimal(decided),
        of=Decimal(total),
        basis=_("the %(year)s assessment is published; %(d)s/%(t)s consequences decided")
        % {"year": year, "d": decided, "t": total},
    )


def register_all() -> None:
    register("schemes_in_force", Rule(_schemes_in_force, {}))
    register("assessment_done", Rule(_assessment_done, {}))
