"""Status follows from the dates, and the SQL rule gives the same answer as the Python one."""

import datetime as dt
import itertools

import pytest

from carriers.models import Carrier
from carriers.status import Status, status_expression, status_filter, status_on
from territory.models import Unit

DAY = dt.date(2020, 9, 30)


@pytest.mark.parametrize(
    ("start", "completion", "expected"),
    [
        (None, None, Status.PLANNED),
        (dt.date(2020, 10, 1), None, Status.PLANNED),  # starts after the day
        (dt.date(2020, 3, 1), None, Status.NEW_START),
        (dt.date(2019, 3, 1), None, Status.CONTINUING),
        (dt.date(2019, 3, 1), dt.date(2020, 9, 30), Status.COMPLETED),
        (dt.date(2019, 3, 1), dt.date(2020, 12, 31), Status.CONTINUING),  # completes later
        (dt.date(2020, 1, 1), dt.date(2020, 2, 1), Status.COMPLETED),
    ],
)
def test_status_on_a_day(start, completion, expected):
    assert status_on(actual_start=start, actual_completion=completion, day=DAY) == expected


def test_the_database_rule_agrees_with_the_python_rule(db):
    zone = Unit.objects.get(code="z-science-city")
    dates = [
        None,
        dt.date(2019, 6, 1),
        dt.date(2020, 1, 1),
        dt.date(2020, 9, 30),
        dt.date(2020, 12, 1),
    ]
    carriers = []
    for n, (start, completion) in enumerate(itertools.product(dates, dates)):
        if start and completion and completion < start:
            continue
        carriers.append(
            Carrier.objects.create(
                zone=zone,
                kind="scitech_space",
                name=f"c{n}",
                floor_area_m2=1,
                actual_start=start,
                actual_completion=completion,
            )
        )
    annotated = dict(Carrier.objects.annotate(s=status_expression(DAY)).values_list("pk", "s"))
    for carrier in carriers:
        expected = carrier.status_on(DAY)
        assert annotated[carrier.pk] == expected, (carrier.actual_start, carrier.actual_completion)
        assert Carrier.objects.filter(status_filter(expected, DAY), pk=carrier.pk).exists()
        for other in set(Status) - {expected}:
            assert not Carrier.objects.filter(status_filter(other, DAY), pk=carrier.pk).exists()
