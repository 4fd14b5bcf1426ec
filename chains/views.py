"""The chain pages: every chain with its statuses in a scope, one chain's map (产业链全景图)
with its gap lists, and one node with what stands on it. The scope is a unit the user sees
(`?unit=CODE`): a zone, a district or the city; the user's own by default."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.choices import Action
from accounts.registry import ScopedRegistryPages
from accounts.scoping import restrict, scope_unit, visible_units
from core.templatetags.zoneplan import localized
from core.wordfile import CONTENT_TYPE as WORD_CONTENT_TYPE
from core.wordfile import new_document, to_bytes
from plans.planfile.reader import CODE
from territory.choices import UnitKind
from territory.models import Unit

from .choices import STATUS_COLOURS, GapKind, NodeStatus, Segment
from .filtersets import TargetFilter
from .forms import TargetForm
from .models import AttractionTarget, Chain, ChainNode, NodeCarrier, NodeEnterprise, NodeProject
from .registry import TARGET_REGISTRY
from .selectors import chain_states, gaps, zone_ids_of
from .services import delete_target, save_target

SCOPE_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.ZONE)


def _scope(request) -> Unit:
    unit = scope_unit(request.user, request.GET.get("unit", ""), SCOPE_KINDS)
    if unit is None:
        raise Http404
    return unit


def _scope_choices(request):
    return visible_units(request.user).filter(kind__in=SCOPE_KINDS).order_by("path")


def _in_tree_order(nodes):
    """Nodes depth first in their order, each after its parent."""
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered = []

    def visit(parent_id):
        for node in children.get(parent_id, []):
            ordered.append(node)
            visit(node.pk)

    visit(None)
    return ordered


@login_required
def chain_list(request):
    unit = _scope(request)
    chains = list(Chain.objects.select_related("ecosystem").order_by("order", "code"))
    states = chain_states(chains=chains, unit=unit)
    rows = [(chain, states.counts(chain.pk)) for chain in chains]
    return render(
        request,
        "chains/chain_list.html",
        {
            "nav": "chains",
            "unit": unit,
            "units": _scope_choices(request),
            "rows": rows,
            "statuses": NodeStatus.choices,
            "colours": STATUS_COLOURS,
        },
    )


def _target_counts(chain, unit, user) -> dict[int, int]:
    """Per node of the chain, the target enterprises on it of the scope's attraction lists
    (the 重点企业招引图 places them on their nodes)."""
    from django.db.models import Count

    targets = restrict(AttractionTarget.objects.filter(node__chain=chain), user, via="zone")
    zone_ids = zone_ids_of(unit)
    if zone_ids is not None:
        targets = targets.filter(zone_id__in=zone_ids)
    return dict(targets.values("node_id").annotate(n=Count("pk")).values_list("node_id", "n"))


def _chart(chain, ordered, states, unit, targets: dict[int, int]) -> dict:
    """The chain map's data for ECharts: nodes placed by segment (columns) and tree order
    (rows), coloured by status; the supplies and adjacent links and the tree's edges."""
    columns = list(Segment.values)
    rows_in = dict.fromkeys(columns, 0)
    nodes, codes = [], {}
    for node in ordered:
        state = states.nodes[node.pk]
        column = columns.index(node.segment) if node.segment in columns else 0
        codes[node.pk] = node.qualified_code
        nodes.append(
            {
                "id": node.qualified_code,
                "name": localized(node),
                "x": column * 320 + state.depth * 36,
                "y": rows_in[node.segment] * 46,
                "status": state.status,
                "count": state.count,
                "leaders": state.leaders,
                "targets": targets.get(node.pk, 0),
                "colour": STATUS_COLOURS[state.status],
                "url": reverse("chain_node", args=[chain.code, node.code]) + f"?unit={unit.code}",
            }
        )
        rows_in[node.segment] = rows_in.get(node.segment, 0) + 1
    edges = [
        {"source": codes[n.parent_id], "target": codes[n.pk], "kind": "tree"}
        for n in ordered
        if n.parent_id in codes
    ]
    # Nodes of neighbouring chains (左右岸, or a supplier in another chain) stand in a fourth
    # column, grey, and open their own chain's map.
    outside = {pk for link in states.links for pk in link[:2] if pk not in codes}
    for row, other in enumerate(
        ChainNode.objects.filter(pk__in=outside).select_related("chain").order_by("chain", "order")
    ):
        codes[other.pk] = other.qualified_code
        nodes.append(
            {
                "id": other.qualified_code,
                "name": localized(other),
                "title": f"{localized(other.chain)} · {localized(other)}",
                "x": len(columns) * 320,
                "y": row * 46,
                "status": "",
                "count": "",
                "leaders": 0,
                "targets": 0,
                "colour": "#adb5bd",
                "url": reverse("chain_detail", args=[other.chain.code]) + f"?unit={unit.code}",
            }
        )
    for source, target, kind in states.links:
        edges.append({"source": codes[source], "target": codes[target], "kind": kind})
    return {
        "nodes": nodes,
        "edges": edges,
        "segments": [str(label) for label in Segment.labels]
        + ([str(_("Neighbouring chains"))] if outside else []),
        "statuses": {value: str(label) for value, label in NodeStatus.choices},
        "targets_label": str(pgettext("chain map", "targets")),
    }


@login_required
def chain_detail(request, code: str):
    chain = get_object_or_404(Chain.objects.select_related("ecosystem"), code=code)
    unit = _scope(request)
    states = chain_states(chains=[chain], unit=unit)
    ordered = _in_tree_order(
        list(
            ChainNode.objects.filter(chain=chain).select_related("chain").order_by("order", "code")
        )
    )
    lists = gaps(states, unit=unit)
    targets = _target_counts(chain, unit, request.user)
    rows = [(node, states.nodes[node.pk], targets.get(node.pk, 0)) for node in ordered]
    return render(
        request,
        "chains/chain_detail.html",
        {
            "nav": "chains",
            "chain": chain,
            "unit": unit,
            "units": _scope_choices(request),
            "rows": rows,
            "counts": states.counts(chain.pk),
            "statuses": NodeStatus.choices,
            "colours": STATUS_COLOURS,
            "gap_lists": [(kind, label, lists[kind]) for kind, label in GapKind.choices],
            "chart": _chart(chain, ordered, states, unit, targets),
            "thin_to": chain.present_from - 1,
        },
    )


@login_required
def chain_node(request, code: str, node: str):
    node_obj = get_object_or_404(
        ChainNode.objects.select_related("chain", "parent"), chain__code=code, code=node
    )
    unit = _scope(request)
    states = chain_states(chains=[node_obj.chain], unit=unit)
    state = states.nodes[node_obj.pk]
    under = [node_obj.pk]
    for pk in under:
        under.extend(states.nodes[pk].children)
    zone_ids = zone_ids_of(unit)
    mapped = (
        NodeEnterprise.objects.filter(node__in=under)
        .select_related("enterprise__zone", "node")
        .order_by("-is_leader", "enterprise__name")
    )
    local, elsewhere = [], []
    for row in mapped:
        is_local = zone_ids is None or row.enterprise.zone_id in zone_ids
        (local if is_local else elsewhere).append(row)
    projects = restrict(
        NodeProject.objects.filter(node__in=under).select_related("project__zone", "node"),
        request.user,
        via="project__zone",
    ).order_by("project__zone__order", "project__name")
    carriers = restrict(
        NodeCarrier.objects.filter(node__in=under).select_related("carrier__zone", "node"),
        request.user,
        via="carrier__zone",
    ).order_by("carrier__zone__order", "carrier__name")
    targets = restrict(
        AttractionTarget.objects.filter(node__in=under).select_related("zone", "node", "project"),
        request.user,
        via="zone",
    )
    if zone_ids is not None:
        targets = targets.filter(zone_id__in=zone_ids)
    may_add = (
        unit.kind == UnitKind.ZONE
        and TARGET_PAGES.writable_zones(request.user).filter(pk=unit.pk).exists()
    )
    path, parent = [], node_obj.parent
    while parent is not None and len(path) < 16:
        path.insert(0, parent)
        parent = parent.parent
    return render(
        request,
        "chains/chain_node.html",
        {
            "nav": "chains",
            "chain": node_obj.chain,
            "node": node_obj,
            "path": path,
            "unit": unit,
            "units": _scope_choices(request),
            "state": state,
            "colour": STATUS_COLOURS[state.status],
            "status_label": NodeStatus(state.status).label,
            "local": local,
            "elsewhere": elsewhere,
            "projects": projects,
            "carriers": carriers,
            "targets": targets.order_by("zone__order", "enterprise_name"),
            "may_add": may_add,
        },
    )


# ── The attraction list (招引清单) ──


def _date(value) -> str:
    return value.isoformat() if value else "—"


class TargetPages(ScopedRegistryPages):
    """The attraction lists of the zones: each zone keeps its own, its district and the city
    read them."""

    model = AttractionTarget
    spreadsheet = TARGET_REGISTRY
    form_class = TargetForm
    filterset_class = TargetFilter
    prefix = "target"
    title = "招引清单"
    nav = "registries"
    list_template = "chains/target_list.html"
    table_template = "chains/_target_table.html"
    instructions = [
        "每行一家目标企业：功能区希望其落在哪个产业链节点、为何招引、由谁跟进、下一步和完成时限。红色列名为必填。",
        "节点填写“产业链代码.节点代码”（导出时即如此），或在各产业链中唯一的节点名称。",
        "同一功能区、同一节点、同一企业名称再次上传即更新该行。开始接洽后填写关联招商项目，清单即显示其阶段。",
    ]

    def objects(self):
        return AttractionTarget.objects.select_related("zone", "node__chain", "project")

    def initial(self, request):
        """?zone=CODE&node=ID from a node's page: a line for that zone on that node."""
        initial = {}
        zone = request.GET.get("zone", "")
        if zone and len(zone) <= 64 and CODE.match(zone):
            unit = self.writable_zones(request.user).filter(code=zone).first()
            if unit is not None:
                initial["zone"] = unit.pk
        node = request.GET.get("node", "")
        if node.isdigit() and len(node) < 12:
            initial["node"] = int(node)
        return initial

    def list_context(self, request):
        return {
            "zones": visible_units(request.user)
            .filter(kind=UnitKind.ZONE)
            .order_by("order", "code"),
            "chains": Chain.objects.order_by("order", "code"),
        }

    def save(self, *, user, obj):
        return save_target(user=user, target=obj)

    def delete(self, *, user, obj):
        delete_target(user=user, target=obj)

    def export_row(self, obj):
        return {
            "zone": obj.zone.name,
            "node": obj.node.qualified_code,
            "enterprise_name": obj.enterprise_name,
            "credit_code": obj.credit_code,
            "reason": obj.reason,
            "follower": obj.follower,
            "project": obj.project.name if obj.project_id else None,
            "next_step": obj.next_step,
            "due_on": obj.due_on,
            "note": obj.note,
        }

    def detail_fields(self, obj, *, user=None):
        node = obj.node
        return [
            (_("Zone"), localized(obj.zone), reverse("zone_detail", args=[obj.zone.code])),
            (
                _("Chain node"),
                f"{localized(node.chain)} · {localized(node)}",
                reverse("chain_node", args=[node.chain.code, node.code]) + f"?unit={obj.zone.code}",
            ),
            (_("Unified social credit code"), obj.credit_code or "—", None),
            (_("Why it is wanted"), obj.reason, None),
            (_("Followed by"), obj.follower, None),
            (
                _("Stage"),
                obj.stage_label,
                reverse("project_detail", args=[obj.project_id]) if obj.project_id else None,
            ),
            (_("Next step"), obj.next_step or "—", None),
            (_("Due on"), _date(obj.due_on), None),
            (_("Note"), obj.note or "—", None),
        ]


TARGET_PAGES = TargetPages()


@login_required
def target_list_docx(request):
    """The attraction list as a Word document: the rows the list shows with its filters, in
    the user's scope, one table per zone."""
    qs = TARGET_PAGES.scope(TARGET_PAGES.objects(), request.user, Action.VIEW)
    qs, _filters = TARGET_PAGES.filtered(request, qs)
    document = new_document()
    document.add_heading(_("Attraction list"), level=1)
    document.add_paragraph(
        _("As of %(day)s; %(n)s enterprises.") % {"day": timezone.localdate(), "n": qs.count()}
    )
    if qs.filter(is_demo=True).exists():
        document.add_paragraph(_("This list contains demo data (generated, not facts)."))
    header = [
        _("Enterprise"),
        _("Chain node"),
        _("Why it is wanted"),
        _("Followed by"),
        _("Stage"),
        _("Next step"),
        _("Due on"),
    ]
    zone = None
    table = None
    for target in qs.iterator(chunk_size=2000):
        if target.zone_id != zone:
            zone = target.zone_id
            document.add_heading(localized(target.zone), level=2)
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = str(text)
                cell.paragraphs[0].runs[0].font.bold = True
        cells = table.add_row().cells
        values = [
            target.enterprise_name + (f"（{target.credit_code}）" if target.credit_code else ""),
            f"{localized(target.node.chain)} · {localized(target.node)}",
            target.reason,
            target.follower,
            target.stage_label,
            target.next_step or "—",
            _date(target.due_on),
        ]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    response = HttpResponse(to_bytes(document), content_type=WORD_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{TARGET_PAGES.title}.docx")
    return response
