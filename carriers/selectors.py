"""Reads of carriers; callers pass a queryset already limited by accounts.scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .models import Carrier
from .status import status_filter


def carriers(
    qs: QuerySet[Carrier],
    *,
    zone_id: int | None = None,
    district_id: int | None = None,
    kind: str = "",
    status: str = "",
    search: str = "",
    day: dt.date,
) -> QuerySet[Carrier]:
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if district_id:
        qs = qs.filter(
            Q(zone__parent_id=district_id) | Q(zone__extra_districts__id=district_id)
        ).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status_filter(status, day))
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(developer__icontains=search)
            | Q(address__icontains=search)
        )
    return qs.select_related("zone", "zone__parent").order_by(
        "zone__order", "zone__code", "kind", "name"
    )


def totals(qs: QuerySet[Carrier]) -> dict:
    result = qs.order_by().aggregate(count=Count("pk"), area=Sum("floor_area_m2"))
    return {"count": result["count"], "area": result["area"] or Decimal(0)}
