"""清单化管理 by hand at every level: the share of the period's signed projects that a line
of the zone's attraction list names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chains.models import AttractionTarget, Chain, ChainNode
from investment.models import InvestmentProject
from investment.selectors import pipeline_rates
from plans.progress import Engine
from plans.tests.trees import small_tree

END = dt.date(2020, 12, 31)


def _share(t, unit) -> tuple:
    rate = next(r for r in pipeline_rates(Engine(t.plan), unit.pk, END) if r.code == "listed_share")
    return rate.done, rate.of


def test_signed_projects_from_the_list_at_zone_district_and_city(db):
    t = small_tree()
    node = ChainNode.objects.create(
        chain=Chain.objects.create(code="t-share", name="清单链"),
        code="n",
        name="节点",
        segment="upstream",
    )

    def project(zone, name, signed):
        return InvestmentProject.objects.create(
            zone=zone, name=name, tier="other", signed_on=signed
        )

    a1 = project(t.za, "甲一签约一", dt.date(2020, 3, 1))
    project(t.za, "甲一签约二", dt.date(2020, 4, 1))
    b1 = project(t.zb, "甲二签约", dt.date(2020, 5, 1))
    early = project(t.zc, "乙一去年签约", dt.date(2019, 5, 1))
    for zone, p in ((t.za, a1), (t.zb, b1), (t.zc, early)):
        AttractionTarget.objects.create(
            zone=zone, node=node, enterprise_name=p.name, reason="补链", follower="组", project=p
        )
    AttractionTarget.objects.create(  # on the list, not yet in talks
        zone=t.zc, node=node, enterprise_name="乙一目标", reason="补链", follower="组"
    )
    assert _share(t, t.za) == (Decimal(1), Decimal(2))
    assert _share(t, t.zb) == (Decimal(1), Decimal(1))
    assert _share(t, t.d1) == (Decimal(2), Decimal(3))
    assert _share(t, t.d2) == (Decimal(0), Decimal(0))  # its one listed signing was in 2019
    assert _share(t, t.city) == (Decimal(2), Decimal(3))
