"""An indicator framework (a tree: index → dimensions → … → indicators) and the choices that
turn indicator values into scores, following the OECD/JRC Handbook on Constructing Composite
Indicators and the COINr package. Pure Python: nothing here touches the database.

Every check that can refuse a framework or a method lives here and raises `AssessmentError`
with the message an officer reads (Chinese), before anything is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from core.refusals import Refusal

NORMALISATIONS = {
    "goalposts": "距目标/门槛值",
    "minmax": "最小-最大",
    "zscore": "标准分数（z）",
    "rank": "排序百分位",
}
AGGREGATIONS = {"arithmetic": "加权算术平均", "geometric": "加权几何平均"}
IMPUTATIONS = {"reweight": "缺失即剔除并重新分配权重", "group_mean": "组内均值", "last": "上年值"}
WEIGHTINGS = {"manual": "人工设定", "equal": "等权"}


class AssessmentError(Refusal, ValueError):
    """A framework, method or data that cannot be run; the message is for the officer."""


@dataclass(frozen=True)
class Node:
    """An indicator (a leaf) or an aggregate (dimension, sub-index, index)."""

    code: str
    name: str
    parent: str | None
    weight: float = 1.0
    direction: int = 1  # indicators: 1 when more is better, -1 when less is better
    # Goalposts for distance-to-target normalisation: the value scoring 0 and the value scoring
    # 100 (the target). None takes the worst value in the data for `low`.
    low: float | None = None
    high: float | None = None
    missing: str = "reweight"  # how a missing value is handled (IMPUTATIONS)
    reason: str = ""  # why this weight (shown with the scheme)


@dataclass(frozen=True)
class Method:
    normalisation: str = "goalposts"
    # Aggregation per level of the tree, counted from the indicators' parents (1) upwards;
    # a level not named uses `aggregation`.
    aggregation: str = "arithmetic"
    aggregation_by_level: dict[int, str] = field(default_factory=dict)
    weighting: str = "manual"
    winsorise: bool = True  # COINr's rule: skew > 2 and kurtosis > 3.5, up to 5 points a side
    winsorise_max_points: int = 5
    skew_limit: float = 2.0
    kurtosis_limit: float = 3.5
    imputation: str | None = None  # overrides every indicator's own `missing` when set

    def aggregation_at(self, level: int) -> str:
        return self.aggregation_by_level.get(level, self.aggregation)

    def with_(self, **changes) -> Method:
        return replace(self, **changes)


@dataclass
class Framework:
    nodes: list[Node]

    def __post_init__(self) -> None:
        self.by_code = {n.code: n for n in self.nodes}
        self.children: dict[str, list[Node]] = {}
        for node in self.nodes:
            if node.parent is not None:
                self.children.setdefault(node.parent, []).append(node)

    @property
    def root(self) -> Node:
        return next(n for n in self.nodes if n.parent is None)

    @property
    def indicators(self) -> list[Node]:
        """Leaves, in the order they were given."""
        return [n for n in self.nodes if n.code not in self.children]

    def aggregates_bottom_up(self) -> list[tuple[Node, int]]:
        """Every aggregate with its level (1 = parent of indicators only ... root last)."""
        levels: dict[str, int] = {}

        def level(code: str) -> int:
            if code not in self.children:
                return 0
            if code not in levels:
                levels[code] = 1 + max(level(c.code) for c in self.children[code])
            return levels[code]

        aggregates = [(n, level(n.code)) for n in self.nodes if n.code in self.children]
        return sorted(aggregates, key=lambda item: item[1])

    def check(self, method: Method) -> None:
        """Refuse what cannot be computed, naming what is wrong."""
        problems = []
        roots = [n for n in self.nodes if n.parent is None]
        if len(roots) != 1:
            problems.append(f"指标体系应有且只有一个总指数（现有 {len(roots)} 个）")
        codes = [n.code for n in self.nodes]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            problems.append(f"代码重复：{'、'.join(duplicates)}")
        for node in self.nodes:
            if node.parent is not None and node.parent not in self.by_code:
                problems.append(f"“{node.name}”的上级“{node.parent}”不存在")
            if not math.isfinite(node.weight) or node.weight < 0:
                problems.append(f"“{node.name}”的权重不能为负数（现为 {node.weight:g}）")
            if node.code not in self.children:
                if node.direction not in (1, -1):
                    problems.append(f"“{node.name}”的方向应为 1（越大越好）或 -1（越小越好）")
                if node.missing not in IMPUTATIONS:
                    problems.append(f"“{node.name}”的缺失值处理方式无效：{node.missing}")
                if (
                    method.normalisation == "goalposts"
                    and node.low is not None
                    and node.high is not None
                    and node.low == node.high
                ):
                    problems.append(
                        f"“{node.name}”的两个门槛值相同（{node.low:g}），无法计算距目标得分"
                    )
        if method.weighting == "manual":
            for parent, children in self.children.items():
                if sum(c.weight for c in children) == 0:
                    name = self.by_code[parent].name if parent in self.by_code else parent
                    problems.append(f"“{name}”下各项权重全为 0，无法加权")
        if method.normalisation not in NORMALISATIONS:
            problems.append(f"标准化方法无效：{method.normalisation}")
        for level_method in [method.aggregation, *method.aggregation_by_level.values()]:
            if level_method not in AGGREGATIONS:
                problems.append(f"加总方法无效：{level_method}")
        if method.weighting not in WEIGHTINGS:
            problems.append(f"赋权方法无效：{method.weighting}")
        if method.imputation is not None and method.imputation not in IMPUTATIONS:
            problems.append(f"缺失值处理方式无效：{method.imputation}")
        if method.normalisation == "zscore" and "geometric" in (
            method.aggregation,
            *method.aggregation_by_level.values(),
        ):
            problems.append("标准分数含负值，不能做几何平均：请改用算术平均或其他标准化方法")
        if problems:
            raise AssessmentError("；".join(dict.fromkeys(problems)))
