"""The chain-maps commitment (动态调整66个产业功能区“两图一表”) by hand at every level of a small
tree: a zone counts when its attraction list changed in the plan's period; a past day keeps its
figure when the list changes later and when the zone moves to another district.

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chains.models import AttractionTarget, Chain, ChainNode
from plans import commitments
from plans.models import Section, Target
from plans.progress import Engine, Status, progress
from plans.tests.trees import small_tree
from territory.services import record_change

END = dt.date(2020, 12, 31)


@pytest.fixture
def t(db):
    tree = small_tree()
    chain = Chain.objects.create(code="t-rule", name="规则链")
    tree.node = ChainNode.objects.create(chain=chain, code="n", name="节点", segment="upstream")
    return tree


def _line(t, zone, name, when: dt.date) -> AttractionTarget:
    line = AttractionTarget(
        zone=zone, node=t.node, enterprise_name=name, reason="补链", follower="组"
    )
    line._history_date = timezone.make_aware(dt.datetime.combine(when, dt.time(10)))
    line.save()
    return line


def _find(t, unit, day=END):
    return commitments.get("chain_maps").evaluate(Engine(t.plan), unit.pk, day)


def test_zones_count_when_their_list_changed_in_the_period_at_every_level(t):
    _line(t, t.za, "甲企业", dt.date(2020, 3, 1))
    _line(t, t.za, "甲企业二", dt.date(2020, 4, 1))
    _line(t, t.zc, "乙企业", dt.date(2019, 11, 1))  # before the plan: not this year's change
    city = _find(t, t.city)
    assert (city.done, city.of) == (1, 3)
    assert city.basis == "1/3 个功能区已调整“两图一表”（共 2 处调整）"
    assert city.items == [("甲二", "尚无招引清单"), ("乙一", "最近调整于 2019-11-01")]
    d1 = _find(t, t.d1)
    assert (d1.done, d1.of) == (1, 2)
    d2 = _find(t, t.d2)
    assert (d2.done, d2.of) == (0, 1)
    za = _find(t, t.za)
    assert (za.done, za.of) == (1, 1)
    assert _find(t, t.zb).done == 0


def test_a_past_day_keeps_its_figure_when_the_list_changes_later_or_the_zone_moves(t):
    line = _line(t, t.zb, "甲二企业", dt.date(2020, 3, 1))
    before = _find(t, t.d1, day=dt.date(2020, 6, 30))
    assert (before.done, before.of) == (1, 2)
    line.follower = "新组"
    line._history_date = timezone.make_aware(dt.datetime(2020, 9, 1, 10))
    line.save()
    record_change(unit=t.zb, on=dt.date(2020, 8, 1), parent=t.d2)
    again = _find(t, t.d1, day=dt.date(2020, 6, 30))
    assert (again.done, again.of, again.basis) == (before.done, before.of, before.basis)
    after_move = _find(t, t.d2, day=dt.date(2020, 9, 30))
    assert (after_move.done, after_move.of) == (1, 2)  # 甲二 now counts for 乙区


def test_a_deleted_line_is_a_change_and_the_status_reads_like_a_target(t):
    line = _line(t, t.za, "甲企业", dt.date(2019, 12, 1))
    line._history_date = timezone.make_aware(dt.datetime(2020, 2, 1, 10))
    line.delete()
    assert _find(t, t.za).done == 1
    target = Target.objects.create(
        plan=t.plan,
        section=Section.objects.filter(plan=t.plan).first(),
        code="t-chain-maps",
        title="两图一表",
        unit=t.city,
        clause="动态调整“两图一表”",
        rule="chain_maps",
        rule_params={},
    )
    result = progress(target, day=END)
    assert result.status == Status.MISSED  # 1 of 3 zones at the plan's end
    assert result.basis.startswith("1/3 个功能区已调整")
