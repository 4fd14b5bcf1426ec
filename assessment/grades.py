"""Grades from scores: bands (a lowest score for each grade) and quotas (at most a share of the
units in a grade, e.g. 20% 优秀). Units are taken best rank first; a unit whose band's quota is
full gets the next grade down."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .framework import AssessmentError


@dataclass(frozen=True)
class Grade:
    name: str
    min_score: float  # the lowest score of the band; the last grade takes everything below
    max_share: float | None = None  # at most this share of the units (0–1), if set


DEFAULT_GRADES = (
    Grade("优秀", 85, 0.2),
    Grade("良好", 70),
    Grade("达标", 60),
    Grade("不达标", -math.inf),
)


def check_grades(grades) -> None:
    if not grades:
        raise AssessmentError("至少需要一个等次")
    floors = [g.min_score for g in grades]
    if floors != sorted(floors, reverse=True) or len(set(floors)) != len(floors):
        raise AssessmentError("等次的最低分应从高到低排列且互不相同")
    for g in grades:
        if g.max_share is not None and not 0 <= g.max_share <= 1:
            raise AssessmentError(f"“{g.name}”的比例上限应在 0 到 1 之间")
    if grades[-1].max_share is not None:
        raise AssessmentError(f"最后一个等次“{grades[-1].name}”不能设比例上限")


def assign(scores: np.ndarray, ranks: np.ndarray, grades) -> list[str | None]:
    """Each unit's grade (None without a score)."""
    check_grades(grades)
    scored = [i for i in np.argsort(ranks, kind="stable") if not np.isnan(scores[i])]
    caps = [
        math.floor(g.max_share * len(scored) + 1e-9) if g.max_share is not None else None
        for g in grades
    ]
    taken = [0] * len(grades)
    out: list[str | None] = [None] * len(scores)
    for i in scored:
        start = next(
            k for k, g in enumerate(grades) if scores[i] >= g.min_score or k == len(grades) - 1
        )
        for k in range(start, len(grades)):
            if caps[k] is None or taken[k] < caps[k]:
                taken[k] += 1
                out[i] = grades[k].name
                break
    return out
