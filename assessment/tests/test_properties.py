"""Properties every run must have, checked on generated data (hypothesis): a zone that improves
one indicator never scores lower; min-max scores do not depend on the unit of measurement;
weights are shared out to sum to 1; a run repeated gives identical results."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assessment.engine import run, weights_of
from assessment.framework import Framework, Method, Node

UNITS, INDICATORS = 6, 4
values = st.floats(min_value=0, max_value=1000, allow_nan=False, width=32)
matrices = arrays(np.float64, (UNITS, INDICATORS), elements=values).filter(
    lambda m: (np.ptp(m, axis=0) > 1e-3).all()  # min-max needs some spread in each column
)
weight = st.floats(min_value=0.01, max_value=10)


def framework(weights=(1, 1, 1, 1), directions=(1, -1, 1, 1), goalposts=False):
    nodes = [Node("index", "总指数", None), Node("d1", "一", "index"), Node("d2", "二", "index", 2)]
    for i in range(INDICATORS):
        bounds = {"low": 0.0, "high": 1000.0} if goalposts else {}
        if goalposts and directions[i] == -1:
            bounds = {"low": 1000.0, "high": 0.0}
        nodes.append(
            Node(f"i{i}", f"指标{i}", "d1" if i < 2 else "d2", weights[i], directions[i], **bounds)
        )
    return Framework(nodes)


def _run(fw, method, data):
    return run(fw, method, data, [f"z{i}" for i in range(UNITS)])


@settings(max_examples=60, deadline=None)
@given(
    data=matrices,
    unit=st.integers(0, UNITS - 1),
    indicator=st.integers(0, INDICATORS - 1),
    step=st.floats(min_value=0.5, max_value=500),
    normalisation=st.sampled_from(["goalposts", "minmax", "rank"]),
    aggregation=st.sampled_from(["arithmetic", "geometric"]),
)
def test_improving_one_indicator_never_lowers_the_zones_score(
    data, unit, indicator, step, normalisation, aggregation
):
    fw = framework(goalposts=normalisation == "goalposts")
    method = Method(normalisation=normalisation, aggregation=aggregation, winsorise=False)
    before = _run(fw, method, data).index[unit]
    better = data.copy()
    direction = fw.indicators[indicator].direction
    better[unit, indicator] = np.clip(better[unit, indicator] + direction * step, 0, 1000)
    after = _run(fw, method, better).index[unit]
    assert after >= before - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    data=matrices,
    scale=st.floats(min_value=1e-3, max_value=1e6),
    shift=st.floats(min_value=-1e6, max_value=1e6),
    indicator=st.integers(0, INDICATORS - 1),
)
def test_min_max_scores_do_not_depend_on_the_unit_of_measurement(data, scale, shift, indicator):
    method = Method(normalisation="minmax", winsorise=False)
    fw = framework()
    converted = data.copy()
    converted[:, indicator] = converted[:, indicator] * scale + shift  # e.g. m² → 万m², °C → °F
    assert np.allclose(_run(fw, method, data).index, _run(fw, method, converted).index)


@settings(max_examples=60, deadline=None)
@given(data=matrices, weights=st.tuples(weight, weight, weight, weight), factor=weight)
def test_weights_are_shared_out_to_sum_to_one(data, weights, factor):
    fw = framework(weights)
    shares = weights_of(fw, Method())
    assert (
        abs(shares["i0"] + shares["i1"] - 1) < 1e-12
        and abs(shares["d1"] + shares["d2"] - 1) < 1e-12
    )
    scaled = framework(tuple(w * factor for w in weights))  # only proportions matter
    method = Method(winsorise=False, normalisation="minmax")
    assert np.allclose(_run(fw, method, data).index, _run(scaled, method, data).index)


@settings(max_examples=30, deadline=None)
@given(data=matrices)
def test_a_run_repeated_gives_identical_results(data):
    fw, method = framework(), Method(normalisation="minmax")
    first, second = _run(fw, method, data), _run(fw, method, data)
    assert first.index.tobytes() == second.index.tobytes()
    assert first.ranks.tobytes() == second.ranks.tobytes()
