"""Writes of enterprises and investment projects: one set of rules for forms, imports and
commands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import is_city_admin
from accounts.writes import require_change, save_in_zone
from core.geo import location_problems
from core.history import changed_by
from core.refusals import Refusal

from .choices import DEFAULT_STAGE_FIELDS, STAGE_DATES, Stage
from .creditcode import normalise
from .creditcode import problem as credit_code_problem
from .models import CapitalArrival, Enterprise, InvestmentProject, StageChange, StageRequirement


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


# ── The stage log (阶段记录) and capital in place (到资) ──


class StageRefused(Refusal):
    """A stage change the project cannot take: backwards, or missing what the stage needs."""


def stage_requirements() -> dict[str, list[str]]:
    """Every stage's required project fields, in one query: the admin's StageRequirement
    rows, else the defaults."""
    table: dict[str, list[str]] = {str(k): list(v) for k, v in DEFAULT_STAGE_FIELDS.items()}
    table.update(dict(StageRequirement.objects.values_list("stage", "fields")))
    known = {f.name for f in InvestmentProject._meta.concrete_fields}
    return {stage: [f for f in fields if f in known] for stage, fields in table.items()}


def required_fields(stage: str) -> list[str]:
    """The project fields `stage` requires."""
    return stage_requirements().get(stage, [])


def _value_for_log(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


@transaction.atomic
def advance_stage(
    *,
    user,
    project: InvestmentProject,
    stage: str,
    on: dt.date,
    values: dict | None = None,
    note: str = "",
) -> StageChange:
    """Move `project` on to `stage` on the day `on`, with the `values` that stage requires
    (set on the project first). Refused, and nothing written, when the stage is not after the
    one reached (a stage is never taken back this way), or when a required field is empty."""
    require_change(user, project.zone)
    stages: list[str] = [str(s) for s, _field in STAGE_DATES]
    if stage not in stages:
        raise StageRefused(_("Unknown stage %(stage)s") % {"stage": stage})
    reached = project.stage_on(dt.date.max)
    if reached is not None and stages.index(stage) <= stages.index(reached):
        raise StageRefused(
            _(
                "The project has already reached “%(reached)s”: it cannot go back to "
                "“%(stage)s”. Its stage is kept."
            )
            % {"reached": Stage(reached).label, "stage": Stage(stage).label}
        )
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    for key, value in (values or {}).items():
        setattr(project, key, value)
    date_field = {str(s): f for s, f in STAGE_DATES}[stage]
    setattr(project, date_field, on)
    needed = required_fields(stage)
    missing = [f for f in needed if getattr(project, f) in (None, "")]
    if missing:
        labels = "、".join(_label(f) for f in missing)
        raise StageRefused(
            _("To reach “%(stage)s” the project needs: %(fields)s")
            % {"stage": Stage(stage).label, "fields": labels}
        )
    save_project(user=user, project=project)
    return StageChange.objects.create(
        project=project,
        stage=stage,
        on=on,
        recorded_by=user if getattr(user, "pk", None) else None,
        values={f: _value_for_log(getattr(project, f)) for f in needed},
        note=note,
    )


def capital_problems(
    *, project: InvestmentProject, on: dt.date | None, amount
) -> list[tuple[str, str]]:
    problems = []
    if amount is None or amount <= 0:
        problems.append(("amount_yuan", _("The amount must be more than 0.")))
    if on is not None and on > timezone.localdate():
        problems.append(("on", _("The day is after today.")))
    if on is not None and (project.signed_on is None or on < project.signed_on):
        problems.append(("on", _("Capital is put in place after the project is signed.")))
    return problems


@transaction.atomic
def record_capital(
    *, user, project: InvestmentProject, on: dt.date, amount, note: str = ""
) -> CapitalArrival:
    """Record capital in place for a signed project; refused with the reasons otherwise."""
    require_change(user, project.zone)
    problems = capital_problems(project=project, on=on, amount=amount)
    if problems:
        raise ValidationError({key: [message] for key, message in problems})
    arrival = CapitalArrival(project=project, on=on, amount_yuan=amount, note=note)
    changed_by(arrival, user)
    arrival.save()
    return arrival
