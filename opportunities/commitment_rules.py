"""The commitments the opportunities app follows (plans.commitments): the zones publishing
their construction opportunity lists (发布产业功能区建设机会清单)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plans.commitment_rules import zones_in_force
from plans.commitments import Finding, Rule, ratio_basis, register

from .choices import StepAction
from .models import Step

NAMED = 10  # zones not yet publishing that a finding names


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _publications(units, start: dt.date, day: dt.date) -> dict[int, Decimal]:
    """Per issuing zone, the opportunities published from `start` to the end of `day`, read
    from the review's steps: a later withdrawal or a later move of the zone never changes a
    past day's count."""
    rows = (
        Step.objects.filter(
            action=StepAction.PUBLISH,
            version__opportunity__unit_id__in=units,
            at__gte=_start(start),
            at__lt=_start(day + dt.timedelta(days=1)),
        )
        .values("version__opportunity__unit_id")
        .annotate(n=Count("version__opportunity_id", distinct=True))
        .values_list("version__opportunity__unit_id", "n")
    )
    return {zone: Decimal(n) for zone, n in rows}


def _opportunity_lists(engine, unit_id, day) -> Finding | None:
    """Zones in force that published at least one opportunity of their list (reviewed and
    published, withdrawn since or not) from the plan's start to the day."""
    zones = zones_in_force(engine, unit_id, day)
    if not zones:
        return None
    per_zone = engine.per_zone(
        "rule:opportunity_lists",
        lambda units: _publications(units, engine.plan.starts_on, day),
        day,
        reads=("opportunities.Step",),
    )
    publishing = [z for z in zones if per_zone.get(z)]
    behind = [z for z in zones if not per_zone.get(z)]
    tree = engine.tree(day)
    english = not (get_language() or "zh").startswith("zh")
    items = [(tree.name(z, english=english), _("nothing published yet")) for z in behind[:NAMED]]
    published = int(sum((per_zone[z] for z in publishing), Decimal(0)))
    return Finding(
        done=Decimal(len(publishing)),
        of=Decimal(len(zones)),
        basis=ratio_basis(len(publishing), len(zones), _("zones published opportunities"))
        + _(" (%(n)s published)") % {"n": published},
        items=items,
    )


def register_all() -> None:
    register("opportunity_lists", Rule(_opportunity_lists, {}))
