"""Writes of chains. `load_chain_files` is idempotent: each chain, node, link and mapping is
compared with what is stored and saved only when it differs, so loading the same file twice
writes nothing (no saves, no history rows) the second time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.writes import require_change, save_in_zone
from core.history import changed_by
from investment.creditcode import normalise
from investment.creditcode import problem as credit_code_problem
from investment.models import Enterprise
from territory.models import Ecosystem

from .chainfile import ChainBundle, ChainSpec, read_chain_files
from .models import AttractionTarget, Chain, ChainLink, ChainNode, NodeEnterprise


class Summary(Counter):
    """Counts of (kind, outcome): ("nodes", "created") → 12."""

    def note(self, kind: str, outcome: str, n: int = 1) -> None:
        if n:
            self[(kind, outcome)] += n

    @property
    def changed(self) -> int:
        return sum(n for (_kind, outcome), n in self.items() if outcome != "unchanged")


def _save_if_changed(obj, fields: dict[str, Any], user, summary: Summary, kind: str) -> bool:
    creating = obj.pk is None
    differs = {k: v for k, v in fields.items() if getattr(obj, k) != v}
    if not creating and not differs:
        summary.note(kind, "unchanged")
        return False
    for k, v in differs.items():
        setattr(obj, k, v)
    changed_by(obj, user).save()
    summary.note(kind, "created" if creating else "updated")
    return True


def _apply_chain(spec: ChainSpec, ecosystems: dict[str, Ecosystem], user, summary: Summary):
    chain = Chain.objects.filter(code=spec.code).first() or Chain(code=spec.code)
    fields = {**spec.fields, "ecosystem": ecosystems.get(spec.ecosystem)}
    _save_if_changed(chain, fields, user, summary, "chains")
    stored = {node.code: node for node in ChainNode.objects.filter(chain=chain)}
    # The file lists parents before their children, so each parent is saved first.
    for code, node_spec in spec.nodes.items():
        node = stored.get(code) or ChainNode(chain=chain, code=code)
        parent = stored[node_spec.parent] if node_spec.parent else None
        _save_if_changed(
            node,
            {
                "name": node_spec.name,
                "name_en": node_spec.name_en,
                "segment": node_spec.segment,
                "parent": parent,
                "description": node_spec.description,
                "order": node_spec.order,
            },
            user,
            summary,
            "nodes",
        )
        stored[code] = node
    # Children before parents, so no cascade deletes a node before its own history row.
    by_pk = {n.pk: n for n in stored.values()}
    dropped = sorted(
        (node for code, node in stored.items() if code not in spec.nodes),
        key=lambda n: -_depth(n, by_pk),
    )
    for node in dropped:
        changed_by(node, user).delete()
        summary.note("nodes", "deleted")
    return chain


def _depth(node: ChainNode, by_pk: dict[int, ChainNode]) -> int:
    depth = 0
    while node.parent_id and node.parent_id in by_pk and depth < 64:
        depth += 1
        node = by_pk[node.parent_id]
    return depth


def _apply_links(bundle: ChainBundle, user, summary: Summary) -> None:
    nodes = {
        f"{chain}.{code}": pk
        for pk, chain, code in ChainNode.objects.values_list("pk", "chain__code", "code")
    }
    for spec in bundle.chains:
        wanted = {(nodes[link.source], nodes[link.target], link.kind): link for link in spec.links}
        stored = {
            (link.source_id, link.target_id, link.kind): link
            for link in ChainLink.objects.filter(source__chain__code=spec.code)
        }
        for key in wanted.keys() - stored.keys():
            source, target, kind = key
            changed_by(ChainLink(source_id=source, target_id=target, kind=kind), user).save()
            summary.note("links", "created")
        for key in stored.keys() - wanted.keys():
            changed_by(stored[key], user).delete()
            summary.note("links", "deleted")
        summary.note("links", "unchanged", len(wanted.keys() & stored.keys()))


def _apply_mappings(bundle: ChainBundle, user, summary: Summary) -> None:
    codes = {m.credit_code for spec in bundle.chains for m in spec.mappings}
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    for spec in bundle.chains:
        nodes = {n.code: n for n in ChainNode.objects.filter(chain__code=spec.code)}
        for mapping in spec.mappings:
            node = nodes[mapping.node]
            enterprise = enterprises[mapping.credit_code]
            row = NodeEnterprise.objects.filter(node=node, enterprise=enterprise).first()
            _save_if_changed(
                row or NodeEnterprise(node=node, enterprise=enterprise),
                {"is_leader": mapping.is_leader},
                user,
                summary,
                "enterprises",
            )


def apply_chain_bundle(*, bundle: ChainBundle, user=None) -> Summary:
    """Write checked chains in one transaction. Mappings of enterprises to nodes are added or
    updated, never removed by a file (they are kept on the pages); nodes and links are the
    file's."""
    summary = Summary()
    ecosystems = {e.code: e for e in Ecosystem.objects.all()}
    with transaction.atomic():
        for spec in bundle.chains:
            _apply_chain(spec, ecosystems, user, summary)
        _apply_links(bundle, user, summary)
        _apply_mappings(bundle, user, summary)
    return summary


def load_chain_files(*, paths: list[Path], user=None) -> Summary:
    """Check every file, then write all of them in one transaction, or nothing."""
    return apply_chain_bundle(bundle=read_chain_files(paths), user=user)


# ── The attraction list (招引清单) ──


def target_problems(values: dict) -> list[tuple[str, str]]:
    """What a line of an attraction list must not be: a credit code that fails its check
    character, or a project of another zone."""
    problems = []
    code = values.get("credit_code")
    if code:
        message = credit_code_problem(normalise(code))
        if message:
            problems.append(("credit_code", message))
    project, zone = values.get("project"), values.get("zone")
    if project is not None and zone is not None and project.zone_id != zone.pk:
        problems.append(
            (
                "project",
                _("The investment project must be one of this zone's (%(zone)s).")
                % {"zone": zone.name},
            )
        )
    return problems


@transaction.atomic
def save_target(*, user, target: AttractionTarget) -> AttractionTarget:
    """Save a line of a zone's attraction list for `user`, within the zone's rights."""
    target.credit_code = normalise(target.credit_code) if target.credit_code else ""
    problems = target_problems(
        {"credit_code": target.credit_code, "project": target.project, "zone": target.zone}
    )
    return save_in_zone(target, user=user, zone_path="zone", problems=problems)


@transaction.atomic
def delete_target(*, user, target: AttractionTarget) -> None:
    require_change(user, target.zone)
    changed_by(target, user)
    target.delete()
