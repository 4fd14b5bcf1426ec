"""Writes of carriers: one set of rules for the form, the import and commands.

Every write checks that the user may change the carrier's zone (accounts.scoping) and that
the carrier makes sense (`carrier_problems`), then records history with the user.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.writes import require_change, save_in_zone
from core.geo import location_problems
from core.history import changed_by

from .choices import CarrierKind
from .models import Carrier, ServiceProject, TechPlatform
from .status import Status, status_on

CARRIER_FIELDS = [
    "zone",
    "kind",
    "name",
    "floor_area_m2",
    "developer",
    "address",
    "longitude",
    "latitude",
    "planned_start",
    "actual_start",
    "planned_completion",
    "actual_completion",
    "occupancy_rate",
    "note",
]


def normalise_rate(value: Decimal | None) -> Decimal | None:
    """Officers write 85, 85% or 0.85 for the same occupancy; above 1 is read as percent."""
    if value is None:
        return None
    return value / 100 if Decimal(1) < value <= Decimal(100) else value


# Translated only when a date is in the future, not for each of an import's rows.
_ACTUAL_DATES = (
    ("actual_start", gettext_lazy("actual start")),
    ("actual_completion", gettext_lazy("actual completion")),
)


def schedule_problems(values: dict, *, today: dt.date) -> list[tuple[str, str]]:
    problems = []
    planned_start, planned_end = values.get("planned_start"), values.get("planned_completion")
    actual_start, actual_end = values.get("actual_start"), values.get("actual_completion")
    if planned_start and planned_end and planned_end < planned_start:
        problems.append(
            ("planned_completion", _("The planned completion is before the planned start"))
        )
    if actual_start and actual_end and actual_end < actual_start:
        problems.append(
            ("actual_completion", _("The actual completion is before the actual start"))
        )
    for key, label in _ACTUAL_DATES:
        day = values.get(key)
        if day and day > today:
            problems.append(
                (
                    key,
                    _(
                        "The %(date)s is after today (%(today)s): "
                        "a date still to come goes in the planned dates"
                    )
                    % {"date": str(label), "today": today},
                )
            )
    return problems


def carrier_problems(values: dict, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """What is wrong with a carrier's values, as (field, message in Chinese)."""
    today = today or timezone.localdate()
    problems = schedule_problems(values, today=today)
    get = values.get
    area = get("floor_area_m2")
    if area is not None and area <= 0:
        problems.append(("floor_area_m2", _("The floor area must be more than 0")))
    rate = get("occupancy_rate")
    if rate is not None:
        if rate > 1:
            problems.append(("occupancy_rate", _("The occupancy rate is between 0 and 100%")))
        status = status_on(
            actual_start=get("actual_start"), actual_completion=get("actual_completion"), day=today
        )
        if status != Status.COMPLETED:
            problems.append(
                (
                    "occupancy_rate",
                    _(
                        "Only a completed carrier (with an actual completion date) has an occupancy rate"
                    ),
                )
            )
    problems += location_problems(get("longitude"), get("latitude"))
    return problems


@transaction.atomic
def save_carrier(*, user, carrier: Carrier) -> Carrier:
    carrier.occupancy_rate = normalise_rate(carrier.occupancy_rate)
    problems = carrier_problems(
        {f: getattr(carrier, f, None) for f in CARRIER_FIELDS if f != "zone"}
    )
    return save_in_zone(carrier, user=user, zone_path="zone", problems=problems)


@transaction.atomic
def delete_carrier(*, user, carrier: Carrier) -> None:
    require_change(user, carrier.zone)
    if carrier.platforms.exists():
        raise ValidationError(
            _("Tech platforms still stand in this carrier: delete or move them first")
        )
    changed_by(carrier, user)
    carrier.delete()


def platform_problems(values: dict) -> list[tuple[str, str]]:
    carrier = values.get("carrier")
    if carrier is not None and carrier.kind != CarrierKind.SCITECH_SPACE:
        return [
            (
                "carrier",
                _("“%(name)s” is not a sci-tech space: a tech platform stands in a sci-tech space")
                % {"name": carrier.name},
            )
        ]
    return []


@transaction.atomic
def save_platform(*, user, platform: TechPlatform) -> TechPlatform:
    problems = platform_problems({"carrier": platform.carrier})
    return save_in_zone(platform, user=user, zone_path="carrier__zone", problems=problems)


@transaction.atomic
def delete_platform(*, user, platform: TechPlatform) -> None:
    require_change(user, platform.carrier.zone)
    changed_by(platform, user)
    platform.delete()


def service_project_problems(
    values: dict, *, today: dt.date | None = None
) -> list[tuple[str, str]]:
    return schedule_problems(values, today=today or timezone.localdate())


@transaction.atomic
def save_service_project(*, user, project: ServiceProject) -> ServiceProject:
    problems = service_project_problems(
        {f.attname: getattr(project, f.attname) for f in ServiceProject._meta.fields}
    )
    return save_in_zone(project, user=user, zone_path="zone", problems=problems)


@transaction.atomic
def delete_service_project(*, user, project: ServiceProject) -> None:
    require_change(user, project.zone)
    changed_by(project, user)
    project.delete()
