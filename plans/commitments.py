"""Commitments without a number, tracked by a rule computed from data.

A plan file names each such commitment's rule with its parameters (`rule: {name: …, …}`), so a
new plan with new commitments loads with no code change. Apps register the rules they can
compute in `AppConfig.ready()` (the plans app imports none of them), as they do measures.

A rule counts something on a day for a unit, over the tree as it stood that day, and says what
would meet the commitment: `done` of `of` with a `goal` share (36 of 66 core areas with all
three kinds of scene, goal 100%), or a count with a minimum (`of` None). Its status uses the
words of the quantified targets: met when the goal is reached; after the plan's end, missed;
before it, on track when the share is at least the goal times the share of the period gone,
at risk from 80% of that, behind below; no data when there is nothing to count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

AT_RISK_SHARE = Decimal("0.8")


@dataclass(frozen=True)
class Finding:
    done: Decimal
    of: Decimal | None  # None: `goal` is a count to reach, not a share
    basis: str  # one line: what was counted ("36/66 个核心起步区三类场景齐全")
    goal: Decimal = Decimal(1)
    items: list = field(default_factory=list)  # what keeps it from being met (name, why)


@dataclass(frozen=True)
class Rule:
    # (engine, unit_id, day, **params) -> Finding | None (None: nothing to count yet)
    evaluate: Callable[..., Finding | None]
    params: dict[str, type] = field(default_factory=dict)  # allowed parameters and their types
    # (params) -> what is wrong with them, for the plan loader to refuse the file (a code that
    # names nothing would otherwise read 0 forever); None: nothing more to check.
    check: Callable[[dict], str | None] | None = None

    @property
    def description(self) -> str:
        """What the rule counts: its function's docstring."""
        return " ".join((self.evaluate.__doc__ or "").split())


_RULES: dict[str, Rule] = {}


def register(name: str, rule: Rule) -> None:
    _RULES[name] = rule


def get(name: str) -> Rule | None:
    return _RULES.get(name)


def registered() -> dict[str, Rule]:
    return dict(_RULES)


def share(finding: Finding) -> Decimal | None:
    if finding.of is None:
        return finding.done / finding.goal if finding.goal else None
    return finding.done / finding.of if finding.of else None


def status_of(
    finding: Finding | None, *, day: dt.date, starts_on: dt.date, ends_on: dt.date
) -> str:
    from .progress import Status

    if finding is None or (finding.of is not None and finding.of == 0):
        return Status.NO_DATA
    reached = share(finding)
    goal = Decimal(1) if finding.of is None else finding.goal
    if reached is not None and reached >= goal:
        return Status.MET
    if day >= ends_on:
        return Status.MISSED
    length = max((ends_on - starts_on).days, 1)
    expected = goal * Decimal(max((day - starts_on).days, 0)) / Decimal(length)
    if reached >= expected:
        return Status.ON_TRACK
    if reached >= expected * AT_RISK_SHARE:
        return Status.AT_RISK
    return Status.BEHIND


def ratio_basis(done, of, what: str) -> str:
    """“36/66 个核心起步区三类场景齐全”: the count, out of what, and what was counted."""
    return f"{int(done)}/{int(of)} {what}"
