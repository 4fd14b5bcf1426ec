"""Writes of opportunity lists: drafting, the review, publication and withdrawal
(docs/portal.md). Rights are asked of accounts.scoping; a refusal raises a
core.refusals.Refusal whose message the user reads, and nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import (
    may_handle_responses,
    may_issue_opportunity,
    may_publish_scenario,
    may_review_opportunity,
)
from accounts.writes import save_in_zone
from core import richtext
from core.history import changed_by
from core.quantities import INVESTMENT_MAX_YUAN
from core.refusals import Forbidden, Refusal, Stale
from core.textsearch import index_text
from territory.choices import UnitKind
from territory.models import Unit

from .choices import (
    EDITABLE,
    RefusalReason,
    ResponseStatus,
    ReviewLevel,
    StepAction,
    VersionStatus,
)
from .models import Attempt, Opportunity, Response, Scenario, Step, Version

TITLE_MAX = 120
DESCRIPTION_MAX = 5000  # characters of text, once the markup is taken away
SOUGHT_MAX = 2000
AMOUNT_MAX_YUAN = INVESTMENT_MAX_YUAN  # 1万亿元
AREA_MAX_M2 = Decimal(100_000_000)  # 100 km²
COUNT_MAX = 1_000_000
CONTENT = (
    "title",
    "kind",
    "field",
    "scenario",
    "description",
    "sought",
    "amount_yuan",
    "area_m2",
    "count",
    "deadline",
    "contact_role",
    "contact_phone",
    "phone_public",
)
_PHONE = re.compile(r"^[0-9+()\- ]{5,20}$")


class OpportunityRefused(Refusal):
    """A step of the review that does not fit the version's state."""


def _description_problems(html: str | None, missing: str) -> list[tuple[str, str]]:
    """Rich text that has text left once sanitised, and not too much of it."""
    text = richtext.plain(richtext.clean(html or ""))
    if not text:
        return [("description", missing)]
    if len(text) > DESCRIPTION_MAX:
        message = _("The description is at most %(n)s characters of text.") % {"n": DESCRIPTION_MAX}
        return [("description", message)]
    return []


def opportunity_problems(
    values: dict[str, Any], *, today: dt.date, unit: Unit | None = None
) -> list[tuple[str, str]]:
    """What keeps an opportunity's content from being saved: (field, message) pairs. The form,
    the API and commands all ask this; `unit` is the issuing unit, when known."""
    problems: list[tuple[str, str]] = []
    scenario = values.get("scenario")
    if scenario is not None and unit is not None and scenario.zone_id != unit.pk:
        problems.append(
            (
                "scenario",
                _("The scenario IP must be one of %(unit)s's own.") % {"unit": unit.name},
            )
        )
    title = (values.get("title") or "").strip()
    if not title:
        problems.append(("title", _("Give the opportunity a title.")))
    elif len(title) > TITLE_MAX:
        problems.append(
            ("title", _("The title is at most %(n)s characters long.") % {"n": TITLE_MAX})
        )
    if values.get("kind") is None:
        problems.append(("kind", _("Choose the kind of opportunity.")))
    if values.get("field") is None:
        problems.append(("field", _("Choose the field it belongs to.")))
    problems += _description_problems(
        values.get("description"),
        _("Describe the opportunity (markup that is not allowed, like scripts, is removed)."),
    )
    sought = (values.get("sought") or "").strip()
    if not sought:
        problems.append(("sought", _("Say what is sought or offered.")))
    elif len(sought) > SOUGHT_MAX:
        problems.append(
            (
                "sought",
                _("What is sought or offered is at most %(n)s characters.") % {"n": SOUGHT_MAX},
            )
        )
    for key, limit in (
        ("amount_yuan", AMOUNT_MAX_YUAN),
        ("area_m2", AREA_MAX_M2),
        ("count", COUNT_MAX),
    ):
        value = values.get(key)
        if value is None:
            continue
        if value < 0:
            problems.append((key, _("The scale cannot be negative.")))
        elif value > limit:
            problems.append((key, _("The scale is too large to be real.")))
    deadline = values.get("deadline")
    if deadline is None:
        problems.append(("deadline", _("Give the deadline for answers.")))
    elif deadline < today:
        problems.append(
            (
                "deadline",
                _("The deadline %(day)s has passed; give a day from %(today)s on.")
                % {"day": deadline.isoformat(), "today": today.isoformat()},
            )
        )
    role = (values.get("contact_role") or "").strip()
    if not role:
        problems.append(("contact_role", _("Name the office that answers (a role, not a person).")))
    elif len(role) > 60:
        problems.append(("contact_role", _("The contact is at most 60 characters.")))
    phone = (values.get("contact_phone") or "").strip()
    if phone and not _PHONE.match(phone):
        problems.append(
            ("contact_phone", _("A phone number has 5 to 20 digits, spaces, +, - or brackets."))
        )
    if values.get("phone_public") and not phone:
        problems.append(("phone_public", _("There is no phone number to show.")))
    return problems


def _content(values: dict[str, Any]) -> dict[str, Any]:
    content = {key: values.get(key) for key in CONTENT}
    content["title"] = (content["title"] or "").strip()
    content["description"] = richtext.clean(content["description"] or "")
    content["sought"] = (content["sought"] or "").strip()
    content["contact_role"] = (content["contact_role"] or "").strip()
    content["contact_phone"] = (content["contact_phone"] or "").strip()
    content["phone_public"] = bool(content["phone_public"])
    return content


def _search_words(version: Version, unit: Unit) -> str:
    return index_text(
        version.title,
        richtext.plain(version.description),
        version.sought,
        version.field.name,
        version.kind.name,
        unit.name,
    )


def _refuse_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for key, message in problems:
            errors.setdefault(key, []).append(message)
        raise ValidationError(errors)


def _require_issuer(user, unit: Unit) -> None:
    if not may_issue_opportunity(user, unit):
        raise Forbidden(_("You may not issue opportunities for %(unit)s.") % {"unit": unit.name})


@transaction.atomic
def save_draft(
    *,
    user,
    values: dict[str, Any],
    unit: Unit | None = None,
    opportunity: Opportunity | None = None,
    today: dt.date | None = None,
) -> Version:
    """Save what an opportunity says. A new one (`unit` given) starts as version 1, a draft.
    A draft or a returned version is changed in place; a published or withdrawn one stays as
    it was and a new draft version takes the change, to be reviewed again; a version in review
    is refused until it is approved or returned. Problems refuse the save (ValidationError)."""
    today = today or timezone.localdate()
    if opportunity is None:
        if unit is None:
            raise OpportunityRefused(_("Say which unit issues the opportunity."))
        if unit.kind not in (UnitKind.ZONE, UnitKind.DISTRICT, UnitKind.CITY):
            raise OpportunityRefused(
                _("Opportunities are issued by a zone, a district or the city.")
            )
        _require_issuer(user, unit)
        _refuse_problems(opportunity_problems(values, today=today, unit=unit))
        opportunity = changed_by(Opportunity(unit=unit, created_by=user), user)
        opportunity.save()
        version = Version(opportunity=opportunity, number=1, created_by=user, **_content(values))
        version.search_text = _search_words(version, unit)
        changed_by(version, user).save()
        return version
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_issuer(user, opportunity.unit)
    _refuse_problems(opportunity_problems(values, today=today, unit=opportunity.unit))
    latest = opportunity.versions.order_by("-number").first()
    assert latest is not None
    if latest.status == VersionStatus.IN_REVIEW:
        raise OpportunityRefused(
            _(
                "Version %(n)s is in review and cannot change; ask the reviewer to return it, "
                "or wait for the decision."
            )
            % {"n": latest.number}
        )
    content = _content(values)
    if latest.status in EDITABLE:
        for key, value in content.items():
            setattr(latest, key, value)
        latest.search_text = _search_words(latest, opportunity.unit)
        changed_by(latest, user).save()
        return latest
    version = Version(opportunity=opportunity, number=latest.number + 1, created_by=user, **content)
    version.search_text = _search_words(version, opportunity.unit)
    changed_by(version, user).save()
    Step.objects.create(
        version=version,
        action=StepAction.REVISE,
        user=user,
        note=_("A change to version %(n)s, reviewed again before it replaces it.")
        % {"n": latest.number},
    )
    return version


def review_levels(unit: Unit) -> list[str]:
    """The levels an opportunity of `unit` passes, in order (ZONEPLAN_OPPORTUNITY_REVIEW); the
    district level only for a zone's opportunities, the city level always last."""
    levels = [
        level
        for level in settings.ZONEPLAN_OPPORTUNITY_REVIEW
        if not (level == ReviewLevel.DISTRICT and unit.kind != UnitKind.ZONE)
    ]
    return levels or [ReviewLevel.CITY]


def _locked(version: Version) -> Version:
    return (
        Version.objects.select_for_update().select_related("opportunity__unit").get(pk=version.pk)
    )


def _step(version: Version, action: str, user, *, level: str = "", note: str = "") -> None:
    Step.objects.create(version=version, action=action, level=level, user=user, note=note[:500])


@transaction.atomic
def submit(*, user, version: Version) -> Version:
    """Send a draft (or a returned version) to its first review level."""
    version = _locked(version)
    unit = version.opportunity.unit
    _require_issuer(user, unit)
    if version.status not in EDITABLE:
        raise Stale(
            _("Version %(n)s is %(status)s; only a draft or a returned version is submitted.")
            % {"n": version.number, "status": version.get_status_display()}
        )
    _refuse_problems(
        [
            (key, message)
            for key, message in opportunity_problems(
                {key: getattr(version, key) for key in CONTENT},
                today=timezone.localdate(),
                unit=unit,
            )
        ]
    )
    version.status = VersionStatus.IN_REVIEW
    version.awaiting = review_levels(unit)[0]
    changed_by(version, user).save(update_fields=["status", "awaiting"])
    _step(version, StepAction.SUBMIT, user)
    return version


@transaction.atomic
def review(*, user, version: Version, approve: bool, note: str = "") -> Version:
    """Approve the version at the level it awaits (the last level publishes it) or return it
    for changes with a reason."""
    version = _locked(version)
    unit = version.opportunity.unit
    if version.status != VersionStatus.IN_REVIEW:
        raise Stale(
            _("Version %(n)s is %(status)s, not in review; the page was out of date.")
            % {"n": version.number, "status": version.get_status_display()}
        )
    level = version.awaiting
    if not may_review_opportunity(user, unit, level):
        raise Forbidden(
            _("You may not review at the %(level)s level.") % {"level": ReviewLevel(level).label}
        )
    note = (note or "").strip()
    if not approve:
        if not note:
            raise OpportunityRefused(_("Say what should change: a return needs a reason."))
        version.status = VersionStatus.RETURNED
        version.awaiting = ""
        changed_by(version, user).save(update_fields=["status", "awaiting"])
        _step(version, StepAction.RETURN, user, level=level, note=note)
        return version
    levels = review_levels(unit)
    position = levels.index(level) if level in levels else len(levels) - 1
    _step(version, StepAction.APPROVE, user, level=level, note=note)
    if position + 1 < len(levels):
        version.awaiting = levels[position + 1]
        changed_by(version, user).save(update_fields=["awaiting"])
        return version
    return _publish(version, user)


def _publish(version: Version, user) -> Version:
    opportunity = Opportunity.objects.select_for_update().get(pk=version.opportunity_id)
    previous = opportunity.published
    if previous is not None and previous.pk != version.pk:
        previous.status = VersionStatus.SUPERSEDED
        changed_by(previous, user).save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.awaiting = ""
    version.published_at = timezone.now()
    changed_by(version, user).save(update_fields=["status", "awaiting", "published_at"])
    opportunity.published = version
    opportunity.withdrawn_at = None
    changed_by(opportunity, user).save(update_fields=["published", "withdrawn_at"])
    _step(version, StepAction.PUBLISH, user)
    return version


@transaction.atomic
def withdraw(*, user, opportunity: Opportunity, note: str = "") -> Opportunity:
    """Take a published opportunity off the public list; its versions are kept."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_issuer(user, opportunity.unit)
    version = opportunity.published
    if version is None:
        raise Stale(_("The opportunity is not published; there is nothing to withdraw."))
    version.status = VersionStatus.WITHDRAWN
    changed_by(version, user).save(update_fields=["status"])
    opportunity.published = None
    opportunity.withdrawn_at = timezone.now()
    changed_by(opportunity, user).save(update_fields=["published", "withdrawn_at"])
    _step(version, StepAction.WITHDRAW, user, note=note)
    return opportunity


# ── Evidence files ──


@transaction.atomic
def attach_evidence(*, user, opportunity: Opportunity, upload):
    """Attach an evidence file (a brief, a drawing, a contract) to an opportunity, for those
    who issue it; every one who sees the opportunity inside reads it, the portal never shows
    it. The rules of every registry's files hold (core.evidence: the type read from the
    content, the size, at most 50 an item); a refused file writes nothing."""
    from core import evidence

    _require_issuer(user, opportunity.unit)
    try:
        return evidence.attach(opportunity, upload, user=user)
    except evidence.EvidenceError as error:
        raise OpportunityRefused(str(error)) from None


# ── Scenario IPs ──

SCENARIO_NAME_MAX = 80


def scenario_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """What keeps a scenario IP from being saved: (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    zone = values.get("zone")
    if zone is None:
        problems.append(("zone", _("Choose the zone the scenario IP belongs to.")))
    elif zone.kind != UnitKind.ZONE:
        problems.append(("zone", _("A scenario IP belongs to a zone.")))
    name = (values.get("name") or "").strip()
    if not name:
        problems.append(("name", _("Give the scenario IP its name.")))
    elif len(name) > SCENARIO_NAME_MAX:
        problems.append(
            ("name", _("The name is at most %(n)s characters long.") % {"n": SCENARIO_NAME_MAX})
        )
    if values.get("field") is None:
        problems.append(("field", _("Choose the field it belongs to.")))
    problems += _description_problems(
        values.get("description"),
        _("Describe the scenario (markup that is not allowed, like scripts, is removed)."),
    )
    if zone is not None:
        strays = [p.name for p in values.get("projects") or [] if p.zone_id != zone.pk]
        if strays:
            problems.append(
                (
                    "projects",
                    _("Projects of another zone cannot take part: %(names)s.")
                    % {"names": "、".join(strays[:5])},
                )
            )
    return problems


@transaction.atomic
def save_scenario(
    *, user, scenario: Scenario, projects: list | None = None, enterprises: list | None = None
) -> Scenario:
    """Save a scenario IP for the zone's officers (and those above): its rules refuse the save,
    its zone never changes once set, history names the user."""
    if scenario.pk:
        stored = Scenario.objects.filter(pk=scenario.pk).values_list("zone_id", flat=True).first()
        if stored is not None and stored != scenario.zone_id:
            raise OpportunityRefused(_("A scenario IP stays with the zone that shaped it."))
    values = {
        "zone": scenario.zone if scenario.zone_id else None,
        "name": scenario.name,
        "field": scenario.field if scenario.field_id else None,
        "description": scenario.description,
        "projects": projects or [],
    }
    scenario.name = (scenario.name or "").strip()
    scenario.description = richtext.clean(scenario.description or "")
    save_in_zone(scenario, user=user, zone_path="zone", problems=scenario_problems(values))
    if projects is not None:
        scenario.projects.set(projects)
    if enterprises is not None:
        scenario.enterprises.set(enterprises)
    return scenario


@transaction.atomic
def publish_scenario(*, user, scenario: Scenario, publish: bool) -> Scenario:
    """Publish a scenario IP on the portal, or take it off; the history keeps both days."""
    if not may_publish_scenario(user):
        raise Forbidden(_("Only the city's administrators publish scenario IPs."))
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if publish == (scenario.published_at is not None):
        raise Stale(
            _("The scenario IP is already published.")
            if publish
            else _("The scenario IP is not published.")
        )
    scenario.published_at = timezone.now() if publish else None
    changed_by(scenario, user).save(update_fields=["published_at"])
    return scenario


# ── Responses on the public form (揭榜 / 对接) ──

ORGANISATION_MAX = 100
MESSAGE_MAX = 2000
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,100}\.[^@\s]{2,}$")


class ResponseRefused(Refusal):
    """The public form refused a sending; `reason` is what the count records, `problems` the
    fields to correct (when the reason is wrong or missing input)."""

    def __init__(self, message: str, *, reason: str, problems=None):
        super().__init__(message)
        self.reason = reason
        self.problems = problems or []


def consent_text() -> str:
    """The purpose the sender consents to, in the sender's language, as stored with the
    answer."""
    return _(
        "I agree that the above is given to the unit that issued this opportunity, only to "
        "contact me and follow up on it; the contact details are erased after the retention "
        "period (%(days)s days)."
    ) % {"days": settings.ZONEPLAN_RESPONSE_RETENTION_DAYS}


def address_key(address: str) -> str:
    """The sender's address as a keyed hash: enough to count sends, useless to anyone else."""
    import hashlib
    import hmac

    key = hashlib.sha256(("zoneplan.response.address" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def response_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with an answer's fields: (field, message) pairs."""
    from investment.creditcode import normalise
    from investment.creditcode import problem as credit_code_problem

    problems: list[tuple[str, str]] = []
    for key in (
        "organisation",
        "credit_code",
        "contact_name",
        "contact_phone",
        "contact_email",
        "message",
    ):
        if "\x00" in str(values.get(key) or ""):
            problems.append((key, _("This field holds a character that is not allowed.")))
            values = {**values, key: ""}
    organisation = (values.get("organisation") or "").strip()
    if not organisation:
        problems.append(("organisation", _("Name your organisation.")))
    elif len(organisation) > ORGANISATION_MAX:
        problems.append(
            (
                "organisation",
                _("The organisation's name is at most %(n)s characters.") % {"n": ORGANISATION_MAX},
            )
        )
    code = normalise(values.get("credit_code") or "")
    if not code:
        problems.append(("credit_code", _("Give your unified social credit code.")))
    else:
        message = credit_code_problem(code)
        if message:
            problems.append(("credit_code", message))
    name = (values.get("contact_name") or "").strip()
    if not name:
        problems.append(("contact_name", _("Name the person we may contact.")))
    elif len(name) > 40:
        problems.append(("contact_name", _("The contact's name is at most 40 characters.")))
    phone = (values.get("contact_phone") or "").strip()
    email = (values.get("contact_email") or "").strip()
    if not phone and not email:
        problems.append(("contact_phone", _("Give a phone number or an e-mail address.")))
    if phone and not _PHONE.match(phone):
        problems.append(
            ("contact_phone", _("A phone number has 5 to 20 digits, spaces, +, - or brackets."))
        )
    if email and (len(email) > 100 or not _EMAIL.match(email)):
        problems.append(("contact_email", _("This is not an e-mail address.")))
    message_text = (values.get("message") or "").strip()
    if not message_text:
        problems.append(("message", _("Say what you offer for this opportunity.")))
    elif len(message_text) > MESSAGE_MAX:
        problems.append(
            ("message", _("The message is at most %(n)s characters.") % {"n": MESSAGE_MAX})
        )
    if not values.get("consent"):
        problems.append(("consent", _("An answer can be sent only with your consent.")))
    return problems


def _refuse(reason: str, message: str, problems=None):
    raise ResponseRefused(message, reason=reason, problems=problems)


def respond(
    *,
    opportunity_id: int,
    values: dict[str, Any],
    address: str,
    opened_at: float | None,
    honeypot: str = "",
    upload=None,
) -> Response:
    """Record an answer from the public form, or refuse it with a message the sender reads.
    Every sending is counted (accepted or with its reason); a refused one writes nothing else.
    The limits: a hidden field a person leaves empty, a least time to fill the form, sends per
    address and per opportunity in an hour, and answers awaiting the zone."""
    key = address_key(address)
    opportunity = None
    try:
        with transaction.atomic():
            opportunity = Opportunity.objects.select_for_update().filter(pk=opportunity_id).first()
            _lock_address(key)
            response = _checked_response(opportunity, values, key, opened_at, honeypot, upload)
            Attempt.objects.create(address=key, opportunity=opportunity, accepted=True)
            return response
    except ResponseRefused as refused:
        Attempt.objects.create(
            address=key,
            opportunity=opportunity if opportunity is not None and opportunity.pk else None,
            reason=refused.reason,
        )
        raise


#: The advisory locks of answers' addresses are numbers from this on (PostgreSQL shares one
#: space of advisory locks per database; nothing else here takes one).
_ADDRESS_LOCKS = 0x5A0 << 48


def _lock_address(key: str) -> None:
    """Hold the sender's address until the transaction ends, so that two answers from one
    address to two opportunities are counted one after the other (the opportunity's row lock
    orders only answers to the same one). SQLite's transactions here take the write lock at
    once (IMMEDIATE), which orders every answer already."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADDRESS_LOCKS + int(key[:12], 16)])


def _checked_response(opportunity, values, key, opened_at, honeypot, upload) -> Response:
    import time
    from pathlib import PurePath

    from core import evidence, files

    now = timezone.now()
    if honeypot:
        _refuse(
            RefusalReason.HONEYPOT, _("The form could not be sent: reload the page and fill it in.")
        )
    version = opportunity.published if opportunity is not None else None
    if version is None or version.deadline < timezone.localdate():
        _refuse(
            RefusalReason.CLOSED,
            _("This opportunity is closed or withdrawn and takes no more answers."),
        )
    least = settings.ZONEPLAN_RESPONSE_MIN_SECONDS
    if opened_at is None or time.time() - opened_at < least:
        _refuse(
            RefusalReason.TOO_FAST,
            _("The form was sent too fast: take at least %(n)s seconds to fill it in.")
            % {"n": least},
        )
    hour_ago = now - dt.timedelta(hours=1)
    per_address = settings.ZONEPLAN_RESPONSE_PER_ADDRESS
    if Attempt.objects.filter(address=key, at__gte=hour_ago).count() >= per_address:
        _refuse(
            RefusalReason.ADDRESS_LIMIT,
            _(
                "At most %(n)s answers may be sent from one network address in an hour; "
                "try again later."
            )
            % {"n": per_address},
        )
    per_opportunity = settings.ZONEPLAN_RESPONSE_PER_OPPORTUNITY
    if (
        Attempt.objects.filter(opportunity=opportunity, accepted=True, at__gte=hour_ago).count()
        >= per_opportunity
    ):
        _refuse(
            RefusalReason.OPPORTUNITY_LIMIT,
            _("This opportunity has had many answers in the last hour; try again later."),
        )
    pending = settings.ZONEPLAN_RESPONSE_PENDING_MAX
    if opportunity.responses.filter(status=ResponseStatus.NEW).count() >= pending:
        _refuse(
            RefusalReason.PENDING_LIMIT,
            _(
                "This opportunity has %(n)s answers awaiting the zone; it takes more once "
                "they are read."
            )
            % {"n": pending},
        )
    problems = response_problems(values)
    stored: dict[str, Any] = {}
    if upload is not None:
        limit = settings.ZONEPLAN_RESPONSE_MAX_BYTES
        if upload.size > limit:
            problems.append(
                (
                    "file",
                    _("The file is too large (%(size)s, at most %(limit)s)")
                    % {"size": evidence.size_text(upload.size), "limit": evidence.size_text(limit)},
                )
            )
        else:
            data = upload.read()
            try:
                kind = evidence.kind_of(data, upload.name or "")
            except evidence.EvidenceError as error:
                problems.append(("file", str(error)))
            else:
                stored = {
                    "file_name": PurePath(upload.name).name[-200:],
                    "file_kind": kind,
                    "file_size": len(data),
                    "data": data,
                }
    if problems:
        _refuse(
            RefusalReason.INVALID,
            _("Some fields need correcting; nothing was sent."),
            problems=problems,
        )
    from investment.creditcode import normalise

    response = Response(
        opportunity=opportunity,
        version=version,
        organisation=values["organisation"].strip(),
        credit_code=normalise(values["credit_code"]),
        contact_name=values["contact_name"].strip(),
        contact_phone=(values.get("contact_phone") or "").strip(),
        contact_email=(values.get("contact_email") or "").strip(),
        message=values["message"].strip(),
        consent=consent_text(),
    )
    data = stored.pop("data", None)
    for field, value in stored.items():
        setattr(response, field, value)
    if data is None:
        response.save()
        return response
    try:
        with files.kept("responses", data) as holding:
            response.content = holding["content"]
            response.stored_as = holding["stored_as"]
            response.save()
    except files.StorageUnavailable as error:
        _refuse(RefusalReason.INVALID, str(error))
    return response


def _require_handler(user, response: Response) -> None:
    if not may_handle_responses(user, response.opportunity.unit):
        raise Forbidden(_("Only the issuing unit's officers handle its answers."))


@transaction.atomic
def mark_response(*, user, response: Response, status: str, note: str = "") -> Response:
    """The issuing unit marks an answer in contact, matched or declined."""
    response = (
        Response.objects.select_for_update().select_related("opportunity__unit").get(pk=response.pk)
    )
    _require_handler(user, response)
    if status not in ResponseStatus.values or status == ResponseStatus.NEW:
        raise OpportunityRefused(_("Mark the answer in contact, matched or declined."))
    response.status = status
    response.note = (note or "").strip()[:500]
    changed_by(response, user).save(update_fields=["status", "note"])
    return response


@transaction.atomic
def response_to_lead(*, user, response: Response):
    """Turn a matched answer into an investment project of the issuing zone, at the lead
    stage from today, naming the enterprise by its credit code (registered if new)."""
    from investment.models import Enterprise, InvestmentProject
    from investment.services import save_enterprise, save_project

    response = (
        Response.objects.select_for_update()
        .select_related("opportunity__unit", "version")
        .get(pk=response.pk)
    )
    _require_handler(user, response)
    unit = response.opportunity.unit
    if unit.kind != UnitKind.ZONE:
        raise OpportunityRefused(_("Only a zone's answers become its investment projects."))
    if response.project_id is not None:
        raise Stale(_("This answer is already an investment project."))
    enterprise = Enterprise.objects.filter(credit_code=response.credit_code).first()
    if enterprise is None:
        enterprise = save_enterprise(
            user=user,
            enterprise=Enterprise(
                credit_code=response.credit_code, name=response.organisation, zone=unit
            ),
        )
    name = f"{response.organisation}（{response.version.title}）"[:200]
    if InvestmentProject.objects.filter(zone=unit, name=name).exists():
        raise OpportunityRefused(
            _("The zone already has a project named “%(name)s”.") % {"name": name}
        )
    project = save_project(
        user=user,
        project=InvestmentProject(
            zone=unit,
            name=name,
            enterprise=enterprise,
            tier="other",
            lead_on=timezone.localdate(),
            note=_("From an answer to the opportunity “%(title)s” (%(day)s).")
            % {"title": response.version.title, "day": timezone.localdate().isoformat()},
        ),
    )
    response.project = project
    response.status = ResponseStatus.MATCHED
    changed_by(response, user).save(update_fields=["project", "status"])
    return project


def erase_expired_responses(*, now: dt.datetime | None = None) -> int:
    """Erase the personal data of answers older than ZONEPLAN_RESPONSE_RETENTION_DAYS: the
    contact, the message and the file go; the organisation, its credit code and the outcome
    stay. Returns how many were erased."""
    from core import files

    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.ZONEPLAN_RESPONSE_RETENTION_DAYS)
    expired = Response.objects.filter(received_at__lt=before, erased_at__isnull=True)
    names = [n for n in expired.values_list("stored_as", flat=True) if n]
    count = expired.update(
        contact_name="",
        contact_phone="",
        contact_email="",
        message="",
        content=b"",
        stored_as="",
        file_name="",
        file_kind="",
        file_size=None,
        erased_at=now,
    )
    for name in names:
        transaction.on_commit(partial(files.remove, name))
    return count
