"""Each method on cases small enough to compute by hand (the numbers in the comments)."""

import math

import numpy as np
import pytest

from assessment.engine import competition_ranks, run, winsorise
from assessment.framework import AssessmentError, Framework, Method, Node
from assessment.grades import Grade, assign

NAN = np.nan


def one(direction=1, low=None, high=None, missing="reweight"):
    """An index over one indicator."""
    return Framework(
        [
            Node("index", "总指数", None),
            Node("x", "指标", "index", direction=direction, low=low, high=high, missing=missing),
        ]
    )


def two(w1=1.0, w2=1.0):
    """An index over two indicators weighted w1 and w2."""
    return Framework(
        [Node("index", "总指数", None), Node("a", "甲", "index", w1), Node("b", "乙", "index", w2)]
    )


def scores(framework, method, data, **kw):
    data = np.array(data, dtype=float)
    units = [f"u{i}" for i in range(data.shape[0])]
    return run(framework, method, data, units, **kw)


PLAIN = Method(winsorise=False)


def test_min_max_puts_the_worst_at_0_and_the_best_at_100():
    r = scores(one(), PLAIN.with_(normalisation="minmax"), [[10], [20], [30]])
    assert r.index.tolist() == [0, 50, 100]  # (x - 10) / (30 - 10) * 100
    r = scores(one(direction=-1), PLAIN.with_(normalisation="minmax"), [[10], [20], [30]])
    assert r.index.tolist() == [100, 50, 0]  # less is better


def test_distance_to_goalposts_is_capped_at_both_ends():
    r = scores(one(low=0, high=40), PLAIN, [[10], [20], [30]])
    assert r.index.tolist() == [25, 50, 75]  # (x - 0) / (40 - 0) * 100
    r = scores(one(low=15, high=25), PLAIN, [[10], [20], [30]])
    assert r.index.tolist() == [0, 50, 100]  # below 15 → 0, above 25 → 100
    r = scores(one(direction=-1, low=40, high=0), PLAIN, [[10], [20], [30]])
    assert r.index.tolist() == [75, 50, 25]  # debt: 40 scores 0, 0 scores 100


def test_z_scores_have_mean_0_and_standard_deviation_1():
    r = scores(one(), PLAIN.with_(normalisation="zscore"), [[10], [20], [30]])
    assert r.index.tolist() == [-1, 0, 1]  # mean 20, sample sd 10


def test_rank_percentiles_share_ties():
    r = scores(one(), PLAIN.with_(normalisation="rank"), [[10], [30], [20]])
    assert r.index.tolist() == [0, 100, 50]
    r = scores(one(), PLAIN.with_(normalisation="rank"), [[10], [10], [20]])
    assert r.index.tolist() == [25, 25, 100]  # places 1.5, 1.5, 3 → (p - 1) / 2 * 100


def test_weighted_arithmetic_and_geometric_means():
    data = [[100, 0], [0, 100]]
    method = PLAIN.with_(normalisation="goalposts")
    framework = Framework(
        [
            Node("index", "总指数", None),
            Node("a", "甲", "index", 3, low=0, high=100),
            Node("b", "乙", "index", 1, low=0, high=100),
        ]
    )
    assert scores(framework, method, data).index.tolist() == [75, 25]  # 3:1
    geo = scores(framework, method.with_(aggregation="geometric"), [[100, 25], [25, 100]])
    assert np.allclose(geo.index, [100**0.75 * 25**0.25, 25**0.75 * 100**0.25])
    floored = scores(framework, method.with_(aggregation="geometric"), [[0, 100]])
    assert np.allclose(floored.index, [1**0.75 * 100**0.25])  # 0 counts as 1 (of 100)


def test_a_missing_value_is_left_out_and_its_weight_shared():
    framework = Framework(
        [
            Node("index", "总指数", None),
            Node("a", "甲", "index", low=0, high=100),
            Node("b", "乙", "index", low=0, high=100),
        ]
    )
    r = scores(framework, PLAIN, [[80, NAN], [40, 60]])
    assert r.index.tolist() == [80, 50]


def test_the_group_mean_and_last_year_fill_a_gap():
    framework = one(low=0, high=100, missing="group_mean")
    r = scores(framework, PLAIN, [[10], [NAN], [30], [NAN]], groups=["甲", "甲", "乙", "丙"])
    assert r.imputed[:, 0].tolist() == [10, 10, 30, 20]  # 丙 has none: the mean of all
    framework = one(low=0, high=100, missing="last")
    r = scores(framework, PLAIN, [[10], [NAN]], last=np.array([[5.0], [7.0]]))
    assert r.imputed[:, 0].tolist() == [10, 7]


def test_winsorising_caps_an_outlier_at_the_next_value():
    column = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], dtype=float)
    treated, points = winsorise(column, Method())
    assert points == 1 and treated.max() == 9  # skew 2.63, kurtosis 5.0 before; -0.13, -1.3 after
    untouched, none = winsorise(np.arange(10, dtype=float), Method())
    assert none == 0 and untouched.tolist() == list(range(10))


def test_levels_aggregate_bottom_up_with_weights_shared_within_each_parent():
    framework = Framework(
        [
            Node("index", "总指数", None),
            Node("d1", "维度一", "index", 1),
            Node("d2", "维度二", "index", 3),
            Node("a", "甲", "d1", 1, low=0, high=100),
            Node("b", "乙", "d1", 1, low=0, high=100),
            Node("c", "丙", "d2", 5, low=0, high=100),
        ]
    )
    r = scores(framework, PLAIN, [[100, 0, 20]])
    assert r.scores["d1"].tolist() == [50] and r.scores["d2"].tolist() == [20]
    assert r.index.tolist() == [50 * 0.25 + 20 * 0.75]
    assert r.weights == {"d1": 0.25, "d2": 0.75, "a": 0.5, "b": 0.5, "c": 1.0}
    equal = scores(framework, PLAIN.with_(weighting="equal"), [[100, 0, 20]])
    assert equal.index.tolist() == [35]  # (50 + 20) / 2


def test_equal_scores_share_the_better_rank():
    assert competition_ranks(np.array([50, 70, 70, NAN])).tolist()[:3] == [3, 1, 1]
    assert math.isnan(competition_ranks(np.array([50, NAN]))[1])


def test_grades_follow_bands_then_the_quota_sends_the_overflow_down():
    grades = (Grade("优秀", 85, 0.2), Grade("良好", 70), Grade("不达标", -math.inf))
    values = np.array([99, 98, 97, 90, 80, 75, 60, 50, 40, 30], dtype=float)
    got = assign(values, competition_ranks(values), grades)
    # 4 units reach 85 but 20% of 10 is 2: the other two drop to 良好
    assert got == ["优秀", "优秀", "良好", "良好", "良好", "良好"] + ["不达标"] * 4


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ([Node("i", "总", None), Node("a", "甲", "i", -1)], "权重不能为负数"),
        (
            [Node("i", "总", None), Node("a", "甲", "i", 0), Node("b", "乙", "i", 0)],
            "各项权重全为 0",
        ),
        ([Node("i", "总", None), Node("a", "甲", "i", low=5, high=5)], "两个门槛值相同"),
        ([Node("i", "总", None), Node("a", "甲", "x")], "上级“x”不存在"),
        ([Node("i", "总", None), Node("a", "甲", "i", direction=2)], "方向应为"),
    ],
    ids=["negative", "all-zero", "goalposts", "orphan", "direction"],
)
def test_a_framework_that_cannot_be_computed_is_refused(nodes, message):
    with pytest.raises(AssessmentError, match=message):
        scores(Framework(nodes), Method(), [[1.0] * (len(nodes) - 1)])


def test_an_indicator_missing_for_every_zone_is_refused():
    with pytest.raises(AssessmentError, match="指标“乙”所有单位均无数据"):
        scores(two(), Method(), [[1, NAN], [2, NAN]])


def test_z_scores_cannot_be_multiplied():
    with pytest.raises(AssessmentError, match="不能做几何平均"):
        scores(two(), Method(normalisation="zscore", aggregation="geometric"), [[1, 2], [2, 1]])


def test_an_indicator_where_every_zone_is_equal_is_left_out_not_fatal():
    framework = two()
    r = scores(framework, PLAIN.with_(normalisation="minmax"), [[10, 5], [20, 5], [30, 5]])
    assert r.index.tolist() == [0, 50, 100]  # 乙 says nothing: 甲 alone decides
