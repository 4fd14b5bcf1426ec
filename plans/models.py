"""A plan and its commitments. Targets are first-class: each quotes the clause it comes from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territory.choices import UnitKind
from territory.models import Unit

from .choices import Comparator, IndicatorKind, Measure, Periods, Rollup, Strength


class Plan(models.Model):
    """A dated work plan (工作计划) whose quantified commitments become targets."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    issuer_en = models.CharField(_("English issuer"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    # The plan's text, beside its file: every clause is checked against it at each load.
    source_text = models.CharField(_("text file of the plan"), max_length=200, blank=True)
    # What the plan's commitments are counted by, set in its file (plans.parameters).
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A part of a plan, as the plan groups its commitments."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(_("code"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="section_code_unique")]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """A measured quantity: derived from registries, or reported by units."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=IndicatorKind.choices)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    definition = models.TextField(_("definition"), blank=True)
    definition_en = models.TextField(_("English definition"), blank=True)
    rollup = models.CharField(
        _("roll-up"), max_length=10, choices=Rollup.choices, default=Rollup.SUM
    )
    # For a reported sum: the kind of unit that reports it (zones, by default); a unit above
    # sums the values of the units of that kind below it, never adding its own.
    level = models.CharField(
        _("reported by"), max_length=20, choices=UnitKind.choices, default=UnitKind.ZONE
    )
    periods = models.CharField(
        _("periods"), max_length=12, choices=Periods.choices, default=Periods.LATEST
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A commitment of the plan (目标任务): indicator, unit of the tree, comparator, value
    and deadline, with the clause it quotes verbatim. A commitment without a number has no
    value and says how it is tracked."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(_("code"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    comparator = models.CharField(
        _("comparator"), max_length=8, choices=Comparator.choices, blank=True
    )
    value = models.DecimalField(
        _("target value (base unit)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline = models.DecimalField(
        _("baseline (base unit)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    display_unit = models.CharField(_("display unit"), max_length=20, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    strength = models.CharField(
        _("strength"), max_length=10, choices=Strength.choices, default=Strength.BINDING
    )
    clause = models.TextField(_("clause quoted from the plan"))
    tracking = models.TextField(_("how it is tracked"), blank=True)
    tracking_en = models.TextField(_("how it is tracked (English)"), blank=True)
    # A commitment without a number is computed by a rule (plans.commitments) with parameters.
    rule = models.CharField(_("rule"), max_length=64, blank=True)
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_quantified(self) -> bool:
        return self.value is not None


class Milestone(models.Model):
    """An interim value a target must reach by a date on its way to the deadline."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="milestones"
    )
    due_on = models.DateField(_("due on"))
    value = models.DecimalField(_("value (base unit)"), max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["target", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["target", "due_on"], name="milestone_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target} @ {self.due_on}"


class ReportedValue(models.Model):
    """A value of a reported indicator for a unit and a period, entered by an administrator
    (and, with the statistics system, by approved submissions)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reported_values"
    )
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value (base unit)"), max_digits=20, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["indicator", "unit", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_end"], name="reported_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.unit} · {self.period_end}"


class DataVersion(models.Model):
    """A counter that every write to data the plan's progress reads moves on (plans.cache).
    Kept in the database, so every server process sees the same version."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return str(self.value)


class ZoneFigures(models.Model):
    """One figure source's value for every unit that holds data, for one day (and deadline):
    the analytics table that progress reads (plans.figures). Kept up to date zone by zone:
    `stamps` records the ZoneStamp versions the values were computed from."""

    key = models.CharField(max_length=300, unique=True)
    values = models.JSONField(default=dict)
    stamps = models.JSONField(default=dict)
    # New on every store: a server process that decoded these values keeps them under it.
    token = models.CharField(max_length=32, default="")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("zone figures")
        verbose_name_plural = _("zone figures")

    def __str__(self) -> str:
        return self.key


class ZoneStamp(models.Model):
    """A version that moves on whenever data of `label` (a model) that a unit holds changes;
    unit 0 stands for a bulk write whose units are not known (plans.figures)."""

    label = models.CharField(max_length=100)
    unit_id = models.PositiveBigIntegerField()
    version = models.BigIntegerField()

    class Meta:
        verbose_name = _("zone stamp")
        verbose_name_plural = _("zone stamps")
        constraints = [
            models.UniqueConstraint(fields=["label", "unit_id"], name="zone_stamp_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} · {self.unit_id}"
