"""The commitment the chains app can follow (plans.commitments): the zones keeping their
两图一表 up to date (动态调整66个产业功能区“两图一表”)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plans.commitment_rules import zones_in_force
from plans.commitments import Finding, Rule, ratio_basis, register

from .models import AttractionTarget

# How many zones not yet adjusted a finding names; the cockpit shows the count of the rest.
NAMED = 10


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _adjustments(units, start: dt.date, day: dt.date) -> dict[int, Decimal]:
    """Per zone, the changes to its attraction list (a line added, changed or removed) from
    the plan's start to the end of the day, read from the list's history: a past day's count
    never changes, and a line moved to another zone counts for the zone it was in."""
    rows = (
        AttractionTarget.history.filter(
            zone_id__in=units,
            history_date__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
            history_date__lt=_end_of(day),
        )
        .values("zone_id")
        .annotate(n=Count("history_id"))
        .values_list("zone_id", "n")
    )
    return {zone: Decimal(n) for zone, n in rows}


def _chain_maps(engine, unit_id, day) -> Finding | None:
    """Zones in force that adjusted their 两图一表 in the plan's period: a line of their
    attraction list (the target enterprises on their chain nodes) added, changed or removed
    from the plan's start to the day. Those not adjusted are named with their last change."""
    zones = zones_in_force(engine, unit_id, day)
    if not zones:
        return None
    per_zone = engine.per_zone(
        "rule:chain_maps",
        lambda units: _adjustments(units, engine.plan.starts_on, day),
        day,
        reads=("chains.AttractionTarget",),
    )
    adjusted = [z for z in zones if per_zone.get(z)]
    behind = [z for z in zones if not per_zone.get(z)]
    items = []
    if behind:
        last = dict(
            AttractionTarget.history.filter(
                zone_id__in=behind[:NAMED], history_date__lt=_end_of(day)
            )
            .values("zone_id")
            .annotate(last=Max("history_date"))
            .values_list("zone_id", "last")
        )
        tree = engine.tree(day)
        english = not (get_language() or "zh").startswith("zh")
        for zone in behind[:NAMED]:
            when = last.get(zone)
            items.append(
                (
                    tree.name(zone, english=english),
                    _("last adjusted on %(day)s") % {"day": timezone.localtime(when).date()}
                    if when
                    else _("no attraction list yet"),
                )
            )
    changes = int(sum((per_zone[z] for z in adjusted), Decimal(0)))
    return Finding(
        done=Decimal(len(adjusted)),
        of=Decimal(len(zones)),
        basis=ratio_basis(len(adjusted), len(zones), _("zones adjusted their chain maps and lists"))
        + _(" (%(n)s changes)") % {"n": changes},
        items=items,
    )


def register_all() -> None:
    register("chain_maps", Rule(_chain_maps, {}))
