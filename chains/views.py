"""The chain pages: every chain with its statuses in a scope, one chain's map (产业链全景图)
with its gap lists, and one node with what stands on it. The scope is a unit the user sees
(`?unit=CODE`): a zone, a district or the city; the user's own by default."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.scoping import home_unit, restrict, visible_units
from plans.planfile.reader import CODE
from territory.choices import UnitKind
from territory.models import Unit

from .choices import STATUS_COLOURS, GapKind, NodeStatus, Segment
from .models import Chain, ChainNode, NodeCarrier, NodeEnterprise, NodeProject
from .selectors import chain_states, gaps, zone_ids_of

SCOPE_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.ZONE)


def _scope(request) -> Unit:
    units = visible_units(request.user).filter(kind__in=SCOPE_KINDS)
    code = request.GET.get("unit", "")
    if code:
        if len(code) > 64 or not CODE.match(code):
            raise Http404
        return get_object_or_404(units, code=code)
    unit = home_unit(request.user)
    if unit is None:
        raise Http404
    return unit


def _scope_choices(request):
    return visible_units(request.user).filter(kind__in=SCOPE_KINDS).order_by("path")


def _name(obj) -> str:
    if not (get_language() or "zh").startswith("zh") and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name


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


def _chart(chain, ordered, states, unit) -> dict:
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
                "name": _name(node),
                "x": column * 320 + state.depth * 36,
                "y": rows_in[node.segment] * 46,
                "status": state.status,
                "count": state.count,
                "leaders": state.leaders,
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
                "name": _name(other),
                "title": f"{_name(other.chain)} · {_name(other)}",
                "x": len(columns) * 320,
                "y": row * 46,
                "status": "",
                "count": "",
                "leaders": 0,
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
    rows = [(node, states.nodes[node.pk]) for node in ordered]
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
            "chart": _chart(chain, ordered, states, unit),
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
        },
    )
