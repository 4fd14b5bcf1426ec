"""Carriers (产业载体) and what the plan counts in them.

A carrier is a building project that hosts industry or people: high-quality sci-tech space,
standard factories, professional buildings and talent apartments. Its construction status is
derived from its dates (carriers.status), never stored.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territory.choices import UnitKind
from territory.models import Unit

from .choices import HOLDER_KINDS, CarrierKind, PlatformKind
from .status import Status, status_on


class Scheduled(models.Model):
    """Planned and actual start and completion dates, and the status they imply."""

    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    actual_completion = models.DateField(_("actual completion"), null=True, blank=True)

    class Meta:
        abstract = True

    def status_on(self, day: dt.date | None = None) -> str:
        day = day or timezone.localdate()
        return status_on(
            actual_start=self.actual_start, actual_completion=self.actual_completion, day=day
        )

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def _schedule_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(actual_completion__isnull=True)
            | Q(actual_start__isnull=True)
            | Q(actual_completion__gte=F("actual_start")),
            name=f"{prefix}_completed_after_start",
        ),
        models.CheckConstraint(
            condition=Q(planned_completion__isnull=True)
            | Q(planned_start__isnull=True)
            | Q(planned_completion__gte=F("planned_start")),
            name=f"{prefix}_planned_completion_after_start",
        ),
    ]


class Carrier(Scheduled):
    """An industrial carrier (产业载体) in a zone or a development unit: sci-tech space,
    standard factory, professional building or talent apartment."""

    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="carriers",
        limit_choices_to={"kind__in": HOLDER_KINDS},
    )
    kind = models.CharField(_("carrier kind"), max_length=30, choices=CarrierKind.choices)
    name = models.CharField(_("name"), max_length=200)
    floor_area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=16, decimal_places=2)
    developer = models.CharField(_("developer or owner"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    occupancy_rate = models.DecimalField(
        _("occupancy rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Share of a completed carrier's floor area in use, from 0 to 1."),
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["zone__order", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "kind", "name"], name="carrier_natural_key"),
            models.CheckConstraint(
                condition=Q(floor_area_m2__gte=0), name="carrier_area_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(occupancy_rate__isnull=True)
                | Q(occupancy_rate__gte=0, occupancy_rate__lte=1),
                name="carrier_occupancy_between_0_and_1",
            ),
            *_schedule_constraints("carrier"),
        ]
        indexes = [
            models.Index(fields=["kind", "actual_start"]),
            models.Index(fields=["kind", "actual_completion"]),
        ]

    def __str__(self) -> str:
        return self.name


class TechPlatform(models.Model):
    """A public technology platform (公共技术平台) inside a sci-tech space: prototype
    modelling, pilot testing, inspection and testing."""

    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("sci-tech space"),
        on_delete=models.PROTECT,
        related_name="platforms",
        limit_choices_to={"kind": CarrierKind.SCITECH_SPACE},
    )
    kind = models.CharField(_("platform kind"), max_length=30, choices=PlatformKind.choices)
    name = models.CharField(_("name"), max_length=200)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tech platform")
        verbose_name_plural = _("tech platforms")
        ordering = ["carrier__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "name"], name="platform_natural_key")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceCategory(models.Model):
    """A category of basic public services (公共服务配套类别); the plan fixes 8 categories and 18
    items but names only education, medical care and culture."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """An item (项) within a service category, e.g. a kind of school or clinic."""

    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["category__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="service_item_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category.name} · {self.name}"


class ServiceProject(Scheduled):
    """A public service project (公共服务配套项目) in a zone: a school, a clinic, a library…;
    the plan counts 659 of them in 8 categories and 18 items."""

    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="service_projects",
        limit_choices_to={"kind": UnitKind.ZONE},
    )
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("service item"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField(_("name"), max_length=200)
    investment_yuan = models.DecimalField(
        _("total investment (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    developer = models.CharField(_("developer or owner"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public service project")
        verbose_name_plural = _("public service projects")
        ordering = ["zone__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="service_project_natural_key"),
            models.CheckConstraint(
                condition=Q(investment_yuan__isnull=True) | Q(investment_yuan__gte=0),
                name="service_project_investment_not_negative",
            ),
            *_schedule_constraints("service_project"),
        ]

    def __str__(self) -> str:
        return self.name


class ScheduleTemplate(models.Model):
    """Milestones of one kind of carrier, with durations, for backward schedules (倒排工期)."""

    kind = models.CharField(
        _("carrier kind"), max_length=30, choices=CarrierKind.choices, unique=True
    )
    name = models.CharField(_("name"), max_length=100)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("schedule template")
        verbose_name_plural = _("schedule templates")

    def __str__(self) -> str:
        return self.name


class ScheduleStep(models.Model):
    """One milestone of a template: its duration in working days and the step it follows. A
    step may mark a carrier's actual start or completion, so that progress can be checked."""

    class Tracks(models.TextChoices):
        NONE = "", _("Not recorded")
        START = "actual_start", _("Actual start")
        COMPLETION = "actual_completion", _("Actual completion")

    template = models.ForeignKey(
        ScheduleTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    working_days = models.PositiveIntegerField(_("working days"))
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
    )
    tracks = models.CharField(_("recorded as"), max_length=30, choices=Tracks.choices, blank=True)

    class Meta:
        verbose_name = _("schedule step")
        verbose_name_plural = _("schedule steps")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="schedule_step_order_unique")
        ]

    def __str__(self) -> str:
        return self.name
