"""The outlier check flags a value far from the unit's own history, robust to one odd month."""

import datetime as dt
from decimal import Decimal

import pytest

from reporting.choices import State, Step
from reporting.models import Submission, SubmissionValue
from reporting.outliers import is_outlier
from reporting.services import open_submission, save_values, take_step
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit

D = Decimal


@pytest.mark.parametrize(
    ("value", "history", "flagged"),
    [
        (D(105), [D(100), D(102), D(98), D(101)], False),
        (D(300), [D(100), D(102), D(98), D(101)], True),
        (D(100), [D(100), D(102), D(98), D(900)], False),  # one odd month does not move the centre
        (D(30), [D(100), D(102), D(98), D(101)], True),
        (D(300), [D(100), D(102)], False),  # too little history to judge
        (D(100), [D(100), D(100), D(100)], False),
        (D(160), [D(100), D(100), D(100)], True),  # flat history: more than 50% off
        (D(1), [D(0), D(0), D(0)], True),
    ],
)
def test_values_far_from_the_units_history_are_outliers(value, history, flagged):
    assert is_outlier(value, history) is flagged


def test_a_submitted_outlier_is_flagged_and_shown_but_not_refused(login, users, db):
    ds = make_data_set()
    output = ds.indicators.get()
    zone = Unit.objects.get(code="z-new-economy")
    end = last_month_end()
    for months, value in ((2, 100), (3, 102), (4, 98), (5, 101)):
        day = end
        for _ in range(months - 1):
            day = day.replace(day=1) - dt.timedelta(days=1)
        earlier = Submission.objects.create(
            data_set=ds,
            unit=zone,
            period_start=day.replace(day=1),
            period_end=day,
            state=State.CITY_APPROVED,
        )
        SubmissionValue.objects.create(submission=earlier, indicator=output, value=D(value))
    s = save_values(
        open_submission(ds, zone, end), {"output": "1000"}, user=users["xinjingji"], version=0
    )
    s = take_step(s, Step.SUBMIT, user=users["xinjingji"], version=s.version)
    assert s.state == State.SUBMITTED and s.values.get().flagged
    assert "需核实" in login("gaoxin").get(f"/reporting/{s.pk}/").content.decode()
