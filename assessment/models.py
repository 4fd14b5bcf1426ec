"""Assessment schemes and frozen runs (docs/assessment.md).

A scheme says, for a group of zones (development stages × ecosystems; empty means all), which
indicators count, with what weights, directions and goalposts, how they are combined and how
scores become grades. A run freezes everything it used — the schemes as they were, each zone's
indicator values, the method — and everything it produced, so running it again from what it
stored must give identical results (`services.verify`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from territory.models import Ecosystem, Stage, Unit

from .framework import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, WEIGHTINGS


def _choices(mapping):
    return list(mapping.items())


class Scheme(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    stages = models.ManyToManyField(
        Stage, verbose_name=_("development stages"), blank=True, related_name="schemes"
    )
    ecosystems = models.ManyToManyField(
        Ecosystem, verbose_name=_("ecosystems"), blank=True, related_name="schemes"
    )
    normalisation = models.CharField(
        _("normalisation"), max_length=20, choices=_choices(NORMALISATIONS), default="goalposts"
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=_choices(AGGREGATIONS), default="arithmetic"
    )
    weighting = models.CharField(
        _("weighting"), max_length=20, choices=_choices(WEIGHTINGS), default="manual"
    )
    winsorise = models.BooleanField(_("winsorise outliers"), default=True)
    source = models.TextField(_("source and reasons"), blank=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SchemeNode(models.Model):
    """A dimension or an indicator of a scheme. An indicator names where its values come from
    (`source`: a registered zone indicator, see assessment.sources)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.FloatField(_("weight"), default=1)
    direction = models.SmallIntegerField(_("direction"), default=1)
    low = models.FloatField(_("goalpost scoring 0"), null=True, blank=True)
    high = models.FloatField(_("goalpost scoring 100 (target)"), null=True, blank=True)
    missing = models.CharField(
        _("missing values"), max_length=20, choices=_choices(IMPUTATIONS), default="reweight"
    )
    source = models.CharField(_("source of values"), max_length=64, blank=True)
    reason = models.TextField(_("why this weight and goalposts"), blank=True)

    class Meta:
        verbose_name = _("scheme dimension or indicator")
        verbose_name_plural = _("scheme dimensions and indicators")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="scheme_node_unique")
        ]

    def __str__(self) -> str:
        return self.name


class GradeBand(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="grades")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("grade"), max_length=20)
    min_score = models.FloatField(_("lowest score"), null=True, blank=True)  # none: the rest
    max_share = models.FloatField(_("at most this share of zones"), null=True, blank=True)

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["scheme", "order"]

    def __str__(self) -> str:
        return self.name


class Run(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year assessed"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    samples = models.PositiveIntegerField(_("Monte Carlo samples"), default=1000)
    inputs = models.JSONField(_("frozen inputs"), default=dict)
    outputs = models.JSONField(_("results"), default=dict)
    digest = models.CharField(_("fingerprint (SHA-256)"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    job = models.OneToOneField(
        "jobs.Job",
        verbose_name=_("background job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessment_run",
    )

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk}"


class ZoneResult(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, verbose_name=_("zone"), on_delete=models.PROTECT)
    scheme_code = models.CharField(_("scheme"), max_length=64)
    score = models.FloatField(_("score"), null=True)
    rank = models.PositiveIntegerField(_("rank in the city"), null=True)
    scheme_rank = models.PositiveIntegerField(_("rank in its scheme"), null=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    rank_low = models.PositiveIntegerField(_("rank, 5th percentile"), null=True)
    rank_high = models.PositiveIntegerField(_("rank, 95th percentile"), null=True)
    robust = models.BooleanField(_("grade robust"), default=True)
    detail = models.JSONField(default=dict)  # dimension scores, grade probabilities, values

    class Meta:
        verbose_name = _("zone result")
        verbose_name_plural = _("zone results")
        ordering = ["run", "rank", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="zone_result_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.grade}"


class Consequence(models.Model):
    """What a grade brings, proposed by the system and decided by the city (the plan: rewards
    for excellent zones, decisive adjustment for failing ones)."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("Reward")
        WARNING = "warning", _("Urged to improve")
        ADJUSTMENT = "adjustment", _("Adjustment")

    class Decision(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="consequences")
    unit = models.ForeignKey(Unit, verbose_name=_("zone"), on_delete=models.PROTECT)
    kind = models.CharField(_("consequence"), max_length=20, choices=Kind.choices)
    basis = models.TextField(_("basis"))
    fragile = models.BooleanField(_("grade not robust"), default=False)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PROPOSED
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["run", "kind", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "unit", "kind"], name="consequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"

    @property
    def message(self) -> str:
        """The basis in the reader's language (`basis` keeps the Chinese of the record)."""
        from django.utils.translation import get_language

        if (get_language() or "zh").startswith("zh"):
            return self.basis
        return {
            self.Kind.REWARD: _(
                "Top grade: the plan's rewards (fiscal funds, land quotas, public services) "
                "and priority in appointments"
            ),
            self.Kind.WARNING: _(
                "Lowest grade for the first time: urged to improve; the lowest grade again next "
                "year will bring a proposal to adjust"
            ),
            self.Kind.ADJUSTMENT: _(
                "Lowest grade two years running: adjustment proposed, as the plan asks"
            ),
        }[self.kind]
