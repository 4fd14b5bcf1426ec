"""The Monte Carlo analysis: with nothing uncertain it gives back the nominal ranks; it is
reproducible; quotas hold in every draw; a zone on a grade boundary is flagged."""

import math

import numpy as np
import pytest

from assessment.engine import run
from assessment.framework import AssessmentError, Framework, Method, Node
from assessment.grades import Grade
from assessment.robustness import Uncertainty, _grades, _ranks, monte_carlo

FRAMEWORK = Framework(
    [
        Node("index", "总指数", None),
        Node("a", "甲", "index", 2, low=0, high=100),
        Node("b", "乙", "index", 1, low=0, high=100),
    ]
)
DATA = np.array([[95, 90], [80, 70], [72, 67], [50, 20], [10, 5]], dtype=float)
UNITS = ["z1", "z2", "z3", "z4", "z5"]
GRADES = (Grade("优秀", 85, 0.2), Grade("良好", 70), Grade("不达标", -math.inf))
METHOD = Method(winsorise=False)


def test_with_nothing_uncertain_every_draw_is_the_nominal_run():
    fixed = Uncertainty(
        samples=50,
        weight_spread=0,
        normalisations=("goalposts",),
        imputations=("reweight",),
        aggregations=("arithmetic",),
    )
    result = monte_carlo(FRAMEWORK, METHOD, DATA, UNITS, GRADES, fixed)
    nominal = run(FRAMEWORK, METHOD, DATA, UNITS)
    assert result.rank_low.tolist() == result.rank_high.tolist() == nominal.ranks.tolist()
    assert result.nominal_grades == ["优秀", "良好", "良好", "不达标", "不达标"]
    assert result.robust.all() and (result.grade_probability.max(axis=1) == 1).all()


def test_the_same_seed_gives_the_same_analysis_and_a_boundary_zone_is_flagged():
    spread = Uncertainty(samples=400, weight_spread=0.5, normalisations=("goalposts",))
    first = monte_carlo(FRAMEWORK, METHOD, DATA, UNITS, GRADES, spread)
    again = monte_carlo(FRAMEWORK, METHOD, DATA, UNITS, GRADES, spread)
    assert first.grade_probability.tobytes() == again.grade_probability.tobytes()
    # z3 scores (2×72 + 67) / 3 = 70.3 against 良好's floor of 70: it falls below whenever
    # 甲's weight is under 1.5 times 乙's, in about a quarter of the draws
    z3 = UNITS.index("z3")
    assert first.nominal_grades[z3] == "良好" and not first.robust[z3]
    assert 0.6 < first.grade_probability[z3, 1] < 0.8
    assert first.robust[UNITS.index("z5")]  # far from any boundary
    assert set(first.sensitivity) == {"normalisation", "imputation", "aggregation", "weights"}


def test_the_quota_holds_in_every_draw():
    scores = np.array([[99, 90], [98, 99], [97, 80], [60, 96], [10, 20]], dtype=float)
    ranks, order = _ranks(scores)
    assert ranks[:, 0].tolist() == [1, 2, 3, 4, 5] and ranks[:, 1].tolist() == [3, 1, 4, 2, 5]
    grades = _grades(scores, order, (Grade("优秀", 85, 0.4), Grade("其他", -math.inf)))
    assert (grades == 0).sum(axis=0).tolist() == [2, 2]  # 40% of 5 = 2, though 3–4 reach 85
    assert grades[:, 1].tolist() == [1, 0, 1, 0, 1]


def test_settings_that_cannot_be_analysed_are_refused():
    with pytest.raises(AssessmentError, match="至少为 10"):
        monte_carlo(FRAMEWORK, METHOD, DATA, UNITS, GRADES, Uncertainty(samples=5))
    with pytest.raises(AssessmentError, match="权重扰动幅度"):
        monte_carlo(FRAMEWORK, METHOD, DATA, UNITS, GRADES, Uncertainty(weight_spread=1.5))
    with pytest.raises(AssessmentError, match="比例上限"):
        monte_carlo(FRAMEWORK, METHOD, DATA, UNITS, (Grade("优秀", 85, 2), Grade("余", -1)))
