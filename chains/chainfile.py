"""Reading and checking chain files (the format is in docs/chains.md).

`read_chain_files(paths)` returns the chains the files describe, checked against each other
and against the database, or raises `ChainFileError` listing every problem with its file,
line and key: a node listed twice, a link to a node nobody defined, links of kind `supplies`
that go round in a cycle (named node by node), a node dropped from a chain while enterprises
or projects still stand on it. Nothing here writes; `chains.services.load_chain_files` does,
only after this found nothing wrong.

The YAML reading (safe, with lines, no aliases, no duplicate keys) and the item reader are
the plan files' (plans.planfile.reader).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from plans.planfile.reader import (
    Checker,
    FileProblems,
    ItemReader,
    LocatedList,
    Problem,
    read_document,
)

from .choices import LinkKind, Segment

FORMAT = "zoneplan-chains/1"
# Deeper than this, a chain is a taxonomy, not a chain; and a file this large is a mistake.
MAX_DEPTH = 8
MAX_NODES = 20_000


class ChainFileError(FileProblems):
    def __init__(self, problems: list[Problem]):
        super().__init__(
            problems,
            heading=_("The chain file has problems; nothing was written:"),
            more=lambda n: _("…and %(n)s more problems") % {"n": n},
        )


@dataclass
class NodeSpec:
    code: str
    name: str
    name_en: str
    segment: str
    parent: str  # the parent node's code in the same chain, or ""
    description: str
    order: int
    line: int


@dataclass
class LinkSpec:
    source: str  # qualified codes, "chain.node"
    target: str
    kind: str
    line: int


@dataclass
class MappingSpec:
    node: str  # the node's code in its chain
    credit_code: str
    is_leader: bool
    line: int


@dataclass
class ChainSpec:
    code: str
    fields: dict
    ecosystem: str
    file: str
    line: int
    ecosystem_line: int = 0
    nodes: dict[str, NodeSpec] = field(default_factory=dict)
    links: list[LinkSpec] = field(default_factory=list)
    mappings: list[MappingSpec] = field(default_factory=list)


@dataclass
class ChainBundle:
    chains: list[ChainSpec] = field(default_factory=list)


CHAIN_KEYS = {
    "code",
    "name",
    "name_en",
    "ecosystem",
    "description",
    "source",
    "demo",
    "thresholds",
    "nodes",
    "links",
    "enterprises",
}
NODE_KEYS = {"code", "name", "name_en", "segment", "description", "children"}
LINK_KEYS = {"from", "to", "kind"}
MAPPING_KEYS = {"node", "credit_code", "leader"}


def _list(reader: ItemReader, key: str) -> LocatedList:
    value = reader.item.get(key) if reader.item is not None else None
    if value is None:
        return LocatedList()
    if not isinstance(value, LocatedList):
        reader.problem(key, _("should be a list"))
        return LocatedList()
    return value


class _FileReader:
    def __init__(self, checker: Checker, bundle: ChainBundle, seen: dict[str, ChainSpec]):
        self.checker = checker
        self.bundle = bundle
        self.seen = seen
        self.count = 0

    def read(self, path: Path) -> None:
        if path.suffix.lower() == ".xlsx":
            from .chainbook import read_workbook

            doc = read_workbook(path, self.checker)
        else:
            doc = read_document(
                path,
                self.checker,
                max_bytes=settings.ZONEPLAN_PLAN_FILE_MAX_BYTES,
                first_keys="format、chains ",
            )
        if doc is None:
            return
        if doc.get("format") != FORMAT:
            self.checker.add(
                doc.line_of("format"), "format", _("should be %(format)s") % {"format": FORMAT}
            )
            return
        for key in doc:
            if key not in ("format", "chains"):
                self.checker.add(
                    doc.line_of(key), str(key), _("unknown key (the keys are: format, chains)")
                )
        chains = doc.get("chains")
        if not isinstance(chains, LocatedList):
            self.checker.add(doc.line_of("chains"), "chains", _("should be a list"))
            return
        for i, item in enumerate(chains):
            self._chain(ItemReader(self.checker, item, f"chains[{i}]", chains.line_of(i)), path)

    def _chain(self, r: ItemReader, path: Path) -> None:
        r.allow_only(CHAIN_KEYS)
        code = r.code()
        fields = {
            "name": r.text("name", required=True, max_length=200),
            "name_en": r.text("name_en", max_length=200),
            "description": r.text("description", max_length=2000),
            "source": r.text("source", max_length=500),
            "is_demo": r.boolean("demo"),
            "present_from": 2,
            "strong_from": 5,
        }
        ecosystem = r.code("ecosystem", required=False)
        thresholds = r.item.get("thresholds") if r.item is not None else None
        if thresholds is not None:
            t = ItemReader(self.checker, thresholds, f"{r.where}.thresholds", r.line)
            t.allow_only({"present", "strong"})
            present = t.integer("present")
            strong = t.integer("strong")
            if present is not None:
                fields["present_from"] = present
            if strong is not None:
                fields["strong_from"] = strong
            if fields["present_from"] < 1:
                t.problem("present", _("should be at least 1"))
            if fields["strong_from"] <= fields["present_from"]:
                t.problem("strong", _("should be more than present"))
            if max(fields["present_from"], fields["strong_from"]) > 10_000:
                t.problem("strong", _("should be at most 10,000"))
        if not code:
            return
        if code in self.seen:
            first = self.seen[code]
            r.problem(
                "code",
                _("chain %(code)s is listed twice (first at line %(line)s of %(file)s)")
                % {"code": code, "line": first.line, "file": first.file},
            )
            return
        spec = ChainSpec(
            code=code,
            fields=fields,
            ecosystem=ecosystem,
            file=path.name,
            line=r.line,
            ecosystem_line=r.item.line_of("ecosystem"),
        )
        self.seen[code] = spec
        self._nodes(r, spec, _list(r, "nodes"), parent=None, depth=1)
        if not spec.nodes:
            r.problem("nodes", _("a chain needs at least one node"))
        links = _list(r, "links")
        for i, item in enumerate(links):
            line = links.line_of(i)
            self._link(ItemReader(self.checker, item, f"{r.where}.links[{i}]", line), spec)
        enterprises = _list(r, "enterprises")
        for i, item in enumerate(enterprises):
            line = enterprises.line_of(i)
            self._mapping(ItemReader(self.checker, item, f"{r.where}.enterprises[{i}]", line), spec)
        self.bundle.chains.append(spec)

    def _nodes(self, r: ItemReader, spec: ChainSpec, items, *, parent, depth: int) -> None:
        for i, item in enumerate(items):
            n = ItemReader(self.checker, item, f"{r.where}.nodes[{i}]", items.line_of(i))
            if n.item is None:
                continue
            n.allow_only(NODE_KEYS)
            code = n.code()
            name = n.text("name", required=True, max_length=200)
            segment = n.choice("segment", Segment, required=parent is None)
            if parent is not None:
                if segment and segment != parent.segment:
                    n.problem(
                        "segment",
                        _("a node sits on its parent's segment (%(segment)s)")
                        % {"segment": parent.segment},
                    )
                segment = parent.segment
            self.count += 1
            if self.count > MAX_NODES:
                if self.count == MAX_NODES + 1:
                    n.problem("", _("too many nodes (at most %(n)s)") % {"n": f"{MAX_NODES:,}"})
                return
            if not code:
                continue
            if code in spec.nodes:
                n.problem(
                    "code",
                    _("node %(code)s is listed twice (first at line %(line)s)")
                    % {"code": code, "line": spec.nodes[code].line},
                )
                continue
            node = NodeSpec(
                code=code,
                name=name,
                name_en=n.text("name_en", max_length=200),
                segment=segment,
                parent=parent.code if parent else "",
                description=n.text("description", max_length=2000),
                order=len(spec.nodes) + 1,
                line=n.line,
            )
            spec.nodes[code] = node
            children = _list(n, "children")
            if children and depth >= MAX_DEPTH:
                n.problem("children", _("nodes nest at most %(n)s levels deep") % {"n": MAX_DEPTH})
                continue
            self._nodes(n, spec, children, parent=node, depth=depth + 1)

    def _link(self, r: ItemReader, spec: ChainSpec) -> None:
        if r.item is None:
            return
        r.allow_only(LINK_KEYS)
        source = r.text("from", required=True, max_length=130)
        target = r.text("to", required=True, max_length=130)
        kind = r.choice("kind", LinkKind, default=LinkKind.SUPPLIES)
        if source and target:
            spec.links.append(
                LinkSpec(
                    source=_qualified(spec.code, source),
                    target=_qualified(spec.code, target),
                    kind=kind,
                    line=r.line,
                )
            )

    def _mapping(self, r: ItemReader, spec: ChainSpec) -> None:
        if r.item is None:
            return
        r.allow_only(MAPPING_KEYS)
        node = r.code("node")
        credit_code = r.text("credit_code", required=True, max_length=18).upper()
        leader = r.boolean("leader")
        if node and credit_code:
            spec.mappings.append(
                MappingSpec(node=node, credit_code=credit_code, is_leader=leader, line=r.line)
            )


def _qualified(chain: str, code: str) -> str:
    return code if "." in code else f"{chain}.{code}"


class _Resolver:
    """Checks what one file cannot: references to nodes of other chains and of the
    database, the cycle rule over every `supplies` link, nodes that would be dropped while
    something stands on them, and enterprises by credit code."""

    def __init__(self, bundle: ChainBundle, checker: Checker):
        self.bundle = bundle
        self.checker = checker

    def problem(self, spec: ChainSpec, line: int, key: str, message: str) -> None:
        self.checker.problems.append(Problem(spec.file, line, key, message))

    def check(self) -> None:
        from investment.models import Enterprise
        from territory.models import Ecosystem

        from .models import ChainLink, ChainNode

        in_files = {spec.code for spec in self.bundle.chains}
        ecosystems = set(Ecosystem.objects.values_list("code", flat=True))
        stored_nodes = {
            f"{chain}.{node}"
            for chain, node in ChainNode.objects.exclude(chain__code__in=in_files).values_list(
                "chain__code", "code"
            )
        }
        known = stored_nodes | {
            f"{spec.code}.{code}" for spec in self.bundle.chains for code in spec.nodes
        }
        for spec in self.bundle.chains:
            if spec.ecosystem and spec.ecosystem not in ecosystems:
                self.problem(
                    spec,
                    spec.ecosystem_line,
                    "ecosystem",
                    _("unknown ecosystem %(code)s") % {"code": spec.ecosystem},
                )
            seen_links: dict[tuple, int] = {}
            for link in spec.links:
                for end in (link.source, link.target):
                    if end not in known:
                        self.problem(
                            spec, link.line, "links", _("unknown node %(code)s") % {"code": end}
                        )
                if not link.source.startswith(f"{spec.code}."):
                    self.problem(
                        spec,
                        link.line,
                        "links.from",
                        _("a chain's links start from its own nodes, not %(code)s")
                        % {"code": link.source},
                    )
                if link.source == link.target:
                    self.problem(
                        spec,
                        link.line,
                        "links",
                        _("node %(code)s cannot link to itself") % {"code": link.source},
                    )
                key = _link_key(link)
                if key in seen_links:
                    self.problem(
                        spec,
                        link.line,
                        "links",
                        _("link %(from)s → %(to)s is listed twice (first at line %(line)s)")
                        % {"from": link.source, "to": link.target, "line": seen_links[key]},
                    )
                seen_links[key] = link.line
            for mapping in spec.mappings:
                if mapping.node not in spec.nodes:
                    self.problem(
                        spec,
                        mapping.line,
                        "enterprises.node",
                        _("unknown node %(code)s") % {"code": f"{spec.code}.{mapping.node}"},
                    )
        self._check_cycles(in_files, ChainLink)
        self._check_dropped(ChainNode)
        codes = {m.credit_code for spec in self.bundle.chains for m in spec.mappings}
        found = set(
            Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
        )
        for spec in self.bundle.chains:
            for mapping in spec.mappings:
                if mapping.credit_code not in found:
                    self.problem(
                        spec,
                        mapping.line,
                        "enterprises.credit_code",
                        _("no enterprise has the credit code %(code)s in the enterprise registry")
                        % {"code": mapping.credit_code},
                    )

    def _check_cycles(self, in_files: set[str], ChainLink) -> None:
        """Depth-first search over the supplies links of the files and of the chains the
        files leave as they are; a link back to a node on the current path closes a cycle,
        reported at that link's line with every node on the way."""
        edges: dict[str, list[tuple[str, ChainSpec | None, int]]] = {}
        file_edges: dict[tuple[str, str], tuple[ChainSpec, int]] = {}
        for spec in self.bundle.chains:
            for link in spec.links:
                if link.kind == LinkKind.SUPPLIES:
                    edges.setdefault(link.source, []).append((link.target, spec, link.line))
                    file_edges.setdefault((link.source, link.target), (spec, link.line))
        stored = ChainLink.objects.filter(kind=LinkKind.SUPPLIES).exclude(
            source__chain__code__in=in_files
        )
        for s_chain, s_node, t_chain, t_node in stored.values_list(
            "source__chain__code", "source__code", "target__chain__code", "target__code"
        ):
            edges.setdefault(f"{s_chain}.{s_node}", []).append((f"{t_chain}.{t_node}", None, 0))
        state: dict[str, int] = {}  # 1 on the path, 2 done
        reported: set[frozenset] = set()
        for start in sorted(edges):
            if state.get(start):
                continue
            path = [start]
            state[start] = 1
            stack = [iter(edges.get(start, []))]
            while stack:
                step = next(stack[-1], None)
                if step is None:
                    stack.pop()
                    state[path.pop()] = 2
                    continue
                target, closing, closing_line = step
                if state.get(target) == 1:
                    cycle = [*path[path.index(target) :], target]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        # Reported at the link that closes the cycle, or if that one was
                        # stored (stored links were checked when loaded), at the first link
                        # of the cycle that a file writes.
                        spec, line = (
                            (closing, closing_line)
                            if closing
                            else next(
                                (
                                    file_edges[p]
                                    for p in itertools.pairwise(cycle)
                                    if p in file_edges
                                ),
                                (self.bundle.chains[0], 0),
                            )
                        )
                        self.problem(
                            spec,
                            line,
                            "links",
                            _("the upstream-downstream links form a cycle: %(cycle)s")
                            % {"cycle": " → ".join(cycle)},
                        )
                elif not state.get(target):
                    state[target] = 1
                    path.append(target)
                    stack.append(iter(edges.get(target, [])))

    def _check_dropped(self, ChainNode) -> None:
        """A stored node the file leaves out is deleted on loading, unless enterprises,
        projects or carriers stand on it: then the file is refused and the node named."""
        from django.db.models import Count

        by_code = {spec.code: spec for spec in self.bundle.chains}
        stored = (
            ChainNode.objects.filter(chain__code__in=by_code)
            .annotate(
                n_enterprises=Count("enterprises", distinct=True),
                n_projects=Count("projects", distinct=True),
                n_carriers=Count("carriers", distinct=True),
            )
            .values_list("chain__code", "code", "n_enterprises", "n_projects", "n_carriers")
        )
        for chain, code, enterprises, projects, carriers in stored:
            spec = by_code[chain]
            if code in spec.nodes or not (enterprises or projects or carriers):
                continue
            self.problem(
                spec,
                spec.line,
                "nodes",
                _(
                    "node %(code)s is left out of the file, but %(enterprises)s enterprises, "
                    "%(projects)s projects and %(carriers)s carriers stand on it; move them "
                    "to another node first"
                )
                % {
                    "code": f"{chain}.{code}",
                    "enterprises": enterprises,
                    "projects": projects,
                    "carriers": carriers,
                },
            )


def _link_key(link: LinkSpec) -> tuple:
    if link.kind == LinkKind.ADJACENT:
        return (link.kind, *sorted((link.source, link.target)))
    return (link.kind, link.source, link.target)


def read_chain_files(paths: list[Path]) -> ChainBundle:
    checker = Checker()
    bundle = ChainBundle()
    reader = _FileReader(checker, bundle, {})
    for path in paths:
        reader.read(Path(path))
    if not checker.problems:
        _Resolver(bundle, checker).check()
    if checker.problems:
        raise ChainFileError(checker.problems)
    return bundle
