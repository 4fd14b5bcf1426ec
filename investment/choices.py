from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    TOP500 = "top500", _("Fortune 500 project")
    SEGMENT_LEADER = "segment_leader", _("Segment-leader project")
    CORE_SUPPLIER = "core_supplier", _("Core supporting project")
    OTHER = "other", _("Other project")


TIER_ZH = {
    Tier.TOP500: "500强企业项目",
    Tier.SEGMENT_LEADER: "细分行业领军企业项目",
    Tier.CORE_SUPPLIER: "核心关键配套项目",
    Tier.OTHER: "其他项目",
}


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    STARTED = "started", _("Construction started")
    IN_PRODUCTION = "in_production", _("In production")


# Each stage and the date field that marks reaching it, in order.
STAGE_DATES = [
    (Stage.LEAD, "lead_on"),
    (Stage.NEGOTIATING, "negotiating_on"),
    (Stage.SIGNED, "signed_on"),
    (Stage.STARTED, "started_on"),
    (Stage.IN_PRODUCTION, "production_on"),
]
STAGE_DATE_ZH = {
    "lead_on": "线索日期",
    "negotiating_on": "洽谈日期",
    "signed_on": "签约日期",
    "started_on": "开工日期",
    "production_on": "投产日期",
}


class ChainAction(models.TextChoices):
    BUILD = "build", _("Build the chain")
    STRENGTHEN = "strengthen", _("Strengthen the chain")
    FILL = "fill", _("Fill a gap in the chain")


CHAIN_ACTION_ZH = {
    ChainAction.BUILD: "建链",
    ChainAction.STRENGTHEN: "强链",
    ChainAction.FILL: "补链",
}


# Kinds of enterprise the plan names: (field, Chinese, English).
ENTERPRISE_KINDS = [
    ("is_rd_institution", "头部企业研发机构", _("Head-enterprise R&D institution")),
    ("is_scitech", "科创企业", _("Sci-tech enterprise")),
    ("is_unicorn", "独角兽企业", _("Unicorn")),
    ("is_new_economy", "新经济企业", _("New-economy enterprise")),
    ("is_fortune500", "500强企业", _("Fortune 500 enterprise")),
]


# What a project must have recorded to reach a stage, unless a StageRequirement row of the
# admin says otherwise. Configuration, not a fact of the plan: an office sets its own.
DEFAULT_STAGE_FIELDS = {
    Stage.LEAD: [],
    Stage.NEGOTIATING: ["enterprise"],
    Stage.SIGNED: ["enterprise", "investment_yuan", "contract_production_on"],
    Stage.STARTED: ["longitude", "latitude"],
    Stage.IN_PRODUCTION: [],
}


class WarningKind(models.TextChoices):
    """What a warning rule looks for in a project (docs/pipeline.md)."""

    SIGNED_NOT_STARTED = "signed_not_started", _("Signed but not started after N days")
    LATE_PRODUCTION = "late_production", _("Not in production N days after the contract's day")
    NO_FOLLOW_UP = "no_follow_up", _("A lead or negotiation with no follow-up in N days")


class WarningLevel(models.TextChoices):
    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    GREEN = "green", _("Green")


# The rules that hold while the admin has set none (WarningRule rows replace them all):
# (kind, days, level). Configuration, not facts of the plan.
DEFAULT_WARNING_RULES = [
    (WarningKind.SIGNED_NOT_STARTED, 180, WarningLevel.RED),
    (WarningKind.SIGNED_NOT_STARTED, 90, WarningLevel.YELLOW),
    (WarningKind.LATE_PRODUCTION, 0, WarningLevel.RED),
    (WarningKind.NO_FOLLOW_UP, 60, WarningLevel.YELLOW),
]


class ConflictBasis(models.TextChoices):
    """Why projects of different zones are taken to pursue one enterprise."""

    SAME_ENTERPRISE = "same_enterprise", _("Same enterprise (credit code)")
    SIMILAR_NAME = "similar_name", _("Similar enterprise names")


class ConflictStatus(models.TextChoices):
    """Where the city stands on a conflict (docs/conflicts.md, Shares)."""

    OPEN = "open", _("Awaiting the city")
    CONFIRMED = "confirmed", _("First contact confirmed")
    REASSIGNED = "reassigned", _("Reassigned")
    JOINT = "joint", _("Joint attraction")
    SEPARATE = "separate", _("Separate investments")
    CLEARED = "cleared", _("No longer in conflict")


# Statuses in which the holder counts the whole project and the others nothing.
HOLDER_STATUSES = {ConflictStatus.OPEN, ConflictStatus.CONFIRMED, ConflictStatus.REASSIGNED}


class HolderRule(models.TextChoices):
    """Which zone holds a contested project until the city decides (ZONEPLAN_CONFLICT_HOLDER)."""

    FIRST_CONTACT = "first_contact", _("The zone whose project has the earliest stage date")
    FIRST_REGISTERED = "first_registered", _("The zone that registered its project first")
