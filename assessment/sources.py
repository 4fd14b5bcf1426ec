"""Where a scheme's indicators get each zone's value for the year assessed.

Every measure the plan's progress uses (plans.measures: sci-tech space, standard factories,
projects introduced, …) is a source under its own code. Other apps add sources in their
AppConfig.ready() with `register` (the map's app registers `core_area_share`); this app never
imports them. A source answers {zone id: value} for the zones asked about, as of a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count

from plans import measures
from territory.models import Scene


@dataclass(frozen=True)
class Source:
    name: str
    values: Callable[..., dict[int, float]]  # (zones, *, start, day) -> {zone id: value}
    # What a value is (area in m², money in yuan, count, ratio as a share): how it is shown.
    measure: str = ""


_SOURCES: dict[str, Source] = {}


def register(code: str, source: Source) -> None:
    _SOURCES[code] = source


def _scene_kinds(zones, *, start, day) -> dict[int, float]:
    """How many of the three kinds of scene (生产、生活、生态) the zone's core area shows."""
    rows = (
        Scene.objects.filter(zone__in=zones)
        .values("zone_id")
        .annotate(kinds=Count("kind", distinct=True))
    )
    found = {row["zone_id"]: float(row["kinds"]) for row in rows}
    return {z.pk: found.get(z.pk, 0.0) for z in zones}


register("scene_kinds", Source("核心起步区内的场景类型数", _scene_kinds, measure="count"))


def get(code: str) -> Source | None:
    if code in _SOURCES:
        return _SOURCES[code]
    measure = measures.get(code)
    if measure is None:
        return None

    def values(zones, *, start, day):
        raw = measure.by_zone(zones, start=start, day=day)
        return {
            z.pk: float(len(raw[z.pk]) if isinstance(raw.get(z.pk), set) else raw.get(z.pk, 0))
            for z in zones
        }

    from plans.models import Indicator

    kind = Indicator.objects.filter(code=code).values_list("measure", flat=True).first() or ""
    return Source(measure.source or code, values, measure=kind)


#: How a value of each measure is shown on a scorecard: in the plan's units.
SHOWN_IN = {"area": "万平方米", "money": "亿元", "ratio": "%", "count": "个"}


def shown(value, measure: str) -> str:
    """A source's value in the plan's units (340,000 m² → 34 万平方米, 0.83 → 83%); a value
    of a source with no measure as a plain number."""
    from decimal import Decimal

    from core.quantities import format_number, format_quantity

    if value is None:
        return "—"
    number = Decimal(str(value))
    unit = SHOWN_IN.get(measure)
    return format_quantity(number, unit, digits=2) if unit else format_number(number, 2)


def available() -> dict[str, str]:
    """Every source code with what it counts."""
    out = {code: m.source or code for code, m in measures.registered().items()}
    out.update({code: s.name for code, s in _SOURCES.items()})
    return dict(sorted(out.items()))


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)
