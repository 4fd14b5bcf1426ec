from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Segment(models.TextChoices):
    """Where on the chain a node sits (上游 / 中游 / 下游)."""

    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")


SEGMENT_ZH = {
    Segment.UPSTREAM: "上游",
    Segment.MIDSTREAM: "中游",
    Segment.DOWNSTREAM: "下游",
}


class LinkKind(models.TextChoices):
    """How two nodes relate: one supplies the next (上下游, directed, never a cycle), or they
    are neighbours across two chains (左右岸, undirected)."""

    SUPPLIES = "supplies", _("Supplies (upstream to downstream)")
    ADJACENT = "adjacent", _("Adjacent chain (left and right bank)")


class NodeStatus(models.TextChoices):
    """A node's local presence, from the chain's thresholds (docs/chains.md)."""

    MISSING = "missing", pgettext_lazy("node status", "Missing")
    THIN = "thin", pgettext_lazy("node status", "Thin")
    PRESENT = "present", pgettext_lazy("node status", "Present")
    STRONG = "strong", pgettext_lazy("node status", "Strong")


# The colours the chain map draws each status in (Tabler's palette).
STATUS_COLOURS = {
    NodeStatus.MISSING: "#d63939",
    NodeStatus.THIN: "#f59f00",
    NodeStatus.PRESENT: "#4299e1",
    NodeStatus.STRONG: "#2fb344",
}


class GapKind(models.TextChoices):
    """The three lists a chain's statuses give (补链 / 强链 / 延链)."""

    FILL = "fill", _("Fill a gap in the chain")
    STRENGTHEN = "strengthen", _("Strengthen the chain")
    EXTEND = "extend", _("Extend the chain")
