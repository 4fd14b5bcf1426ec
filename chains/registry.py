"""The spreadsheet of the attraction list (招引清单): one line per enterprise a zone wants on a
node. The node is written as its code (`chain.node`, as the export writes it) or, where it is
unique, its name; the project as its name in the zone."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scoping import zone_lookup
from core.tabular.cells import match_key
from core.tabular.engine import RegistryBase
from core.tabular.spec import Column, RowResult, zone_column
from investment.creditcode import normalise

from .models import AttractionTarget, ChainNode
from .services import target_problems

TARGET_COLUMNS = [
    zone_column(),
    Column(
        "node",
        "产业链节点",
        "Chain node",
        "text",
        required=True,
        max_length=130,
        aliases=("节点", "链节点"),
        help="节点代码（产业链代码.节点代码，导出时即如此填写），或在各产业链中唯一的节点名称。",
    ),
    Column(
        "enterprise_name",
        "目标企业",
        "Enterprise",
        "text",
        required=True,
        aliases=("企业名称", "目标企业名称"),
        help="同一功能区、同一节点中企业名称唯一；再次上传即更新该行。",
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        "Credit code",
        "text",
        max_length=40,
        aliases=("信用代码",),
        help="已知时填写，按 GB 32100-2015 校验；企业不必已在企业名录中。",
    ),
    Column("reason", "招引理由", "Why it is wanted", "text", required=True, max_length=500),
    Column(
        "follower",
        "跟进人",
        "Followed by",
        "text",
        required=True,
        max_length=100,
        aliases=("责任人", "跟进责任人"),
    ),
    Column(
        "project",
        "关联招商项目",
        "Investment project",
        "text",
        aliases=("招商项目",),
        help="开始接洽后填写本功能区招商项目的名称，清单即显示该项目的阶段。",
    ),
    Column("next_step", "下一步工作", "Next step", "text", max_length=500),
    Column("due_on", "完成时限", "Due on", "date", aliases=("时限",)),
    Column("note", "备注", "Note", "text", max_length=2000),
]


class TargetRegistry(RegistryBase):
    model = AttractionTarget
    natural_key = ("zone_id", "node_id", "enterprise_name")
    text_fields = ("credit_code", "next_step", "note")
    name = "attraction_targets"
    columns = TARGET_COLUMNS
    key_columns = ("zone", "node", "enterprise_name")

    def lookups(self, user) -> dict:
        by_code: dict[str, ChainNode] = {}
        by_name: dict[str, list[ChainNode]] = {}
        for node in ChainNode.objects.select_related("chain"):
            by_code[match_key(node.qualified_code).casefold()] = node
            by_name.setdefault(match_key(node.name), []).append(node)
        return {"zone": zone_lookup(user), "codes": by_code, "names": by_name, "projects": {}}

    def check(self, row: RowResult, context: dict) -> None:
        written = row.values["node"]
        node = context["codes"].get(match_key(written).casefold())  # codes ignore case
        if node is None:
            named = context["names"].get(match_key(written), [])
            if len(named) > 1:
                row.errors["node"] = _(
                    "“%(name)s” names nodes of several chains (%(codes)s): write the node's code"
                ) % {"name": written, "codes": "、".join(n.qualified_code for n in named)}
                return
            if not named:
                row.errors["node"] = _("No chain has a node “%(name)s”") % {"name": written}
                return
            node = named[0]
        row.values["node"] = node
        zone = row.values["zone"]
        name = row.values.get("project")
        if name:
            projects = context["projects"]
            if zone.pk not in projects:
                projects[zone.pk] = {
                    match_key(p.name): p
                    for p in zone.investment_projects.only("pk", "name", "zone")
                }
            project = projects[zone.pk].get(match_key(name))
            if project is None:
                row.errors["project"] = _(
                    "Zone “%(zone)s” has no investment project named “%(name)s”"
                ) % {"zone": zone.name, "name": name}
                return
            row.values["project"] = project
        else:
            row.values["project"] = None
        if row.values.get("credit_code"):
            row.values["credit_code"] = normalise(row.values["credit_code"])
        for key, message in target_problems(row.values):
            row.errors.setdefault(key, message)


TARGET_REGISTRY = TargetRegistry()
