"""The opportunity-list commitment (发布产业功能区建设机会清单) by hand at every level of a small
tree: a zone counts once it has published an opportunity in the plan's period (a withdrawal
later does not undo that it published); a past day keeps its figure when the zone moves.

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opportunities.models import Field, Kind, Opportunity, Step, Version
from plans import commitments
from plans.models import Section, Target
from plans.progress import Engine, Status, progress
from plans.tests.trees import small_tree
from territory.services import record_change

END = dt.date(2020, 12, 31)


@pytest.fixture
def t(db):
    return small_tree()


def _published(zone, title: str, when: dt.date) -> Opportunity:
    opportunity = Opportunity.objects.create(unit=zone)
    version = Version.objects.create(
        opportunity=opportunity,
        number=1,
        status="published",
        title=title,
        kind=Kind.objects.get(code="need"),
        field=Field.objects.get(code="ai-plus"),
        description="<p>说明</p>",
        sought="需求",
        deadline=END,
        contact_role="招商科",
    )
    step = Step.objects.create(version=version, action="publish")
    Step.objects.filter(pk=step.pk).update(
        at=timezone.make_aware(dt.datetime.combine(when, dt.time(10)))
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(published=version)
    return opportunity


def _find(t, unit, day=END):
    return commitments.get("opportunity_lists").evaluate(Engine(t.plan), unit.pk, day)


def test_zones_count_once_they_published_in_the_period_at_every_level(t):
    _published(t.za, "甲一机会", dt.date(2020, 3, 1))
    _published(t.za, "甲一机会二", dt.date(2020, 5, 1))
    _published(t.zc, "乙一旧机会", dt.date(2019, 12, 20))  # before the plan's start
    city = _find(t, t.city)
    assert (city.done, city.of) == (1, 3)
    assert city.basis == "1/3 个功能区已发布机会清单（共发布 2 条）"
    assert city.items == [("甲二", "尚未发布"), ("乙一", "尚未发布")]
    assert (_find(t, t.d1).done, _find(t, t.d1).of) == (1, 2)
    assert (_find(t, t.d2).done, _find(t, t.d2).of) == (0, 1)
    assert (_find(t, t.za).done, _find(t, t.za).of) == (1, 1)
    assert _find(t, t.zb).done == 0
    # On 2020-04-01 the second had not been published yet; on 2020-02-01 neither.
    assert _find(t, t.city, day=dt.date(2020, 4, 1)).basis.endswith("（共发布 1 条）")
    assert _find(t, t.city, day=dt.date(2020, 2, 1)).done == 0


def test_a_past_day_keeps_its_figure_when_the_zone_moves_or_the_opportunity_is_withdrawn(t):
    opportunity = _published(t.zb, "甲二机会", dt.date(2020, 3, 1))
    before = _find(t, t.d1, day=dt.date(2020, 6, 30))
    assert (before.done, before.of) == (1, 2)
    record_change(unit=t.zb, on=dt.date(2020, 8, 1), parent=t.d2)
    Version.objects.filter(opportunity=opportunity).update(status="withdrawn")
    Opportunity.objects.filter(pk=opportunity.pk).update(published=None)
    again = _find(t, t.d1, day=dt.date(2020, 6, 30))
    assert (again.done, again.of, again.basis) == (before.done, before.of, before.basis)
    after = _find(t, t.d2, day=dt.date(2020, 9, 30))
    assert (after.done, after.of) == (1, 2)  # 甲二 now counts for 乙区, and it did publish


def test_the_status_reads_like_a_target(t):
    _published(t.za, "甲一机会", dt.date(2020, 3, 1))
    target = Target.objects.create(
        plan=t.plan,
        section=Section.objects.filter(plan=t.plan).first(),
        code="t-opportunity-lists",
        title="机会清单",
        unit=t.city,
        clause="发布产业功能区建设机会清单",
        rule="opportunity_lists",
        rule_params={},
    )
    result = progress(target, day=END)
    assert result.status == Status.MISSED  # 1 of 3 zones at the plan's end
    for zone in (t.zb, t.zc):
        _published(zone, "补发", dt.date(2020, 11, 1))
    assert progress(target, day=END).status == Status.MET
