"""Writes of enterprises and investment projects: one set of rules for forms, imports and
commands."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import is_city_admin
from accounts.writes import require_change, save_in_zone
from core.geo import location_problems
from core.history import changed_by

from .choices import STAGE_DATES
from .creditcode import normalise
from .creditcode import problem as credit_code_problem
from .models import Enterprise, InvestmentProject


def may_change_enterprise(user, enterprise: Enterprise) -> bool:
    """The zone that keeps an enterprise's record may change it; without a zone, the city."""
    if enterprise.zone_id is None:
        return is_city_admin(user)
    try:
        require_change(user, enterprise.zone)
    except PermissionDenied:
        return False
    return True


def enterprise_problems(values: dict) -> list[tuple[str, str]]:
    code = values.get("credit_code")
    if code:
        message = credit_code_problem(code)
        if message:
            return [("credit_code", message)]
    return []


@transaction.atomic
def save_enterprise(*, user, enterprise: Enterprise) -> Enterprise:
    enterprise.credit_code = normalise(enterprise.credit_code)
    problems = enterprise_problems({"credit_code": enterprise.credit_code})
    if enterprise.pk:
        stored = Enterprise.objects.get(pk=enterprise.pk)
        if not may_change_enterprise(user, stored):
            raise PermissionDenied(_("Another zone keeps this enterprise: you may not change it"))
    if not may_change_enterprise(user, enterprise):
        raise PermissionDenied(_("You may not register enterprises for this zone"))
    if problems:
        raise ValidationError({key: [message] for key, message in problems})
    changed_by(enterprise, user)
    enterprise.save()
    return enterprise


@transaction.atomic
def delete_enterprise(*, user, enterprise: Enterprise) -> None:
    if not may_change_enterprise(user, enterprise):
        raise PermissionDenied(_("Another zone keeps this enterprise: you may not delete it"))
    if enterprise.projects.exists():
        raise ValidationError(
            _("Investment projects still name this enterprise: it cannot be deleted")
        )
    changed_by(enterprise, user)
    enterprise.delete()


def _label(field: str) -> str:
    return str(getattr(InvestmentProject._meta.get_field(field), "verbose_name", field))


def project_problems(values: dict, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Stage dates must not go backwards (a project is signed after it is negotiated) and
    must not be in the future."""
    today = today or timezone.localdate()
    problems = []
    previous = None
    for _stage, field in STAGE_DATES:
        value = values.get(field)
        if not value:
            continue
        if value > today:
            problems.append(
                (
                    field,
                    _("“%(date)s” is after today (%(today)s)")
                    % {"date": _label(field), "today": today},
                )
            )
        if previous and value < previous[1]:
            problems.append(
                (
                    field,
                    _("“%(date)s” is before “%(earlier)s” (%(day)s)")
                    % {"date": _label(field), "earlier": _label(previous[0]), "day": previous[1]},
                )
            )
        previous = (field, value)
    return problems + location_problems(values.get("longitude"), values.get("latitude"))


@transaction.atomic
def save_project(*, user, project: InvestmentProject) -> InvestmentProject:
    problems = project_problems(
        {f: getattr(project, f) for f in [*(f for _s, f in STAGE_DATES), "longitude", "latitude"]}
    )
    return save_in_zone(project, user=user, zone_path="zone", problems=problems)


@transaction.atomic
def delete_project(*, user, project: InvestmentProject) -> None:
    require_change(user, project.zone)
    changed_by(project, user)
    project.delete()
