"""Enterprises and the investment projects zones attract (项目招引)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from territory.choices import UnitKind
from territory.models import Unit

from .choices import (
    STAGE_DATES,
    ChainAction,
    ConflictBasis,
    ConflictStatus,
    Stage,
    Tier,
    WarningKind,
    WarningLevel,
)


class Enterprise(models.Model):
    """An enterprise (企业), identified by its unified social credit code (GB 32100-2015).

    Enterprises are shared: any zone may name one as the investor in its project. The zone
    that registered it keeps it up to date."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"kind": UnitKind.ZONE},
        help_text=_("The zone the enterprise is located in and that keeps its record."),
    )
    # Where it has settled, if in a sci-tech space: what the plan's 以科创空间为载体招引新经济企业
    # counts. Investment depends on carriers here (enterprises settle in carriers), never back.
    carrier = models.ForeignKey(
        "carriers.Carrier",
        verbose_name=_("sci-tech space"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
        limit_choices_to={"kind": "scitech_space"},
        help_text=_("The sci-tech space the enterprise has settled in, if any."),
    )
    settled_on = models.DateField(
        _("settled on"),
        null=True,
        blank=True,
        help_text=_(
            "When it settled in the sci-tech space; left blank, it counts as settled all along."
        ),
    )
    is_rd_institution = models.BooleanField(_("head-enterprise R&D institution"), default=False)
    is_scitech = models.BooleanField(_("sci-tech enterprise"), default=False)
    is_unicorn = models.BooleanField(_("unicorn"), default=False)
    is_new_economy = models.BooleanField(_("new-economy enterprise"), default=False)
    is_fortune500 = models.BooleanField(_("Fortune 500 enterprise"), default=False)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InvestmentProject(models.Model):
    """An industrialisation project a zone pursues, from lead to production. Its stage is the
    last one whose date is filled in (never stored); high-tier projects count toward the
    plan's 270."""

    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="investment_projects",
        limit_choices_to={"kind": UnitKind.ZONE},
    )
    name = models.CharField(_("name"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    chain_action = models.CharField(
        _("chain action"), max_length=20, choices=ChainAction.choices, blank=True
    )
    chain = models.CharField(_("industrial chain"), max_length=200, blank=True)
    investment_yuan = models.DecimalField(
        _("investment (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    lead_on = models.DateField(_("lead on"), null=True, blank=True)
    negotiating_on = models.DateField(_("negotiating since"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    production_on = models.DateField(_("in production since"), null=True, blank=True)
    contract_production_on = models.DateField(
        _("production due by contract"),
        null=True,
        blank=True,
        help_text=_("The day the contract says production begins; a later start is a warning."),
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["zone__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="investment_project_natural_key"),
            models.CheckConstraint(
                condition=Q(investment_yuan__isnull=True) | Q(investment_yuan__gte=0),
                name="investment_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["tier", "signed_on"])]

    def __str__(self) -> str:
        return self.name

    def stage_on(self, day: dt.date | None = None) -> str | None:
        day = day or timezone.localdate()
        reached = None
        for stage, field in STAGE_DATES:
            value = getattr(self, field)
            if value and value <= day:
                reached = stage
        return reached

    @property
    def stage(self) -> str | None:
        return self.stage_on()

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage else "—"


class StageRequirement(models.Model):
    """What a project must have recorded to reach a stage (data, kept in the admin): the
    fields of InvestmentProject a stage change asks for, as UK DIT's Data Hub does."""

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, unique=True)
    fields = models.JSONField(
        _("required fields"),
        default=list,
        help_text=_('Names of the project\'s fields, e.g. ["enterprise", "investment_yuan"].'),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage requirement")
        verbose_name_plural = _("stage requirements")

    def __str__(self) -> str:
        return str(Stage(self.stage).label)


class StageChange(models.Model):
    """One step of a project's stage log (阶段记录): the stage reached, on which day, who
    recorded it, and the values the stage required as they then stood."""

    project = models.ForeignKey(
        InvestmentProject,
        verbose_name=_("investment project"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("reached on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    values = models.JSONField(_("required values"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage log")
        ordering = ["project", "on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.project} · {Stage(self.stage).label} · {self.on}"


class CapitalArrival(models.Model):
    """Capital put in place (到资) for a project on a day; 资金到位率 sums these against the
    contracted investment."""

    project = models.ForeignKey(
        InvestmentProject,
        verbose_name=_("investment project"),
        on_delete=models.CASCADE,
        related_name="capital_arrivals",
    )
    on = models.DateField(_("in place on"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("capital in place")
        verbose_name_plural = _("capital in place")
        ordering = ["project", "on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="capital_arrival_positive")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.on}"


class WarningRule(models.Model):
    """A rule that colours projects red or yellow (预警), kept in the admin: what it looks for,
    after how many days, and how loud. With no rule set, the defaults of
    investment.choices.DEFAULT_WARNING_RULES hold."""

    kind = models.CharField(_("looks for"), max_length=30, choices=WarningKind.choices)
    days = models.PositiveIntegerField(_("days"))
    level = models.CharField(
        _("level"),
        max_length=10,
        choices=[c for c in WarningLevel.choices if c[0] != WarningLevel.GREEN],
    )
    is_active = models.BooleanField(_("in force"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["kind", "-days"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "days", "level"], name="warning_rule_once")
        ]

    def __str__(self) -> str:
        return f"{WarningKind(self.kind).label} · {self.days} · {WarningLevel(self.level).label}"


class Conflict(models.Model):
    """An attraction conflict (招商冲突): projects of two or more zones that pursue one
    enterprise, by its credit code or by names that match (investment.matching). Found by
    `services.detect_conflicts`; the city decides who counts it (docs/conflicts.md)."""

    basis = models.CharField(_("basis"), max_length=20, choices=ConflictBasis.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    holder_zone = models.ForeignKey(
        Unit,
        verbose_name=_("holding zone"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The zone whose projects count the whole of it, while one zone holds it."),
    )
    zone_shares = models.JSONField(
        _("shares by zone"),
        default=dict,
        blank=True,
        help_text=_("A joint attraction's shares: {zone id: share as text}, adding up to 1."),
    )
    similarity = models.DecimalField(
        _("name similarity"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attraction conflict")
        verbose_name_plural = _("attraction conflicts")
        ordering = ["-found_at", "-pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{_('Conflict')} {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == ConflictStatus.OPEN


class ConflictMember(models.Model):
    """A project in a conflict, with the share of it its zone counts: 1 or 0 while one zone
    holds the project, the city's shares when it is joint, 1 each when the projects are
    separate investments. Every count of projects weighs a project by this share."""

    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.CASCADE, related_name="members"
    )
    project = models.OneToOneField(
        InvestmentProject,
        verbose_name=_("investment project"),
        on_delete=models.CASCADE,
        related_name="conflict_member",
    )
    share = models.DecimalField(_("counted share"), max_digits=5, decimal_places=4, default=1)

    class Meta:
        verbose_name = _("project in a conflict")
        verbose_name_plural = _("projects in conflicts")
        ordering = ["conflict", "project__zone__order", "project__pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="conflict_share_0_to_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conflict} · {self.project}"


class EnterpriseMerge(models.Model):
    """Two records of one enterprise made one (企业合并): every reference to the duplicate moved
    to the survivor, and the duplicate deleted. What it held and what moved are kept, so the
    merge can be undone (investment.services.undo_merge)."""

    survivor = models.ForeignKey(
        Enterprise,
        verbose_name=_("surviving enterprise"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="merges",
    )
    merged_pk = models.PositiveBigIntegerField(_("merged record's id"))
    merged_code = models.CharField(_("merged record's credit code"), max_length=18)
    merged_name = models.CharField(_("merged record's name"), max_length=200)
    merged_record = models.JSONField(_("merged record"), default=dict)
    moved = models.JSONField(
        _("references moved"),
        default=list,
        help_text=_("[model, id, field, old value]: what pointed at the merged record."),
    )
    removed = models.JSONField(
        _("rows removed"),
        default=list,
        help_text=_("Rows that would have repeated one of the survivor's, as they were."),
    )
    note = models.CharField(_("reason"), max_length=500, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise merge")
        verbose_name_plural = _("enterprise merges")
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.survivor or '—'}"
