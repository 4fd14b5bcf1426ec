"""Reads of carriers; callers pass a queryset already limited by accounts.scoping."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from .models import Carrier


def totals(qs: QuerySet[Carrier]) -> dict:
    result = qs.order_by().aggregate(count=Count("pk"), area=Sum("floor_area_m2"))
    return {"count": result["count"], "area": result["area"] or Decimal(0)}
