"""Opportunity lists (机会清单) and the kinds and fields they are sorted by.

An opportunity (`Opportunity`) is a line of a zone's (or a district's, or the city's)
construction opportunity list: a need to be met, a capability offered, a scenario to build, a
supply. What it says is held in versions (`Version`): the issuing unit drafts one, submits it,
the review levels in `ZONEPLAN_OPPORTUNITY_REVIEW` approve it, and it is published. A change
after publishing is a new version, reviewed again, while the public keeps seeing the published
one (`Opportunity.published`). Every version and every step (`Step`) is kept (docs/portal.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territory.models import Unit

from .choices import (
    EDITABLE,
    RefusalReason,
    ResponseStatus,
    ReviewLevel,
    ScenarioStatus,
    StepAction,
    VersionStatus,
)


class Kind(models.Model):
    """A kind of opportunity (需求, 能力, 场景, 供给…): reference data, kept as rows so a city
    adds one without a code change."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("opportunity kind")
        verbose_name_plural = _("opportunity kinds")

    def __str__(self) -> str:
        return self.name


class Field(models.Model):
    """A field of new-economy application (人工智能+, 5G+, 现代供应链…) that opportunities and
    scenario IPs belong to; the plan's fields carry the clause that names them."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    clause = models.CharField(_("clause of the plan"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Scenario(models.Model):
    """A scenario IP (场景IP): a named, branded new-economy application scenario of a zone, in
    a field, with the opportunities under it and the projects and enterprises taking part. The
    zone's officers keep it; the city's administrators publish it (`published_at`), and the
    history of that field says on which days it stood published (docs/portal.md)."""

    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="scenarios",
        limit_choices_to={"kind": "zone"},
    )
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="scenarios"
    )
    description = models.TextField(
        _("description"), help_text=_("Rich text, sanitised to an allow-list when saved.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ScenarioStatus.choices, default=ScenarioStatus.PLANNED
    )
    projects = models.ManyToManyField(
        "investment.InvestmentProject",
        verbose_name=_("projects taking part"),
        blank=True,
        related_name="scenarios",
    )
    enterprises = models.ManyToManyField(
        "investment.Enterprise",
        verbose_name=_("enterprises taking part"),
        blank=True,
        related_name="scenarios",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["zone__order", "name"]
        verbose_name = _("scenario IP")
        verbose_name_plural = _("scenario IPs")
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="scenario_name_in_zone")
        ]

    def __str__(self) -> str:
        return self.name


class Opportunity(models.Model):
    """An opportunity of a unit's list across its versions; `published` is the version the
    public sees (none before the first publication and after a withdrawal)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="opportunities",
        limit_choices_to={"kind__in": ("zone", "district", "city")},
    )
    published = models.ForeignKey(
        "Version",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["unit", "published"])]

    def __str__(self) -> str:
        latest = self.latest
        return latest.title if latest else str(self.pk)

    @property
    def latest(self) -> Version | None:
        return self.versions.order_by("-number").first()


class Version(models.Model):
    """What an opportunity says, as drafted, reviewed and published. Only a draft or a version
    returned for changes is edited in place; any other is kept as it was."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    awaiting = models.CharField(
        _("awaiting"),
        max_length=20,
        choices=ReviewLevel.choices,
        blank=True,
        help_text=_("The review level a version in review waits for."),
    )
    title = models.CharField(_("title"), max_length=120)
    kind = models.ForeignKey(Kind, verbose_name=_("kind"), on_delete=models.PROTECT)
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT)
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario IP"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="versions",
        help_text=_("The issuing zone's scenario IP this opportunity belongs to, if any."),
    )
    description = models.TextField(
        _("description"), help_text=_("Rich text, sanitised to an allow-list when saved.")
    )
    sought = models.TextField(_("what is sought or offered"), max_length=2000)
    # The scale, in base units: whichever of money, area and count applies (any may be empty).
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    contact_role = models.CharField(
        _("contact (a role, not a person)"),
        max_length=60,
        help_text=_("The office that answers, e.g. 投资服务局招商科."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    phone_public = models.BooleanField(
        _("phone shown to the public"),
        default=False,
        help_text=_("Only with the consent of whoever answers that phone."),
    )
    search_text = models.TextField(_("search words"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["opportunity", "-number"]
        verbose_name = _("opportunity version")
        verbose_name_plural = _("opportunity versions")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "number"], name="opportunity_version_number"
            ),
            models.CheckConstraint(
                condition=(Q(amount_yuan__isnull=True) | Q(amount_yuan__gte=0))
                & (Q(area_m2__isnull=True) | Q(area_m2__gte=0)),
                name="opportunity_scale_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_review") | ~Q(awaiting=""),
                name="opportunity_review_awaits_a_level",
            ),
            # What the public sees is the one version whose status is published: the portal
            # reads this table alone (no join to the opportunity to find which one it is).
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=Q(status="published"),
                name="opportunity_one_published_version",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # The portal's order, newest first, over published versions only: a page of 20
            # reads 20 index entries, unfiltered or by field.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="opportunity_public_newest",
            ),
            models.Index(
                fields=["field", "-published_at", "-id"],
                condition=Q(status="published"),
                name="opportunity_public_by_field",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    def is_open_on(self, day: dt.date) -> bool:
        """Published and not past its deadline (an expired opportunity is one no longer open)."""
        return self.status == VersionStatus.PUBLISHED and self.deadline >= day


class Step(models.Model):
    """One step of a version's review: who did what, when, and why (a return names its
    reason)."""

    version = models.ForeignKey(
        Version, verbose_name=_("version"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=20, choices=StepAction.choices)
    level = models.CharField(_("level"), max_length=20, choices=ReviewLevel.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class Response(models.Model):
    """An answer to a published opportunity (揭榜 / 对接) sent on the public form: who answers
    (an organisation with its credit code and a contact), what they offer, a file, and their
    consent to the purpose stated. Only the issuing unit's own officers read it. Its personal
    data (contact name, phone, e-mail, message, file) is erased after
    `ZONEPLAN_RESPONSE_RETENTION_DAYS`; the organisation and the outcome stay."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    version = models.ForeignKey(
        Version, verbose_name=_("version answered"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.CharField(_("organisation"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    contact_name = models.CharField(_("contact name"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=100, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    consent = models.TextField(_("consent given to"), help_text=_("The purpose as it was stated."))
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_kind = models.CharField(_("file kind"), max_length=10, blank=True)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), null=True, blank=True)
    content = models.BinaryField(_("file content"), blank=True, default=b"")
    stored_as = models.CharField(_("stored as"), max_length=300, blank=True, default="")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.NEW
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    project = models.ForeignKey(
        "investment.InvestmentProject",
        verbose_name=_("investment project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["content", "contact_name", "contact_phone", "contact_email", "message"]
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["opportunity", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.version.title}"


class Attempt(models.Model):
    """One sending of the public response form, accepted or refused, for the abuse limits and
    their counts. The address is kept only as a keyed hash, never as it came."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    address = models.CharField(_("address (hashed)"), max_length=64, db_index=True)
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    accepted = models.BooleanField(_("accepted"), default=False)
    reason = models.CharField(
        _("refused because"), max_length=30, choices=RefusalReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("response attempt")
        verbose_name_plural = _("response attempts")
        indexes = [models.Index(fields=["opportunity", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason or 'accepted'}"
