"""The filters of the carrier, platform and service-project lists (core.filtersets)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.filtersets import IdFilter, ListFilterSet, SearchFilter

from .choices import CarrierKind, PlatformKind
from .status import Status, status_filter


def _status_today(qs: QuerySet, _name: str, value: str) -> QuerySet:
    return qs.filter(status_filter(value, timezone.localdate())) if value else qs


class CarrierFilter(ListFilterSet):
    zone = IdFilter(field_name="zone_id")
    district = IdFilter(method="in_district")
    kind = django_filters.ChoiceFilter(choices=CarrierKind.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices, method=_status_today)
    q = SearchFilter(lookups=("name__icontains", "developer__icontains", "address__icontains"))
    order_by = ("zone__order", "zone__code", "kind", "name")

    def in_district(self, qs: QuerySet, _name: str, value: int) -> QuerySet:
        """A zone's carriers count for its primary district and each further district it spans."""
        return qs.filter(Q(zone__parent_id=value) | Q(zone__extra_districts__id=value)).distinct()


class PlatformFilter(ListFilterSet):
    zone = IdFilter(field_name="carrier__zone_id")
    kind = django_filters.ChoiceFilter(choices=PlatformKind.choices)
    q = SearchFilter(lookups=("name__icontains", "operator__icontains", "carrier__name__icontains"))
    order_by = ("carrier__zone__order", "carrier__name", "name")


class ServiceProjectFilter(ListFilterSet):
    zone = IdFilter(field_name="zone_id")
    category = IdFilter(field_name="item__category_id")
    status = django_filters.ChoiceFilter(choices=Status.choices, method=_status_today)
    q = SearchFilter(lookups=("name__icontains", "developer__icontains"))
    order_by = ("zone__order", "zone__code", "name")
