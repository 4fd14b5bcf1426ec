"""Parameters a plan file sets for the apps that count its commitments, e.g. what makes a
project high-tier (`plan: {parameters: {high_tier: {...}}}`). The plans app knows none of
them: each app registers the parameters it reads with a checker, in `AppConfig.ready()`, as
it registers measures and rules. A plan file naming an unknown parameter, or a value its
checker refuses, is refused with the file and the line.

A measure that reads a parameter says so (`Measure.parameter`): the progress engine then
hands it the plan's value, and the value is part of the measure's zone-figure key, so a plan
with another rule never reads figures computed under this one.
"""

from __future__ import annotations

from collections.abc import Callable

# name → checker(value) -> (the value as stored, [problems]); the value is plain JSON.
Checker = Callable[[object], tuple[dict, list[str]]]
_PARAMETERS: dict[str, tuple[Checker, dict]] = {}


def register(name: str, check: Checker, *, default: dict) -> None:
    _PARAMETERS[name] = (check, default)


def registered() -> dict[str, tuple[Checker, dict]]:
    return dict(_PARAMETERS)


def of_plan(plan, name: str) -> dict:
    """The plan's value of the parameter `name`, or its default."""
    value = (getattr(plan, "parameters", None) or {}).get(name)
    if value is None and name in _PARAMETERS:
        return dict(_PARAMETERS[name][1])
    return dict(value or {})
