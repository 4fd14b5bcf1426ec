"""Reads of the investment pipeline: the 三率 and 资金到位率 of a unit on a day, from the
plan's indicators (investment.measures) through the progress engine, so that they count the
zones under the unit as the tree stood that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language

from plans.models import Indicator

# The rates, in the order pages show them (codes of the plan file's indicators).
RATE_CODES = ("performance_rate", "start_rate", "production_rate", "capital_rate")


@dataclass(frozen=True)
class Rate:
    code: str
    name: str
    definition: str
    done: Decimal | None
    of: Decimal | None
    is_money: bool

    @property
    def percent(self) -> Decimal | None:
        if self.done is None or not self.of:
            return None
        return self.done / self.of * 100


def pipeline_rates(engine, unit_id: int, day: dt.date) -> list[Rate]:
    """The four rates for the unit on the day (none when the plan file defines none)."""
    english = not (get_language() or "zh").startswith("zh")
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(code__in=RATE_CODES).select_related(
            "numerator", "denominator"
        )
    }
    rates = []
    for code in RATE_CODES:
        indicator = indicators.get(code)
        if indicator is None or indicator.numerator is None or indicator.denominator is None:
            continue
        rates.append(
            Rate(
                code=code,
                name=(indicator.name_en if english and indicator.name_en else indicator.name),
                definition=(
                    indicator.definition_en
                    if english and indicator.definition_en
                    else indicator.definition
                ),
                done=engine.indicator_value(indicator.numerator, unit_id, day),
                of=engine.indicator_value(indicator.denominator, unit_id, day),
                is_money=indicator.denominator.measure == "money",
            )
        )
    return rates
