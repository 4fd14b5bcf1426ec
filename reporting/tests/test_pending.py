"""Figures under review count toward the plan only when a viewer asks, and are then marked;
the official briefing never counts them."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from plans.models import Plan, ReportedValue, Section, Target
from plans.progress import progress
from plans.selectors import plan_progress
from reporting.models import Submission, SubmissionValue
from reporting.tests.factories import make_data_set
from territory.models import Unit
from tests.factories import city_briefing

DAY = dt.date(2020, 9, 30)
JULY, AUGUST = dt.date(2020, 7, 31), dt.date(2020, 8, 31)


@pytest.fixture
def target(db):
    """A city target on a reported indicator: 2020 output of the two zones that report it."""
    data_set = make_data_set(units=("z-new-economy", "z-bailuwan"))
    plan = Plan.objects.get(code="cd-2020")
    return Target.objects.create(
        plan=plan,
        section=Section.objects.get(plan=plan, code="projects"),
        code="t-output",
        title="功能区产值",
        unit=Unit.objects.get(code="510100"),
        indicator=data_set.indicators.get(),
        comparator="gte",
        value=1000,
        display_unit="元",
        deadline=dt.date(2020, 12, 31),
        clause="c",
    )


def _report(target, zone_code, period_end, value, state):
    zone = Unit.objects.get(code=zone_code)
    submission = Submission.objects.create(
        data_set=target.indicator.dataset_set.get(),
        unit=zone,
        period_start=period_end.replace(day=1),
        period_end=period_end,
        state=state,
    )
    SubmissionValue.objects.create(submission=submission, indicator=target.indicator, value=value)


def test_only_approved_figures_count_unless_pending_ones_are_asked_for(target):
    new_economy = Unit.objects.get(code="z-new-economy")
    ReportedValue.objects.create(
        indicator=target.indicator, unit=new_economy, period_end=JULY, value=100
    )
    _report(target, "z-new-economy", AUGUST, 120, "district_approved")  # replaces July's
    _report(target, "z-bailuwan", AUGUST, 50, "submitted")
    _report(target, "z-bailuwan", dt.date(2020, 6, 30), 999, "draft")  # never sent: never counts

    official = progress(target, day=DAY)
    assert official.value == Decimal(100) and not official.pending

    rows = [r for s in plan_progress(Plan.objects.get(), day=DAY, pending=True) for r in s.rows]
    with_pending = next(r for r in rows if r.target.pk == target.pk)
    assert with_pending.value == Decimal(170) and with_pending.pending
    assert not any(r.pending for r in rows if r.target.pk != target.pk)


def test_an_approved_value_for_a_later_period_wins_over_an_older_pending_one(target):
    zone = Unit.objects.get(code="z-new-economy")
    ReportedValue.objects.create(indicator=target.indicator, unit=zone, period_end=AUGUST, value=80)
    _report(target, "z-new-economy", JULY, 60, "submitted")  # a late July report under review
    rows = [r for s in plan_progress(Plan.objects.get(), day=DAY, pending=True) for r in s.rows]
    row = next(r for r in rows if r.target.pk == target.pk)
    assert row.value == Decimal(80) and not row.pending


def test_the_cockpit_marks_figures_under_review_and_the_briefing_leaves_them_out(target, login):
    _report(target, "z-bailuwan", AUGUST, 50, "submitted")
    city = login("admin")
    url = reverse("cockpit") + "?day=2020-09-30"
    plain = city.get(url).content.decode()
    row = plain[plain.index('id="progress-t-output"') :].split("</tr>")[0]
    assert 'data-status="no_data"' in row and "含待审" not in row  # nothing approved yet
    assert 'id="pending-note"' not in plain

    marked = city.get(url + "&pending=1").content.decode()
    row = marked[marked.index('id="progress-t-output"') :].split("</tr>")[0]
    assert "含待审" in row and "50" in row
    assert 'id="pending-note"' in marked and "未经市级审核" in marked

    ReportedValue.objects.create(
        indicator=target.indicator,
        unit=Unit.objects.get(code="z-new-economy"),
        period_end=JULY,
        value=100,
    )
    briefing = city_briefing(city, reverse("briefing", args=["xlsx"]) + "?day=2020-09-30&pending=1")
    book = openpyxl.load_workbook(io.BytesIO(briefing.content), read_only=True)
    rows = [r for r in book["目标进展"].iter_rows(values_only=True) if r[1] == "功能区产值"]
    assert [r[3] for r in rows] == [100]  # the approved 100, not 150 with the pending 50
