"""Node status and the gap lists, computed by hand at every level of the tree: a zone, its
district and the city each count only the enterprises located in them."""

from __future__ import annotations

import datetime as dt

from chains.choices import GapKind
from chains.models import NodeProject
from chains.selectors import chain_states, gaps, status_for
from investment.models import InvestmentProject


def _statuses(states) -> dict[str, tuple[int, str]]:
    return {n.code: (n.count, n.status) for n in states.nodes.values()}


def test_thresholds_grade_a_count():
    assert [status_for(n, present_from=2, strong_from=5) for n in (0, 1, 2, 4, 5, 9)] == [
        "missing",
        "thin",
        "present",
        "present",
        "strong",
        "strong",
    ]


def test_a_zone_counts_its_own_enterprises_and_a_parent_counts_each_enterprise_once(chain):
    states = chain_states(chains=[chain["chain"]], unit=chain["x"])
    # A1 has e1, e2; A2 has e2; A has {e1, e2}: e2 is counted once although on both children.
    assert _statuses(states) == {
        "a": (2, "present"),
        "a1": (2, "present"),
        "a2": (1, "thin"),
        "b": (0, "missing"),
        "c": (0, "missing"),
    }
    assert states.counts() == {"missing": 2, "thin": 1, "present": 2, "strong": 0}


def test_the_district_adds_its_other_zones_and_the_city_adds_every_district(chain):
    district = _statuses(chain_states(chains=[chain["chain"]], unit=chain["gaoxin"]))
    assert district == {
        "a": (3, "strong"),  # e1, e2, e4
        "a1": (3, "strong"),
        "a2": (1, "thin"),
        "b": (0, "missing"),  # e3 is in 锦江区
        "c": (0, "missing"),
    }
    city = _statuses(chain_states(chains=[chain["chain"]], unit=None))
    assert city == {
        "a": (3, "strong"),
        "a1": (3, "strong"),
        "a2": (1, "thin"),
        "b": (1, "thin"),
        "c": (0, "missing"),
    }


def test_gap_lists_of_a_zone_name_what_would_change_them(chain):
    x = chain["x"]
    e3 = chain["e"][2]
    in_talks = InvestmentProject.objects.create(zone=x, name="测试项目（洽谈）", tier="other")
    running = InvestmentProject.objects.create(
        zone=x, name="测试项目（投产）", tier="other", production_on=dt.date(2020, 6, 1)
    )
    for project in (in_talks, running):
        NodeProject.objects.create(node=chain["nodes"]["b"], project=project)
    # Before the running project produced, B is missing in X: e3 (in 锦江区) stands on it
    # elsewhere, and both projects would change it.
    day = dt.date(2020, 5, 31)
    states = chain_states(chains=[chain["chain"]], unit=x, day=day)
    lists = gaps(states, unit=x, day=day)
    fill = {g.node.code: g for g in lists[GapKind.FILL]}
    assert list(fill) == ["b", "c"]
    assert fill["b"].candidates == [e3] and fill["b"].candidate_count == 1
    assert fill["b"].projects == [in_talks, running] and fill["b"].project_count == 2
    assert fill["c"].candidates == [] and fill["c"].projects == []
    strengthen = lists[GapKind.STRENGTHEN]
    assert [g.node.code for g in strengthen] == ["a2"]
    assert strengthen[0].candidates == []  # e2 is X's own; nobody elsewhere stands on A2
    assert lists[GapKind.EXTEND] == []  # X has no chain leader

    # Once it produces, B is thin (the project, with no enterprise named, counts as one), and
    # only the project still in talks would strengthen it.
    day = dt.date(2020, 12, 31)
    states = chain_states(chains=[chain["chain"]], unit=x, day=day)
    assert _statuses(states)["b"] == (1, "thin")
    lists = gaps(states, unit=x, day=day)
    assert [g.node.code for g in lists[GapKind.FILL]] == ["c"]
    thin = {g.node.code: g for g in lists[GapKind.STRENGTHEN]}
    assert list(thin) == ["a2", "b"]
    assert thin["b"].projects == [in_talks] and thin["b"].candidates == [e3]


def test_a_zone_with_a_chain_leader_is_told_to_extend_to_its_neighbours(chain):
    y = chain["y"]
    states = chain_states(chains=[chain["chain"]], unit=y)
    assert _statuses(states)["b"] == (1, "thin")
    lists = gaps(states, unit=y)
    # A is missing (its children too, so only A is listed); C is missing.
    assert [g.node.code for g in lists[GapKind.FILL]] == ["a", "c"]
    assert [g.node.code for g in lists[GapKind.STRENGTHEN]] == ["b"]
    # e3 leads on B; A supplies B and B supplies C: both sit next to the leader's node.
    assert [g.node.code for g in lists[GapKind.EXTEND]] == ["a", "c"]
    e1, e2, _e3, e4 = chain["e"]
    a_gap = lists[GapKind.FILL][0]
    assert set(a_gap.candidates) == {e1, e2, e4} and a_gap.candidate_count == 3


def test_a_status_moves_at_once_when_an_enterprise_moves_zone(chain):
    x = chain["x"]
    e3 = chain["e"][2]
    e3.zone = x
    e3.save()
    assert _statuses(chain_states(chains=[chain["chain"]], unit=x))["b"] == (1, "thin")
    assert _statuses(chain_states(chains=[chain["chain"]], unit=chain["y"]))["b"] == (0, "missing")


def test_a_project_reaching_production_brings_its_node_an_enterprise_once(chain):
    x = chain["x"]
    e3 = chain["e"][2]
    b = chain["nodes"]["b"]
    project = InvestmentProject.objects.create(
        zone=x, name="测试项目", tier="other", enterprise=e3, production_on=dt.date(2020, 9, 1)
    )
    NodeProject.objects.create(node=b, project=project)
    before = chain_states(chains=[chain["chain"]], unit=x, day=dt.date(2020, 8, 31))
    after = chain_states(chains=[chain["chain"]], unit=x, day=dt.date(2020, 9, 1))
    assert _statuses(before)["b"] == (0, "missing")
    assert _statuses(after)["b"] == (1, "thin")
    # At the city e3 is already on B by its mapping: producing there too, it counts once.
    city = chain_states(chains=[chain["chain"]], unit=None, day=dt.date(2020, 9, 1))
    assert _statuses(city)["b"] == (1, "thin")
    lists = gaps(before, unit=x, day=dt.date(2020, 8, 31))
    assert [g.projects for g in lists[GapKind.FILL] if g.node.code == "b"] == [[project]]
