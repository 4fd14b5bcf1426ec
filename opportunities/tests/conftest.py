"""What the opportunity tests share: a zone of 高新区 (成都新经济活力区, its officer xinjingji,
the district's gaoxin) and one of 锦江区 (白鹭湾, bailuwan and jinjiang)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opportunities.models import Field, Kind
from territory.models import Unit


def content(**changes) -> dict:
    """What a zone officer writes for an opportunity, as the form cleans it."""
    return {
        "title": "人工智能应用场景征集",
        "kind": Kind.objects.get(code="scenario"),
        "field": Field.objects.get(code="ai-plus"),
        "description": "<p>面向园区企业征集<strong>人工智能</strong>应用场景解决方案。</p>",
        "sought": "具备视觉识别能力的企业",
        "amount_yuan": None,
        "area_m2": None,
        "count": None,
        "deadline": timezone.localdate() + dt.timedelta(days=30),
        "contact_role": "投资服务局招商科",
        "contact_phone": "",
        "phone_public": False,
    } | changes


@pytest.fixture(autouse=True)
def _no_demo_opportunities(db):
    """The tests count what they make: the demo's opportunities and scenario IPs are taken
    away."""
    from opportunities.models import Opportunity, Scenario

    Opportunity.objects.filter(is_demo=True).delete()
    Scenario.objects.filter(is_demo=True).delete()


@pytest.fixture
def zones(db):
    return {
        "mine": Unit.objects.get(code="z-new-economy"),
        "theirs": Unit.objects.get(code="z-bailuwan"),
    }
