"""Industrial chains (产业链) as data: a chain of an ecosystem, its nodes (链节点) on the
upstream, midstream and downstream segments to any depth, the links between nodes (上下游 and
左右岸), and what stands on a node: the enterprises mapped to it by credit code (some of them
the chain's leaders, 链主), and the carriers and investment projects that serve it.

Chains are loaded from a chain file (`manage.py load_chains`, chains.chainfile); every row
keeps its history. A node's status (缺/弱/有/强) is never stored: chains.selectors computes it
from the enterprises present in a scope and the chain's thresholds."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from territory.choices import UnitKind
from territory.models import Ecosystem, Unit

from .choices import LinkKind, Segment


class Chain(models.Model):
    """An industrial chain (产业链) of an ecosystem, with the thresholds that grade its nodes:
    no enterprise is 缺, fewer than `present_from` is 弱, fewer than `strong_from` is 有, and
    more is 强."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    ecosystem = models.ForeignKey(
        Ecosystem,
        verbose_name=_("ecosystem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chains",
    )
    description = models.TextField(_("description"), blank=True)
    present_from = models.PositiveSmallIntegerField(
        _("present from (enterprises)"),
        default=2,
        help_text=_("A node with at least this many local enterprises is present, not thin."),
    )
    strong_from = models.PositiveSmallIntegerField(
        _("strong from (enterprises)"),
        default=5,
        help_text=_("A node with at least this many local enterprises is strong."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Generated for demonstration, not a fact.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model", "industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present_from__gte=1) & Q(strong_from__gt=F("present_from")),
                name="chain_thresholds_ascend",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChainNode(models.Model):
    """A link of a chain (链节点): a segment's top node, or a finer node under another. A node's
    code is unique in its chain; elsewhere it is written `chain.node`."""

    chain = models.ForeignKey(
        Chain, verbose_name=_("industrial chain"), on_delete=models.CASCADE, related_name="nodes"
    )
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["chain", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "code"], name="chain_node_natural_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def qualified_code(self) -> str:
        return f"{self.chain.code}.{self.code}"


class ChainLink(models.Model):
    """One node supplying another (上下游, directed; the links of kind `supplies` never form a
    cycle) or two nodes of neighbouring chains (左右岸)."""

    source = models.ForeignKey(
        ChainNode, verbose_name=_("from node"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        ChainNode, verbose_name=_("to node"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="chain_link_once"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="chain_link_not_loop"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class NodeEnterprise(models.Model):
    """An enterprise on a node (企业上链), by its credit code; many to many. A chain leader
    (链主) is marked here, on the nodes it leads."""

    node = models.ForeignKey(
        ChainNode,
        verbose_name=_("chain node"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    enterprise = models.ForeignKey(
        "investment.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="chain_nodes",
    )
    is_leader = models.BooleanField(_("chain leader"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise on a node")
        verbose_name_plural = _("enterprises on nodes")
        constraints = [
            models.UniqueConstraint(fields=["node", "enterprise"], name="node_enterprise_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.node}"


class NodeProject(models.Model):
    """An investment project that serves a node: in production, it brings the node an
    enterprise."""

    node = models.ForeignKey(
        ChainNode, verbose_name=_("chain node"), on_delete=models.PROTECT, related_name="projects"
    )
    project = models.ForeignKey(
        "investment.InvestmentProject",
        verbose_name=_("investment project"),
        on_delete=models.CASCADE,
        related_name="chain_nodes",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project on a node")
        verbose_name_plural = _("projects on nodes")
        constraints = [
            models.UniqueConstraint(fields=["node", "project"], name="node_project_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project} @ {self.node}"


class NodeCarrier(models.Model):
    """A carrier (a sci-tech space, a factory…) built for a node's enterprises."""

    node = models.ForeignKey(
        ChainNode, verbose_name=_("chain node"), on_delete=models.PROTECT, related_name="carriers"
    )
    carrier = models.ForeignKey(
        "carriers.Carrier",
        verbose_name=_("carrier"),
        on_delete=models.CASCADE,
        related_name="chain_nodes",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("carrier on a node")
        verbose_name_plural = _("carriers on nodes")
        constraints = [
            models.UniqueConstraint(fields=["node", "carrier"], name="node_carrier_once"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} @ {self.node}"


class AttractionTarget(models.Model):
    """One line of a zone's attraction list (招引清单), the 一表 of its 两图一表: an enterprise
    the zone wants on a node, why, who follows it, the next step and when it is due. Its stage
    is its investment project's once talks have begun (never stored); before that it is not
    yet approached."""

    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="attraction_targets",
        limit_choices_to={"kind": UnitKind.ZONE},
    )
    node = models.ForeignKey(
        ChainNode,
        verbose_name=_("chain node"),
        on_delete=models.PROTECT,
        related_name="attraction_targets",
    )
    enterprise_name = models.CharField(_("enterprise"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("If known; the enterprise need not be in the enterprise registry yet."),
    )
    reason = models.CharField(_("why it is wanted"), max_length=500)
    follower = models.CharField(
        _("followed by"), max_length=100, help_text=_("The officer or team who follows it.")
    )
    project = models.ForeignKey(
        "investment.InvestmentProject",
        verbose_name=_("investment project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attraction_targets",
        help_text=_("Once talks begin: the zone's project, whose stage the line then shows."),
    )
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attraction target")
        verbose_name_plural = _("attraction list")
        ordering = [
            "zone__order",
            "zone__code",
            "node__chain__order",
            "node__order",
            "enterprise_name",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "node", "enterprise_name"], name="attraction_target_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name} · {self.node}"

    @property
    def name(self) -> str:
        """What the registry pages call a row by (its enterprise)."""
        return self.enterprise_name

    @property
    def stage_label(self) -> str:
        from django.utils.translation import gettext

        if self.project_id is None:
            return gettext("Not yet approached")
        return self.project.stage_label
