"""The commitments the opportunities app follows (plans.commitments): the zones publishing
their construction opportunity lists (发布产业功能区建设机会清单), and the scenarios the plan
embeds in named zones (在成都科学城嵌入数字经济与新一代人工智能应用场景…)."""

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


def _scenarios_published(units, field: str, day: dt.date) -> dict[int, Decimal]:
    """Per zone, its scenario IPs in the field that stood published at the end of the day,
    read from their history: a scenario published later, or taken off later, leaves a past
    day as it was."""
    from .models import Scenario

    end = _start(day + dt.timedelta(days=1))
    last: dict[int, tuple] = {}
    rows = (
        Scenario.history.filter(zone_id__in=units, field__code=field, history_date__lt=end)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "zone_id", "published_at", "history_type")
    )
    for pk, zone, published_at, kind in rows:
        last[pk] = (zone, published_at, kind)
    counts: dict[int, Decimal] = {}
    for zone, published_at, kind in last.values():
        if kind != "-" and published_at is not None and published_at < end:
            counts[zone] = counts.get(zone, Decimal(0)) + 1
    return counts


def _scenario_embedded(engine, unit_id, day, *, field: str) -> Finding | None:
    """Zones in force under the unit (the zone itself, for a target on a zone) with a scenario
    IP in the field published on the day."""
    from .models import Field

    zones = zones_in_force(engine, unit_id, day)
    if not zones:
        return None
    per_zone = engine.per_zone(
        f"rule:scenario_embedded:{field}",
        lambda units: _scenarios_published(units, field, day),
        day,
        reads=("opportunities.Scenario",),
    )
    embedded = [z for z in zones if per_zone.get(z)]
    tree = engine.tree(day)
    english = not (get_language() or "zh").startswith("zh")
    named = Field.objects.filter(code=field).first()
    label = (named.name_en if english and named.name_en else named.name) if named else field
    items = [
        (
            tree.name(z, english=english),
            _("no published scenario IP in %(field)s") % {"field": label},
        )
        for z in zones
        if not per_zone.get(z)
    ][:NAMED]
    count = int(sum((per_zone[z] for z in embedded), Decimal(0)))
    return Finding(
        done=Decimal(len(embedded)),
        of=Decimal(len(zones)),
        basis=ratio_basis(
            len(embedded),
            len(zones),
            _("zones with a published scenario IP in %(field)s") % {"field": label},
        )
        + _(" (%(n)s scenario IPs)") % {"n": count},
        items=items,
    )


def _check_field(params: dict) -> str | None:
    """A scenario embedding names a field that exists (else it would read 0 forever)."""
    from .models import Field

    code = params.get("field")
    if not isinstance(code, str) or not code:
        return _("The rule scenario_embedded needs the field's code (field).")
    if not Field.objects.filter(code=code).exists():
        known = "、".join(Field.objects.values_list("code", flat=True))
        return _("No field has the code %(code)s (there are: %(known)s).") % {
            "code": code,
            "known": known,
        }
    return None


def register_all() -> None:
    register("opportunity_lists", Rule(_opportunity_lists, {}))
    register("scenario_embedded", Rule(_scenario_embedded, {"field": str}, check=_check_field))
