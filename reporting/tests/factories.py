"""What the reporting tests build again and again: a data set with reported indicators, and
last month's end (always an open period whatever day the tests run, with lock_days=60)."""

import datetime as dt

from django.utils import timezone

from plans.models import Indicator
from reporting.models import DataSet
from territory.models import Unit


def last_month_end() -> dt.date:
    return timezone.localdate().replace(day=1) - dt.timedelta(days=1)


def make_data_set(
    indicators=(("output", "产值", "money"),), units=("z-new-economy",), **fields
) -> DataSet:
    """A monthly data set (功能区月报) of reported indicators (code, name, measure)."""
    fields = {
        "code": "monthly",
        "name": "功能区月报",
        "period_type": "month",
        "lock_days": 60,
    } | fields
    data_set = DataSet.objects.create(**fields)
    for code, name, measure in indicators:
        data_set.indicators.add(
            Indicator.objects.create(code=code, name=name, kind="reported", measure=measure)
        )
    data_set.units.add(*Unit.objects.filter(code__in=units))
    return data_set
