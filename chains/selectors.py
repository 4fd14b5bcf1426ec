"""Reads of chains: each node's status in a scope, and the gap lists that follow from it.

A node's *local presence* is the number of distinct enterprises located in the scope (a
zone, the zones of a district, or the whole city) that are mapped to the node or to a node
under it, together with the scope's projects serving the node that are in production (each
counted as its enterprise, so once). With the chain's thresholds it gives the status:

- 缺 (missing): no enterprise;
- 弱 (thin): fewer than `present_from`;
- 有 (present): fewer than `strong_from`;
- 强 (strong): `strong_from` or more.

The gap lists (docs/chains.md):

- 补链 (fill): missing nodes whose parent is not missing, the highest node of each gap;
- 强链 (strengthen): thin nodes with no thin node under them, where the thinness is;
- 延链 (extend): missing or thin nodes linked (either way, either kind) to a node on which a
  local chain leader sits, or to a node above it.

Each gap lists what would change it: the enterprises mapped to the node elsewhere (candidates
to attract) and the scope's investment projects serving it that are not yet in production.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from territory.choices import UnitKind
from territory.models import Unit

from .choices import GapKind, NodeStatus
from .models import Chain, ChainLink, ChainNode, NodeEnterprise, NodeProject

# How many candidates and projects a gap names; the node's page has the rest.
GAP_EXAMPLES = 5


def status_for(count: int, *, present_from: int, strong_from: int) -> str:
    if count <= 0:
        return NodeStatus.MISSING
    if count < present_from:
        return NodeStatus.THIN
    if count < strong_from:
        return NodeStatus.PRESENT
    return NodeStatus.STRONG


def zone_ids_of(unit: Unit | None) -> set[int] | None:
    """The zones whose enterprises count as local to `unit`; None for the city (all)."""
    if unit is None or unit.kind == UnitKind.CITY:
        return None
    if unit.kind == UnitKind.ZONE:
        return {unit.pk}
    return set(
        Unit.objects.subtree_of(unit).filter(kind=UnitKind.ZONE).values_list("pk", flat=True)
    )


def _local(queryset: QuerySet, zone_ids: set[int] | None, path: str) -> QuerySet:
    return queryset if zone_ids is None else queryset.filter(**{f"{path}__in": zone_ids})


@dataclass
class NodeState:
    pk: int
    chain_id: int
    code: str
    name: str
    name_en: str
    segment: str
    parent_id: int | None
    depth: int
    count: int = 0
    leaders: int = 0  # local chain leaders on the node itself
    status: str = NodeStatus.MISSING
    children: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(NodeStatus(self.status).label)


@dataclass
class ChainStates:
    """Every node of the chains asked for, with its status in one scope."""

    chains: dict[int, Chain]
    nodes: dict[int, NodeState]
    links: list[tuple[int, int, str]]

    def of_chain(self, chain_id: int) -> list[NodeState]:
        return [n for n in self.nodes.values() if n.chain_id == chain_id]

    def counts(self, chain_id: int | None = None) -> dict[str, int]:
        tally = dict.fromkeys(NodeStatus.values, 0)
        for node in self.nodes.values():
            if chain_id is None or node.chain_id == chain_id:
                tally[node.status] += 1
        return tally


def chain_states(
    *, chains: Iterable[Chain] | None = None, unit: Unit | None = None, day: dt.date | None = None
) -> ChainStates:
    """Statuses of every node of `chains` (all chains if None) for `unit`'s scope on `day`
    (today by default): four queries whatever the size, the roll-up up the tree in memory.

    What is present on a node: the enterprises located in the scope mapped to it, and the
    scope's investment projects serving it that are in production by the day (counted as
    their enterprise, so an enterprise both mapped and producing counts once)."""
    day = day or timezone.localdate()
    chain_qs = (
        Chain.objects.all()
        if chains is None
        else Chain.objects.filter(pk__in=[c.pk for c in chains])
    )
    chain_map = {c.pk: c for c in chain_qs}
    zone_ids = zone_ids_of(unit)
    nodes: dict[int, NodeState] = {}
    for row in (
        ChainNode.objects.filter(chain__in=chain_map)
        .order_by("chain__order", "chain__code", "order", "code")
        .values_list("pk", "chain_id", "code", "name", "name_en", "segment", "parent_id")
    ):
        nodes[row[0]] = NodeState(*row, depth=0)
    for node in nodes.values():
        if node.parent_id in nodes:
            nodes[node.parent_id].children.append(node.pk)
    for node in nodes.values():
        depth, parent = 0, node.parent_id
        while parent is not None and depth < 64:
            depth += 1
            parent = nodes[parent].parent_id if parent in nodes else None
        node.depth = depth
    present: dict[int, set[tuple[str, int]]] = defaultdict(set)

    def add(node_id: int, what: tuple[str, int]) -> None:
        current: int | None = node_id
        while current is not None:
            present[current].add(what)
            current = nodes[current].parent_id

    mappings = _local(
        NodeEnterprise.objects.filter(node__chain__in=chain_map), zone_ids, "enterprise__zone_id"
    )
    for node_id, enterprise_id, is_leader in mappings.values_list(
        "node_id", "enterprise_id", "is_leader"
    ).iterator(chunk_size=10_000):
        if is_leader:
            nodes[node_id].leaders += 1
        add(node_id, ("e", enterprise_id))
    producing = _local(
        NodeProject.objects.filter(node__chain__in=chain_map, project__production_on__lte=day),
        zone_ids,
        "project__zone_id",
    )
    for node_id, project_id, enterprise_id in producing.values_list(
        "node_id", "project_id", "project__enterprise_id"
    ):
        add(node_id, ("e", enterprise_id) if enterprise_id else ("p", project_id))
    for node in nodes.values():
        chain = chain_map[node.chain_id]
        node.count = len(present.get(node.pk, ()))
        node.status = status_for(
            node.count, present_from=chain.present_from, strong_from=chain.strong_from
        )
    links = list(
        ChainLink.objects.filter(Q(source__in=nodes) | Q(target__in=nodes)).values_list(
            "source_id", "target_id", "kind"
        )
    )
    return ChainStates(chains=chain_map, nodes=nodes, links=links)


@dataclass
class Gap:
    kind: str
    node: NodeState
    candidates: list = field(default_factory=list)  # Enterprise rows mapped elsewhere
    candidate_count: int = 0
    projects: list = field(default_factory=list)  # InvestmentProject rows serving it
    project_count: int = 0


def gap_nodes(states: ChainStates) -> dict[str, list[NodeState]]:
    """The three lists, without what would change them (no query)."""
    nodes = states.nodes
    fill = [
        n
        for n in nodes.values()
        if n.status == NodeStatus.MISSING
        and (n.parent_id is None or nodes[n.parent_id].status != NodeStatus.MISSING)
    ]
    strengthen = [
        n
        for n in nodes.values()
        if n.status == NodeStatus.THIN
        and not any(nodes[c].status == NodeStatus.THIN for c in n.children)
    ]
    led: set[int] = set()
    for n in nodes.values():
        if n.leaders:
            current: int | None = n.pk
            while current is not None and current in nodes:
                led.add(current)
                current = nodes[current].parent_id
    neighbours: set[int] = set()
    for source, target, _kind in states.links:
        if source in led:
            neighbours.add(target)
        if target in led:
            neighbours.add(source)
    order = {pk: i for i, pk in enumerate(nodes)}
    extend = [
        nodes[pk]
        for pk in sorted((neighbours - led) & order.keys(), key=order.__getitem__)
        if nodes[pk].status in (NodeStatus.MISSING, NodeStatus.THIN)
    ]
    return {GapKind.FILL: fill, GapKind.STRENGTHEN: strengthen, GapKind.EXTEND: extend}


def _subtrees(states: ChainStates, roots: Iterable[int]) -> dict[int, set[int]]:
    result = {}
    for root in roots:
        seen, stack = set(), [root]
        while stack:
            pk = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            stack.extend(states.nodes[pk].children)
        result[root] = seen
    return result


def gaps(
    states: ChainStates, *, unit: Unit | None, day: dt.date | None = None
) -> dict[str, list[Gap]]:
    """The three gap lists, each gap with the enterprises and projects that would change it."""
    from investment.models import Enterprise, InvestmentProject

    day = day or timezone.localdate()
    listed = gap_nodes(states)
    roots = {n.pk for items in listed.values() for n in items}
    subtrees = _subtrees(states, roots)
    under = {pk for tree in subtrees.values() for pk in tree}
    zone_ids = zone_ids_of(unit)
    mapped: dict[int, set[int]] = defaultdict(set)
    elsewhere = NodeEnterprise.objects.filter(node__in=under)
    if zone_ids is not None:
        elsewhere = elsewhere.exclude(enterprise__zone_id__in=zone_ids)
    for node_id, enterprise_id in elsewhere.values_list("node_id", "enterprise_id"):
        mapped[node_id].add(enterprise_id)
    serving: dict[int, set[int]] = defaultdict(set)
    projects = _local(NodeProject.objects.filter(node__in=under), zone_ids, "project__zone_id")
    projects = projects.filter(
        Q(project__production_on__isnull=True) | Q(project__production_on__gt=day)
    )
    for node_id, project_id in projects.values_list("node_id", "project_id"):
        serving[node_id].add(project_id)
    wanted_enterprises: set[int] = set()
    wanted_projects: set[int] = set()
    per_root: dict[int, tuple[list[int], list[int]]] = {}
    for root, tree in subtrees.items():
        e = sorted({pk for node in tree for pk in mapped.get(node, ())})
        p = sorted({pk for node in tree for pk in serving.get(node, ())})
        per_root[root] = (e, p)
        wanted_enterprises.update(e[:GAP_EXAMPLES])
        wanted_projects.update(p[:GAP_EXAMPLES])
    enterprises = Enterprise.objects.in_bulk(wanted_enterprises)
    project_rows = InvestmentProject.objects.select_related("zone").in_bulk(wanted_projects)
    result: dict[str, list[Gap]] = {}
    for kind, items in listed.items():
        result[kind] = []
        for node in items:
            e, p = per_root[node.pk]
            result[kind].append(
                Gap(
                    kind=kind,
                    node=node,
                    candidates=[enterprises[pk] for pk in e[:GAP_EXAMPLES]],
                    candidate_count=len(e),
                    projects=[project_rows[pk] for pk in p[:GAP_EXAMPLES]],
                    project_count=len(p),
                )
            )
    return result


def chains_of_zone(zone: Unit) -> QuerySet[Chain]:
    """The chains a zone works on: those of its ecosystems, and any other chain one of its
    enterprises or projects stands on."""
    return Chain.objects.filter(
        Q(ecosystem__zones=zone)
        | Q(nodes__enterprises__enterprise__zone=zone)
        | Q(nodes__projects__project__zone=zone)
    ).distinct()
