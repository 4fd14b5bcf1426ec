"""The filters of the zone list (core.filtersets)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.filtersets import IdFilter, ListFilterSet, SearchFilter


class ZoneFilter(ListFilterSet):
    district = IdFilter(method="in_district")
    ecosystem = IdFilter(field_name="ecosystems__id")
    stage = IdFilter(field_name="stage_id")
    q = SearchFilter(lookups=("name__icontains", "name_en__icontains", "code__iexact"))

    def in_district(self, qs: QuerySet, _name: str, value: int) -> QuerySet:
        """A zone counts for its primary district and for each further district it spans."""
        return qs.filter(Q(parent_id=value) | Q(extra_districts__id=value))
