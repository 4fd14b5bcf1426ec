"""Warnings (预警) from rules that are data: each default rule by hand, the admin's rules
replacing them, the colour on the list and the page, and the list's filter by colour."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from investment.models import InvestmentProject, WarningRule
from investment.selectors import of_level, warnings_of
from territory.models import Unit

DAY = dt.date(2020, 12, 31)


@pytest.fixture
def zone(db):
    return Unit.objects.get(code="z-new-economy")


def _project(zone, name, **values) -> InvestmentProject:
    return InvestmentProject.objects.create(zone=zone, name=name, tier="other", **values)


def _touched(project, when: dt.date) -> None:
    """Its history says it was last changed on `when`."""
    project.history.update(history_date=timezone.make_aware(dt.datetime.combine(when, dt.time(10))))


def test_each_default_rule_colours_a_project(zone):
    d = dt.date
    late_start = _project(zone, "签约200天未开工", signed_on=d(2020, 6, 14))  # 200 days
    slow_start = _project(zone, "签约100天未开工", signed_on=d(2020, 9, 22))  # 100 days
    fresh = _project(zone, "刚签约", signed_on=d(2020, 12, 1))
    overdue = _project(
        zone,
        "逾期未投产",
        signed_on=d(2020, 1, 1),
        started_on=d(2020, 2, 1),
        contract_production_on=d(2020, 12, 30),
    )
    produced = _project(
        zone,
        "已投产",
        signed_on=d(2020, 1, 1),
        started_on=d(2020, 2, 1),
        production_on=d(2020, 12, 1),
        contract_production_on=d(2020, 11, 30),
    )
    idle = _project(zone, "线索未跟进", lead_on=d(2020, 6, 1))
    _touched(idle, d(2020, 10, 31))  # 61 days before the day
    followed = _project(zone, "线索已跟进", lead_on=d(2020, 6, 1))
    _touched(followed, d(2020, 11, 2))  # 59 days
    found = warnings_of(
        InvestmentProject.objects.filter(
            zone=zone,
            name__in=[
                p.name for p in (late_start, slow_start, fresh, overdue, produced, idle, followed)
            ],
        ),
        DAY,
    )
    level = {InvestmentProject.objects.get(pk=pk).name: v[0] for pk, v in found.items()}
    assert level == {
        "签约200天未开工": "red",
        "签约100天未开工": "yellow",
        "刚签约": "green",
        "逾期未投产": "red",
        "已投产": "green",
        "线索未跟进": "yellow",
        "线索已跟进": "green",
    }
    assert found[late_start.pk][1] == ["签约已满 180 天仍未开工", "签约已满 90 天仍未开工"]
    assert found[overdue.pk][1] == ["超过合同约定投产日期 0 天仍未投产"]
    assert found[idle.pk][1] == ["已 60 天以上未跟进"]
    names = lambda lvl: set(  # noqa: E731
        of_level(InvestmentProject.objects.filter(zone=zone), lvl, DAY).values_list(
            "name", flat=True
        )
    )
    assert {"签约200天未开工", "逾期未投产"} <= names("red")
    assert "签约100天未开工" in names("yellow") and "签约200天未开工" not in names("yellow")
    assert {"刚签约", "已投产", "线索已跟进"} <= names("green")


def test_the_admins_rules_replace_the_defaults(zone):
    project = _project(zone, "签约100天", signed_on=dt.date(2020, 9, 22))
    WarningRule.objects.create(kind="signed_not_started", days=30, level="red")
    assert warnings_of([project], DAY)[project.pk] == ("red", ["签约已满 30 天仍未开工"])
    WarningRule.objects.update(is_active=False)
    assert warnings_of([project], DAY)[project.pk] == ("green", [])


def test_the_list_shows_each_colour_and_filters_by_it(login, zone):
    red = _project(zone, "预警红色项目", signed_on=dt.date(2020, 1, 1))
    _project(zone, "预警绿色项目", signed_on=timezone.localdate())
    client = login("xinjingji")
    body = client.get(reverse("project_list"), {"q": "预警"}).content.decode()
    assert re.search(r'data-warning="red" title="红色：签约已满 180 天', body)
    assert 'data-warning="green"' in body
    only_red = client.get(reverse("project_list"), {"q": "预警", "warning": "red"}).content.decode()
    assert "预警红色项目" in only_red and "预警绿色项目" not in only_red
    page = client.get(reverse("project_detail", args=[red.pk])).content.decode()
    assert 'id="project-warning" data-warning="red"' in page and "签约已满 180 天仍未开工" in page
    bogus = client.get(reverse("project_list"), {"warning": "purple"})
    assert bogus.status_code == 200  # a value not on offer is dropped
