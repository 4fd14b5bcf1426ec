"""Backward schedules (倒排工期) in working days by China's calendar, computed by hand."""

import datetime as dt

import pytest
from django.urls import reverse

from carriers.calendar import WorkingCalendar
from carriers.models import Carrier, ScheduleStep, ScheduleTemplate
from carriers.schedules import MilestoneStatus, backward, schedule_of
from territory.models import Unit


def test_national_day_2020_is_off_and_its_make_up_saturday_is_a_workday():
    calendar = WorkingCalendar()
    assert not calendar.is_workday(dt.date(2020, 10, 1))
    assert calendar.is_workday(dt.date(2020, 10, 10))  # Saturday, 调休
    assert calendar.is_workday(dt.date(2020, 9, 27))  # Sunday, 调休
    assert calendar.note == "按国家法定节假日及调休安排计算工作日"


def test_counting_back_skips_the_holiday():
    calendar = WorkingCalendar()
    assert calendar.back(dt.date(2020, 10, 8), 1) == dt.date(2020, 9, 30)
    # 12 Oct (Mon), 10 Oct (Sat, make-up), 9 Oct, then 30 and 29 Sep.
    assert calendar.back(dt.date(2020, 10, 12), 5) == dt.date(2020, 9, 29)


def test_beyond_the_calendars_years_weekdays_stand_in_and_it_says_so():
    calendar = WorkingCalendar()
    assert calendar.back(dt.date(2027, 1, 4), 2) == dt.date(2027, 1, 1)  # Mon 4 Jan, Fri 1 Jan
    assert calendar.note == "2027年尚无法定节假日数据，按周一至周五计算工作日"


@pytest.fixture
def template(db):
    ScheduleTemplate.objects.filter(kind="standard_factory").delete()
    template = ScheduleTemplate.objects.create(kind="standard_factory", name="测试模板")
    start = ScheduleStep.objects.create(
        template=template, order=1, name="开工", working_days=5, tracks="actual_start"
    )
    build = ScheduleStep.objects.create(
        template=template, order=2, name="施工", working_days=10, predecessor=start
    )
    ScheduleStep.objects.create(
        template=template,
        order=3,
        name="竣工",
        working_days=2,
        predecessor=build,
        tracks="actual_completion",
    )
    return template


def test_the_backward_pass_by_hand(template):
    steps = list(template.steps.order_by("order"))
    dates = backward(steps, dt.date(2020, 10, 16), WorkingCalendar())
    start, build, finish = (dates[s.pk] for s in steps)
    # 竣工: 2 workdays ending Fri 16 Oct → 15–16 Oct.
    assert finish == (dt.date(2020, 10, 15), dt.date(2020, 10, 16))
    # 施工: ends the workday before 15 Oct (14 Oct); 10 workdays back: 14,13,12,10(Sat),9, 30,29,28,27(Sun),25 Sep.
    assert build == (dt.date(2020, 9, 25), dt.date(2020, 10, 14))
    # 开工: ends 24 Sep; 5 workdays: 24,23,22,21,18 Sep.
    assert start == (dt.date(2020, 9, 18), dt.date(2020, 9, 24))


def _factory(**dates):
    return Carrier.objects.create(
        zone=Unit.objects.get(code="z-new-economy"),
        kind="standard_factory",
        name="厂房",
        floor_area_m2=1,
        planned_completion=dt.date(2020, 10, 16),
        **dates,
    )


def test_a_carrier_not_started_by_its_latest_start_is_late(template):
    carrier = _factory()
    # Latest start 18 Sep: on 10 Sep it is 6 workdays away (due soon), on 21 Sep it has passed.
    assert schedule_of(carrier, today=dt.date(2020, 9, 10)).status == MilestoneStatus.DUE_SOON
    late = schedule_of(carrier, today=dt.date(2020, 9, 30))
    assert [m.status for m in late.milestones] == [
        MilestoneStatus.LATE,
        MilestoneStatus.UNRECORDED,
        MilestoneStatus.DUE_SOON,
    ]
    assert late.status == MilestoneStatus.LATE


def test_a_carrier_started_in_time_is_due_soon_before_its_completion_and_done_after(template):
    carrier = _factory(actual_start=dt.date(2020, 9, 15))
    assert schedule_of(carrier, today=dt.date(2020, 9, 1)).status == MilestoneStatus.PENDING
    soon = schedule_of(carrier, today=dt.date(2020, 10, 9))
    assert [m.status for m in soon.milestones if m.step.tracks] == [
        MilestoneStatus.DONE,
        MilestoneStatus.DUE_SOON,
    ]
    carrier.actual_completion = dt.date(2020, 10, 20)
    done = schedule_of(carrier, today=dt.date(2020, 11, 1))
    assert [m.status for m in done.milestones if m.step.tracks] == [
        MilestoneStatus.DONE,
        MilestoneStatus.DONE_LATE,
    ]


def test_without_a_planned_completion_there_is_no_schedule(template):
    carrier = _factory()
    carrier.planned_completion = None
    assert schedule_of(carrier, today=dt.date(2020, 9, 1)).milestones == []


def test_the_late_list_is_scoped_and_says_which_calendar(login, template):
    Carrier.objects.all().exclude(name="厂房").update(planned_completion=None)
    _factory()
    url = reverse("schedule_list")
    body = login("xinjingji").get(url, {"day": "2020-09-30"}).content.decode()
    assert 'data-schedule-status="late"' in body and "厂房" in body
    assert "按国家法定节假日及调休安排计算工作日" in body
    assert "厂房" not in login("jinjiang").get(url, {"day": "2020-09-30"}).content.decode()
    bad = login("xinjingji").get(url, {"day": "2020-13-01"}).content.decode()
    assert "日期格式应为 YYYY-MM-DD" in bad


def _walked_back(day: dt.date, workdays: int) -> dt.date:
    calendar = WorkingCalendar()
    return calendar._walk_back(day, max(workdays, 1))


@pytest.mark.parametrize(
    ("day", "workdays"),
    [
        (dt.date(2020, 10, 8), 1),
        (dt.date(2020, 10, 12), 5),
        (dt.date(2020, 10, 4), 1),  # a holiday: the last workday before it
        (dt.date(2021, 2, 20), 120),  # across the Spring Festival and its make-up days
        (dt.date(2027, 1, 4), 2),  # beyond the official data: weekdays
        (dt.date(2026, 12, 31), 400),  # across the edge of the official data
        (dt.date(2000, 1, 5), 3),  # near the start of the kept count
        (dt.date(1999, 12, 31), 3),  # before it: counted day by day
        (dt.date(2070, 6, 1), 30),  # after it: counted day by day
    ],
)
def test_counting_back_by_the_kept_count_agrees_with_walking_the_calendar(day, workdays):
    assert WorkingCalendar().back(day, workdays) == _walked_back(day, workdays)


def test_workdays_between_agrees_with_counting_each_day_and_names_the_weekday_years():
    calendar = WorkingCalendar()
    start, end = dt.date(2020, 9, 20), dt.date(2020, 10, 20)
    by_day = sum(calendar.is_workday(start + dt.timedelta(days=n)) for n in range(1, 31))
    # 21–25 Sep, the make-up Sunday 27 Sep, 28–30 Sep: 9; National Day off to 8 Oct; 9 Oct,
    # the make-up Saturday 10 Oct, 12–16 Oct, 19–20 Oct: 9. Eighteen in all, by hand.
    assert calendar.workdays_between(start, end) == by_day == 18
    assert calendar.workdays_between(end, start) == 0
    assert calendar.fallback_years == set()
    calendar.workdays_between(dt.date(2026, 12, 1), dt.date(2028, 1, 10))
    assert calendar.fallback_years == {2027, 2028}
    assert "2027、2028" in calendar.note


@pytest.fixture
def sixty_late(template):
    """Sixty factories of 成都新经济活力区 late on 2020-09-30, and nothing else on the list."""
    Carrier.objects.update(planned_completion=None)
    zone = Unit.objects.get(code="z-new-economy")
    Carrier.objects.bulk_create(
        Carrier(
            zone=zone,
            kind="standard_factory",
            name=f"迟滞厂房{n:02d}",
            floor_area_m2=1,
            planned_completion=dt.date(2020, 10, 16),
        )
        for n in range(60)
    )


def _shown(body: str) -> int:
    return body.count('data-schedule-status="late"')


@pytest.mark.parametrize(
    ("query", "rows", "page_text"),
    [
        ({}, 50, "第 1 / 2 页"),
        ({"page": "2"}, 10, "第 2 / 2 页"),
        ({"size": "20", "page": "3"}, 20, "第 3 / 3 页"),
        ({"size": "7"}, 50, "第 1 / 2 页"),  # not a size offered: the default
        ({"page": "abc"}, 50, "第 1 / 2 页"),
        ({"page": "999"}, 10, "第 2 / 2 页"),  # past the end: the last page
        ({"page": "-1"}, 10, "第 2 / 2 页"),
    ],
)
def test_the_late_list_is_paged_and_any_page_asked_for_opens(
    query, rows, page_text, login, sixty_late
):
    body = (
        login("xinjingji")
        .get(reverse("schedule_list"), {"day": "2020-09-30", **query})
        .content.decode()
    )
    assert _shown(body) == rows
    assert page_text in body and "60 个载体滞后或临期" in body
