"""Choices of the opportunities app: a version's place in the review, and the review's steps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded by a later version")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What the issuing unit may still edit in place; any other version is kept as it was.
EDITABLE = {VersionStatus.DRAFT, VersionStatus.RETURNED}


class ReviewLevel(models.TextChoices):
    DISTRICT = "district", _("District review")
    CITY = "city", _("City review")


class StepAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted for review")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned for changes")
    PUBLISH = "publish", _("Published")
    WITHDRAW = "withdraw", _("Withdrawn")
    REVISE = "revise", _("New version started")


class ScenarioStatus(models.TextChoices):
    """Where a scenario IP stands."""

    PLANNED = "planned", _("Being shaped")
    BUILDING = "building", _("Being built")
    OPERATING = "operating", _("In operation")


class ResponseStatus(models.TextChoices):
    """What the issuing zone made of an answer (揭榜 / 对接)."""

    NEW = "new", _("New")
    IN_CONTACT = "in_contact", _("In contact")
    MATCHED = "matched", _("Matched")
    DECLINED = "declined", _("Declined")


class RefusalReason(models.TextChoices):
    """Why the public form refused an attempt (counted, never shown to the sender as a code)."""

    ADDRESS_LIMIT = "address_limit", _("too many from one address")
    OPPORTUNITY_LIMIT = "opportunity_limit", _("too many for one opportunity")
    PENDING_LIMIT = "pending_limit", _("too many awaiting an answer")
    HONEYPOT = "honeypot", _("hidden field filled")
    TOO_FAST = "too_fast", _("sent too fast")
    INVALID = "invalid", _("wrong or missing fields")
    CLOSED = "closed", _("opportunity closed or withdrawn")
