"""The unit tree as it stood on a day.

A unit's parent, names and kind are kept with effective dates (`UnitVersion`); a merged,
split or replaced unit names its successors (`UnitSuccession`). `Tree(day)` reads both in
three queries and answers, for that day:

- who stood where: `parent`, `name`, `ancestors`;
- whose data counts under a unit: `members(unit_id)` lists every unit whose registered items
  or reported values count for it on that day: itself, its descendants as they then stood,
  and the predecessors merged into any of them by that day.

A unit closed without a successor keeps counting where it last stood (its last parent), so
closing a zone never makes what was built there vanish from a district's total. A figure for
a past day depends only on the versions in force on that day: a move recorded later, from a
later date, never changes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .models import Unit, UnitSuccession, UnitVersion


@dataclass
class _Node:
    parent: int | None
    kind: str
    name: str
    name_en: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass
class Tree:
    day: dt.date
    nodes: dict[int, _Node] = field(default_factory=dict)
    successor: dict[int, int] = field(default_factory=dict)  # in force on `day`
    _members: dict[int, list[int]] | None = None

    @classmethod
    def on(cls, day: dt.date) -> Tree:
        tree = cls(day=day)
        for pk, parent, kind, name, name_en, valid_from, valid_to in Unit.objects.values_list(
            "pk", "parent_id", "kind", "name", "name_en", "valid_from", "valid_to"
        ):
            tree.nodes[pk] = _Node(parent, kind, name, name_en, valid_from, valid_to)
        # The version in force on `day`: the latest that began by then (ordered by date).
        for unit_id, parent, kind, name, name_en in (
            UnitVersion.objects.filter(valid_from__lte=day)
            .order_by("unit_id", "valid_from")
            .values_list("unit_id", "parent_id", "kind", "name", "name_en")
        ):
            node = tree.nodes.get(unit_id)
            if node is not None:
                node.parent, node.kind, node.name, node.name_en = parent, kind, name, name_en
        for predecessor, successor in (
            UnitSuccession.objects.filter(on__lte=day, primary=True)
            .order_by("on")
            .values_list("predecessor_id", "successor_id")
        ):
            tree.successor[predecessor] = successor
        return tree

    def exists(self, unit_id: int) -> bool:
        """In force on the day (opened by then and not yet closed)."""
        node = self.nodes.get(unit_id)
        if node is None:
            return False
        return (node.valid_from is None or node.valid_from <= self.day) and (
            node.valid_to is None or node.valid_to >= self.day
        )

    def begun(self, unit_id: int) -> bool:
        node = self.nodes.get(unit_id)
        return node is not None and (node.valid_from is None or node.valid_from <= self.day)

    def parent(self, unit_id: int) -> int | None:
        node = self.nodes.get(unit_id)
        return node.parent if node else None

    def kind(self, unit_id: int) -> str:
        return self.nodes[unit_id].kind

    def name(self, unit_id: int, *, english: bool = False) -> str:
        node = self.nodes[unit_id]
        return (node.name_en or node.name) if english else node.name

    def counts_for(self, unit_id: int) -> int:
        """The unit that `unit_id`'s data counts for on the day: itself, or its successor
        (followed through a chain of merges)."""
        seen = {unit_id}
        while unit_id in self.successor:
            unit_id = self.successor[unit_id]
            if unit_id in seen:  # refused at load; never loop
                break
            seen.add(unit_id)
        return unit_id

    def ancestors(self, unit_id: int) -> list[int]:
        """The unit itself, then each unit above it on the day, nearest first."""
        chain: list[int] = []
        current: int | None = unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parent(current)
        return chain

    def members(self, unit_id: int) -> list[int]:
        """Every unit whose data counts under `unit_id` on the day (the unit itself included).
        Units not yet opened on the day count nowhere."""
        if self._members is None:
            index: dict[int, list[int]] = {}
            for pk in self.nodes:
                if not self.begun(pk):
                    continue
                for ancestor in self.ancestors(self.counts_for(pk)):
                    index.setdefault(ancestor, []).append(pk)
            self._members = index
        return self._members.get(unit_id, [])

    def own(self, unit_id: int) -> list[int]:
        """The units whose data is the unit's own on the day: itself and what merged into it."""
        return [pk for pk in self.members(unit_id) if self.counts_for(pk) == unit_id]

    def path_names(self, unit_id: int, *, english: bool = False) -> list[str]:
        return [self.name(pk, english=english) for pk in reversed(self.ancestors(unit_id))]
