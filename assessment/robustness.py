"""How robust each zone's rank and grade are to the choices a reasonable analyst could have
made differently (the JRC's uncertainty and sensitivity analysis): weights around their
values, the normalisation, the missing-data rule and the aggregation are drawn at random, the
index is recomputed for every draw, and each zone gets its rank interval (5th–95th
percentile), the probability of each grade, and a flag when its grade is not robust.

Vectorised: each (normalisation, missing-data rule) pair is normalised once, and weight draws
are applied in batches as matrix products; ranks are kept as 32-bit integers. Seeded, so the
same inputs give the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .engine import GEOMETRIC_FLOOR, impute, normalise_column, weights_of, winsorise
from .framework import AssessmentError, Framework, Method
from .grades import check_grades

BATCH = 500


@dataclass(frozen=True)
class Uncertainty:
    samples: int = 1000
    weight_spread: float = 0.25  # each weight times a uniform draw in [1 - s, 1 + s]
    # Empty: the scheme's own normalisation only. Grades are bands on that scale; another
    # normalisation changes the scale itself, so grades would move for reasons that are not the
    # zone's. Name alternatives here to see how ranks move with them.
    normalisations: tuple[str, ...] = ()
    imputations: tuple[str, ...] = ("reweight", "group_mean")
    aggregations: tuple[str, ...] = ("arithmetic", "geometric")
    robust_share: float = 0.8  # a grade is robust when it holds in at least this share of draws
    seed: int = 2020


@dataclass
class Robustness:
    units: list[str]
    samples: int
    rank_low: np.ndarray  # 5th percentile (a better rank is a smaller number)
    rank_median: np.ndarray
    rank_high: np.ndarray  # 95th percentile
    grade_names: list[str]
    grade_probability: np.ndarray  # units × grades
    nominal_grades: list[str | None]
    robust: np.ndarray  # bool per unit
    sensitivity: dict[str, float] = field(default_factory=dict)  # choice → share of rank variance


def _prepared(framework, method, data, groups, last, normalisation, imputation):
    """Normalised indicators for one (normalisation, missing-data rule) pair."""
    variant = method.with_(normalisation=normalisation, imputation=imputation)
    imputed = impute(framework, variant, data, groups=groups, last=last)
    columns = []
    for j, node in enumerate(framework.indicators):
        column = imputed[:, j]
        if variant.winsorise:
            column, _points = winsorise(column, variant)
        columns.append(normalise_column(column, node, normalisation))
    return np.column_stack(columns)


def _operands(normalised: np.ndarray, aggregation: str) -> tuple[np.ndarray, np.ndarray]:
    """What the weight products need, once per (normalisation, rule, aggregation): the values
    (logs for a geometric mean) with missing as 0, and where values are present (as 0/1)."""
    present = ~np.isnan(normalised)
    if aggregation == "geometric":
        filled = np.where(present, np.log(np.maximum(normalised, GEOMETRIC_FLOOR)), 0.0)
    else:
        filled = np.where(present, normalised, 0.0)
    return filled, present.astype(float)


def _index_batch(framework, operands, aggregation, weight_draws) -> np.ndarray:
    """Index scores, units × draws, for one aggregation and a batch of weight draws
    ({node code: weights per draw})."""
    filled, present = operands
    columns = {n.code: j for j, n in enumerate(framework.indicators)}
    values: dict[str, np.ndarray] = {}
    masks: dict[str, np.ndarray] = {}
    for node, _level in framework.aggregates_bottom_up():
        children = framework.children[node.code]
        w = np.stack([weight_draws[c.code] for c in children])  # children × draws
        if all(c.code in columns for c in children):
            idx = [columns[c.code] for c in children]
            numerator = filled[:, idx] @ w
            share = present[:, idx] @ w
        else:
            numerator = np.zeros((filled.shape[0], w.shape[1]))
            share = np.zeros_like(numerator)
            for k, child in enumerate(children):
                if child.code in columns:
                    j = columns[child.code]
                    contribution = np.outer(filled[:, j], w[k])
                    there = np.outer(present[:, j], w[k])
                else:
                    child_values, mask = values[child.code], masks[child.code]
                    if aggregation == "geometric":
                        child_values = np.log(np.maximum(child_values, GEOMETRIC_FLOOR))
                    if mask.all():  # the usual case: no np.where, one pass
                        numerator += child_values * w[k]
                        share += w[k]
                        continue
                    contribution = np.where(mask, child_values, 0.0) * w[k]
                    there = mask * w[k]
                numerator += contribution
                share += there
        with np.errstate(invalid="ignore", divide="ignore"):
            score = numerator / share
            if aggregation == "geometric":
                score = np.exp(score)
        masks[node.code] = share > 0
        values[node.code] = np.where(masks[node.code], score, 0.0)
    root = framework.root.code
    return np.where(masks[root], values[root], -np.inf)


def _ranks(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks per draw (1 = best), units × draws, and the units in rank order per draw; no
    score ranks last. Sorted along contiguous rows (draws × units), which is much faster."""
    order = np.argsort(-scores.T, axis=1, kind="stable")  # draws × units
    ranks = np.empty(order.shape, dtype=np.int32)
    np.put_along_axis(
        ranks, order, np.arange(1, scores.shape[0] + 1, dtype=np.int32)[None, :], axis=1
    )
    return ranks.T, order.T


def _grades(scores: np.ndarray, order: np.ndarray, grades) -> np.ndarray:
    """Grade index per unit and draw (units × draws), bands then quotas, best rank first
    (`order`: the units in rank order per draw)."""
    units, draws = scores.shape
    floors = np.array([g.min_score for g in grades])
    band = (scores[..., None] < floors[None, None, :]).sum(axis=-1)  # 0 = best band
    band = np.minimum(band, len(grades) - 1)
    scored = np.isfinite(scores).sum(axis=0)  # per draw
    out = np.full((units, draws), len(grades) - 1, dtype=np.int16)
    free = np.isfinite(scores)
    for k, grade in enumerate(grades[:-1]):
        eligible = free & (band <= k)
        if grade.max_share is None:
            taken = eligible
        else:
            cap = np.floor(grade.max_share * scored + 1e-9)
            in_order = np.take_along_axis(eligible, order, axis=0)
            keep = in_order & (np.cumsum(in_order, axis=0) <= cap[None, :])
            taken = np.zeros_like(eligible)
            np.put_along_axis(taken, order, keep, axis=0)
        out[taken] = k
        free &= ~taken
    return out


def monte_carlo(
    framework: Framework,
    method: Method,
    data: np.ndarray,
    units: list[str],
    grades,
    uncertainty: Uncertainty | None = None,
    *,
    groups: list[str] | None = None,
    last: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Robustness:
    uncertainty = uncertainty or Uncertainty()
    if not uncertainty.normalisations:
        uncertainty = replace(uncertainty, normalisations=(method.normalisation,))
    framework.check(method)
    check_grades(grades)
    if uncertainty.samples < 10:
        raise AssessmentError("蒙特卡洛抽样次数至少为 10")
    if not 0 <= uncertainty.weight_spread < 1:
        raise AssessmentError("权重扰动幅度应在 0 到 1 之间（不含 1）")
    for norm in uncertainty.normalisations:
        framework.check(method.with_(normalisation=norm))
    data = np.asarray(data, dtype=float)
    rng = np.random.default_rng(uncertainty.seed)
    n = uncertainty.samples
    choices = {
        "normalisation": rng.integers(len(uncertainty.normalisations), size=n),
        "imputation": rng.integers(len(uncertainty.imputations), size=n),
        "aggregation": rng.integers(len(uncertainty.aggregations), size=n),
    }
    base = weights_of(framework, method)
    spread = uncertainty.weight_spread
    draws = {code: w * rng.uniform(1 - spread, 1 + spread, size=n) for code, w in base.items()}
    prepared = {}
    ranks = np.empty((len(units), n), dtype=np.int32)
    grade_index = np.empty((len(units), n), dtype=np.int16)
    combos = {}
    for s in range(n):
        key = (choices["normalisation"][s], choices["imputation"][s], choices["aggregation"][s])
        combos.setdefault(key, []).append(s)
    done = 0
    for (norm_i, imp_i, agg_i), members in sorted(combos.items()):
        pair = (norm_i, imp_i)
        if pair not in prepared:
            prepared[pair] = _prepared(
                framework,
                method,
                data,
                groups,
                last,
                uncertainty.normalisations[norm_i],
                uncertainty.imputations[imp_i],
            )
        aggregation = uncertainty.aggregations[agg_i]
        operands = _operands(prepared[pair], aggregation)
        members = np.array(members)
        for start in range(0, members.size, BATCH):
            batch = members[start : start + BATCH]
            scores = _index_batch(
                framework, operands, aggregation, {code: draws[code][batch] for code in draws}
            )
            batch_ranks, order = _ranks(scores)
            ranks[:, batch] = batch_ranks
            grade_index[:, batch] = _grades(scores, order, grades)
            done += batch.size
            if progress:
                progress(done, n)
    low, median, high = np.percentile(ranks, [5, 50, 95], axis=1, method="nearest")
    probability = np.stack([(grade_index == k).mean(axis=1) for k in range(len(grades))], axis=1)
    from .engine import run
    from .grades import assign

    nominal = run(framework, method, data, units, groups=groups, last=last)
    nominal_grades = assign(nominal.index, nominal.ranks, grades)
    names = [g.name for g in grades]
    robust = np.array(
        [
            g is not None and probability[i, names.index(g)] >= uncertainty.robust_share
            for i, g in enumerate(nominal_grades)
        ]
    )
    return Robustness(
        units=list(units),
        samples=n,
        rank_low=low,
        rank_median=median,
        rank_high=high,
        grade_names=names,
        grade_probability=probability,
        nominal_grades=nominal_grades,
        robust=robust,
        sensitivity=_sensitivity(ranks, choices),
    )


def _sensitivity(ranks: np.ndarray, choices: dict[str, np.ndarray]) -> dict[str, float]:
    """Share of the variance of ranks each discrete choice explains on its own (first-order
    index: variance of the conditional mean over the total), averaged over units; the weights'
    share is what the discrete choices together do not explain."""
    ranks = ranks.astype(float)
    total = ranks.var(axis=1)
    varying = total > 0
    if not varying.any():
        return {name: 0.0 for name in [*choices, "weights"]}
    out = {}

    def explained(keys: np.ndarray) -> float:
        means = np.zeros_like(total)
        for value in np.unique(keys):
            members = keys == value
            group_mean = ranks[:, members].mean(axis=1)
            means += members.mean() * (group_mean - ranks.mean(axis=1)) ** 2
        return float((means[varying] / total[varying]).mean())

    for name, keys in choices.items():
        out[name] = explained(keys)
    joint = np.zeros(ranks.shape[1], dtype=np.int64)
    for keys in choices.values():
        joint = joint * 10 + keys
    out["weights"] = max(0.0, 1 - explained(joint))
    return out
