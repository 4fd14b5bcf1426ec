"""Completeness and timeliness: who reported which period, and on time."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.models import DataSet, Event, Submission
from reporting.selectors import completeness, open_periods, recent_periods
from reporting.tests.factories import make_data_set
from territory.models import Unit


def test_recent_periods_are_whole_ended_periods_oldest_first(db):
    monthly = DataSet(period_type="month")
    assert recent_periods(monthly, dt.date(2020, 3, 15), count=3) == [
        (dt.date(2019, 12, 1), dt.date(2019, 12, 31)),
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31)),
        (dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
    ]
    assert recent_periods(DataSet(period_type="quarter"), dt.date(2020, 12, 31), count=1) == [
        (dt.date(2020, 10, 1), dt.date(2020, 12, 31))
    ]


def test_the_table_counts_on_time_late_and_missing_reports(login, users):
    ds = make_data_set(units=("z-new-economy", "z-bailuwan"), due_days=10)
    zone = Unit.objects.get(code="z-new-economy")
    today = timezone.localdate()
    end = recent_periods(ds, today)[-1][1]
    on_time = Submission.objects.create(
        data_set=ds, unit=zone, period_start=end.replace(day=1), period_end=end, state="submitted"
    )
    event = Event.objects.create(
        submission=on_time,
        step="submit",
        from_state="draft",
        to_state="submitted",
        user=users["xinjingji"],
    )
    Event.objects.filter(pk=event.pk).update(
        at=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=3), dt.time(12)))
    )
    table = completeness(ds, ds.units.all(), today=end + dt.timedelta(days=20))
    cells = {unit.code: cells[-1] for unit, cells in table.rows}
    assert cells["z-new-economy"].counted and not cells["z-new-economy"].late
    assert cells["z-bailuwan"].state is None and cells["z-bailuwan"].late  # past due, nothing
    assert table.totals[-1] == (1, 1)
    # The page follows the scope: 白鹭湾's officer sees only 白鹭湾.
    body = login("bailuwan").get(reverse("completeness")).content.decode()
    assert "白鹭湾" in body and "成都新经济活力区" not in body
    assert login("viewer").get(reverse("completeness"), {"data_set": "nope"}).status_code == 404


@pytest.mark.parametrize(
    ("period_type", "lock_days", "today", "expected"),
    [
        ("month", 30, dt.date(2026, 12, 2), [(dt.date(2026, 11, 1), dt.date(2026, 11, 30))]),
        (
            "month",
            60,
            dt.date(2026, 12, 2),
            [
                (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
                (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
            ],
        ),
        ("quarter", 30, dt.date(2026, 1, 15), [(dt.date(2025, 10, 1), dt.date(2025, 12, 31))]),
        ("quarter", 30, dt.date(2026, 2, 15), []),  # Q4 locked on 2026-01-30; Q1 not ended
        ("year", 90, dt.date(2026, 3, 31), [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]),
    ],
)
def test_open_periods_are_those_ended_and_not_yet_locked(
    db, period_type, lock_days, today, expected
):
    data_set = make_data_set(period_type=period_type, lock_days=lock_days)
    assert open_periods(data_set, today) == expected


def test_completeness_starts_with_the_data_sets_first_period(login):
    """A data set set up in 2026-10 owes nothing for the months before: they are not shown
    as missing or overdue, and the totals say how many units owe each period."""
    ds = make_data_set(units=("z-new-economy", "z-bailuwan"), starts_on=dt.date(2026, 10, 15))
    today = dt.date(2026, 12, 20)
    assert recent_periods(ds, today) == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    ]
    assert open_periods(ds, dt.date(2026, 11, 5)) == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    ]  # September is before it began, though not yet locked
    table = completeness(ds, ds.units.all(), today=today)
    assert [len(cells) for _unit, cells in table.rows] == [2, 2]
    assert table.totals == [(0, 0), (0, 0)] and table.owing == 2


def test_the_page_says_of_how_many_and_when_no_period_has_ended(login):
    ds = make_data_set(units=("z-new-economy", "z-bailuwan"))
    admin = login("admin")
    page = admin.get(reverse("completeness"), {"data_set": ds.code}).content.decode()
    assert 'data-submitted="0" data-on-time="0"' in page and "0 / 0" not in page
    assert "已报 0／2" in page
    DataSet.objects.filter(pk=ds.pk).update(starts_on=timezone.localdate() + dt.timedelta(days=40))
    page = admin.get(reverse("completeness"), {"data_set": ds.code}).content.decode()
    assert 'id="no-period"' in page and 'id="completeness"' not in page
