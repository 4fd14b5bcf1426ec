"""A small chain whose statuses are computed by hand in the tests of this folder."""

from __future__ import annotations

import pytest

from chains.choices import LinkKind
from chains.models import Chain, ChainLink, ChainNode, NodeEnterprise
from investment.models import Enterprise
from territory.models import Unit


@pytest.fixture
def chain(db):
    """A(上游: A1, A2) → B(中游) → C(下游); present from 2, strong from 3.

    e1, e2 in zone X (成都新经济活力区, 高新区); e4 in another zone of 高新区; e3 in zone Y
    (白鹭湾, 锦江区), the chain leader on B. e1→A1, e2→A1, e2→A2, e4→A1, e3→B."""
    x = Unit.objects.get(code="z-new-economy")
    y = Unit.objects.get(code="z-bailuwan")
    w = Unit.objects.filter(kind="zone", parent=x.parent).exclude(pk=x.pk).order_by("code").first()
    c = Chain.objects.create(code="t-chain", name="测试链", present_from=2, strong_from=3)
    a = ChainNode.objects.create(chain=c, code="a", name="A", segment="upstream", order=1)
    a1 = ChainNode.objects.create(chain=c, code="a1", name="A1", segment="upstream", parent=a)
    a2 = ChainNode.objects.create(chain=c, code="a2", name="A2", segment="upstream", parent=a)
    b = ChainNode.objects.create(chain=c, code="b", name="B", segment="midstream", order=2)
    cc = ChainNode.objects.create(chain=c, code="c", name="C", segment="downstream", order=3)
    ChainLink.objects.create(source=a, target=b, kind=LinkKind.SUPPLIES)
    ChainLink.objects.create(source=b, target=cc, kind=LinkKind.SUPPLIES)

    def enterprise(n, zone):
        return Enterprise.objects.create(credit_code=f"T{n:017d}", name=f"测试企业{n}", zone=zone)

    e1, e2, e3, e4 = enterprise(1, x), enterprise(2, x), enterprise(3, y), enterprise(4, w)
    for node, e, leader in [
        (a1, e1, False),
        (a1, e2, False),
        (a2, e2, False),
        (a1, e4, False),
        (b, e3, True),
    ]:
        NodeEnterprise.objects.create(node=node, enterprise=e, is_leader=leader)
    return {
        "chain": c,
        "x": x,
        "y": y,
        "w": w,
        "gaoxin": x.parent,
        "e": (e1, e2, e3, e4),
        "nodes": {"a": a, "a1": a1, "a2": a2, "b": b, "c": cc},
    }
