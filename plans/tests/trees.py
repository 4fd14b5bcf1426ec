"""The small tree of their own that the roll-up, tree-over-time and rule tests compute by hand:

测试市 (t-city)
├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
└── 乙区 (t-d2): 乙一 (t-zc)
"""

from __future__ import annotations

from types import SimpleNamespace

from plans.models import Plan
from territory.models import Unit
from territory.services import save_unit


def unit(code, kind, parent=None, name=None, **extra) -> Unit:
    return save_unit(Unit(code=code, kind=kind, name=name or code, parent=parent, **extra))


def small_tree() -> SimpleNamespace:
    city = unit("t-city", "city", name="测试市")
    d1, d2 = unit("t-d1", "district", city, "甲区"), unit("t-d2", "district", city, "乙区")
    return SimpleNamespace(
        plan=Plan.objects.get(code="cd-2020"),
        city=city,
        d1=d1,
        d2=d2,
        za=unit("t-za", "zone", d1, "甲一"),
        zb=unit("t-zb", "zone", d1, "甲二"),
        zc=unit("t-zc", "zone", d2, "乙一"),
    )
