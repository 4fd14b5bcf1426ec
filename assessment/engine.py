"""From indicator values to scores, ranks and grades: missing data, outliers, normalisation,
weighting and aggregation (docs/assessment.md states each formula). Pure numpy: a run is a
function of its inputs, so running it again gives identical results.

Data is a units × indicators array (float, NaN where missing) in the framework's indicator
order. Scores are on a 0–100 scale except with z-scores (mean 0, standard deviation 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .framework import AssessmentError, Framework, Method

GEOMETRIC_FLOOR = 1.0  # geometric means take values below 1 (of 100) as 1, as COINr's [1, 100]


@dataclass
class Result:
    units: list[str]
    framework: Framework
    method: Method
    imputed: np.ndarray  # after missing-data handling (NaN: left out, weights re-shared)
    treated: np.ndarray  # after winsorising
    winsorised: dict[str, int]  # indicator → points capped
    normalised: np.ndarray
    scores: dict[str, np.ndarray]  # aggregate code → score per unit
    index: np.ndarray
    ranks: np.ndarray  # 1 = best; ties share the better rank
    weights: dict[str, float] = field(default_factory=dict)  # effective, normalised per parent


def _column_problems(framework: Framework, data: np.ndarray) -> list[str]:
    problems = []
    for j, node in enumerate(framework.indicators):
        column = data[:, j]
        if np.isnan(column).all():
            problems.append(f"指标“{node.name}”所有单位均无数据")
    return problems


def check_data(framework: Framework, method: Method, data: np.ndarray, units: list[str]) -> None:
    indicators = framework.indicators
    if data.ndim != 2 or data.shape != (len(units), len(indicators)):
        raise AssessmentError(
            f"数据应为 {len(units)} 个单位 × {len(indicators)} 项指标，实为 {data.shape}"
        )
    if not units:
        raise AssessmentError("没有参加评估的单位")
    if np.isinf(data).any():
        raise AssessmentError("数据含无穷大值")
    problems = _column_problems(framework, data)
    if problems:
        raise AssessmentError("；".join(problems))


def impute(
    framework: Framework,
    method: Method,
    data: np.ndarray,
    *,
    groups: list[str] | None = None,
    last: np.ndarray | None = None,
) -> np.ndarray:
    """Fill what each indicator's rule fills: the mean of the unit's group (else of all), or
    last year's value; "reweight" leaves NaN, and aggregation re-shares the weight."""
    out = data.astype(float, copy=True)
    group_keys = np.array(groups if groups is not None else [""] * data.shape[0], dtype=object)
    for j, node in enumerate(framework.indicators):
        rule = method.imputation or node.missing
        column = out[:, j]
        missing = np.isnan(column)
        if not missing.any() or rule == "reweight":
            continue
        if rule == "last" and last is not None:
            column[missing] = last[missing, j]
            continue
        if rule == "group_mean":
            overall = np.nanmean(data[:, j])
            for key in set(group_keys[missing]):
                in_group = group_keys == key
                present = data[in_group, j]
                present = present[~np.isnan(present)]
                column[missing & in_group] = present.mean() if present.size else overall
    return out


def _moments(values: np.ndarray) -> tuple[float, float]:
    """Skewness (g1) and excess kurtosis (g2) of the present values."""
    centred = values - values.mean()
    m2 = (centred**2).mean()
    if m2 == 0:
        return 0.0, 0.0
    return float((centred**3).mean() / m2**1.5), float((centred**4).mean() / m2**2 - 3)


def winsorise(column: np.ndarray, method: Method) -> tuple[np.ndarray, int]:
    """COINr's rule: while |skew| > 2 and kurtosis > 3.5, the most extreme value on the skewed
    side takes the next value's place, up to `winsorise_max_points` times."""
    out = column.copy()
    present = ~np.isnan(out)
    points = 0
    while points < method.winsorise_max_points and present.sum() > 3:
        values = out[present]
        skew, kurtosis = _moments(values)
        if abs(skew) <= method.skew_limit or kurtosis <= method.kurtosis_limit:
            break
        ordered = np.unique(values)
        if ordered.size < 2:
            break
        if skew > 0:
            out[present & (out == ordered[-1])] = ordered[-2]
        else:
            out[present & (out == ordered[0])] = ordered[1]
        points += 1
    return out, points


def normalise_column(column: np.ndarray, node, normalisation: str) -> np.ndarray:
    present = ~np.isnan(column)
    values = column[present]
    out = np.full_like(column, np.nan)
    if normalisation == "goalposts":
        low = (
            node.low
            if node.low is not None
            else (values.min() if node.direction == 1 else values.max())
        )
        high = (
            node.high
            if node.high is not None
            else (values.max() if node.direction == 1 else values.min())
        )
        if low == high:
            if node.low is not None and node.high is not None:
                raise AssessmentError(
                    f"“{node.name}”的两个门槛值相同（{low:g}），无法计算距目标得分"
                )
            return out  # every zone has the same value: no information, left out
        out[present] = np.clip((values - low) / (high - low), 0, 1) * 100
        return out
    directed = values * node.direction
    if normalisation == "minmax":
        span = directed.max() - directed.min()
        if span == 0:
            return out  # every zone has the same value: no information, left out
        out[present] = (directed - directed.min()) / span * 100
    elif normalisation == "zscore":
        sd = directed.std(ddof=1) if directed.size > 1 else 0
        if sd == 0:
            return out  # every zone has the same value: no information, left out
        out[present] = (directed - directed.mean()) / sd
    elif normalisation == "rank":
        out[present] = (_average_ranks(directed) - 1) / max(directed.size - 1, 1) * 100
    else:
        raise AssessmentError(f"标准化方法无效：{normalisation}")
    return out


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1 for the smallest; ties share the average of their places."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(values.size)
    ranks[order] = np.arange(1, values.size + 1)
    unique, inverse = np.unique(values, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks)
    counts = np.bincount(inverse)
    return (sums / counts)[inverse] if unique.size < values.size else ranks


def weights_of(framework: Framework, method: Method) -> dict[str, float]:
    """Each node's weight within its parent, normalised so siblings sum to 1."""
    weights = {}
    for _parent, children in framework.children.items():
        raw = [1.0 if method.weighting == "equal" else c.weight for c in children]
        total = sum(raw)
        for child, w in zip(children, raw, strict=True):
            weights[child.code] = w / total
    return weights


def aggregate(
    framework: Framework, method: Method, normalised: np.ndarray, weights: dict[str, float]
) -> dict[str, np.ndarray]:
    """Scores of every aggregate, bottom up. A missing child is left out and the others'
    weights are re-shared; a unit with no child present has no score there."""
    values = {n.code: normalised[:, j] for j, n in enumerate(framework.indicators)}
    scores = {}
    for node, level in framework.aggregates_bottom_up():
        children = framework.children[node.code]
        matrix = np.column_stack([values[c.code] for c in children])
        w = np.array([weights[c.code] for c in children])
        present = ~np.isnan(matrix)
        share = present @ w
        filled = np.where(present, matrix, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            if method.aggregation_at(level) == "geometric":
                logs = np.log(np.maximum(filled, GEOMETRIC_FLOOR)) * present
                score = np.exp((logs @ w) / share)
            else:
                score = (filled @ w) / share
        score[share == 0] = np.nan
        values[node.code] = scores[node.code] = score
    return scores


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1 for the highest score; equal scores share the better rank; no score, no rank (NaN)."""
    ranks = np.full(scores.shape, np.nan)
    present = ~np.isnan(scores)
    values = scores[present]
    ranks[present] = (values[None, :] > values[:, None]).sum(axis=1) + 1
    return ranks


def run(
    framework: Framework,
    method: Method,
    data: np.ndarray,
    units: list[str],
    *,
    groups: list[str] | None = None,
    last: np.ndarray | None = None,
) -> Result:
    framework.check(method)
    data = np.asarray(data, dtype=float)
    check_data(framework, method, data, units)
    imputed = impute(framework, method, data, groups=groups, last=last)
    treated = imputed.copy()
    winsorised = {}
    indicators = framework.indicators
    if method.winsorise:
        for j, node in enumerate(indicators):
            treated[:, j], points = winsorise(imputed[:, j], method)
            if points:
                winsorised[node.code] = points
    normalised = np.column_stack(
        [normalise_column(treated[:, j], n, method.normalisation) for j, n in enumerate(indicators)]
    )
    weights = weights_of(framework, method)
    scores = aggregate(framework, method, normalised, weights)
    index = scores[framework.root.code]
    return Result(
        units=list(units),
        framework=framework,
        method=method,
        imputed=imputed,
        treated=treated,
        winsorised=winsorised,
        normalised=normalised,
        scores=scores,
        index=index,
        ranks=competition_ranks(index),
        weights=weights,
    )
