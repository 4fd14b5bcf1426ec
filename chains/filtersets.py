"""The filters of the attraction list (core.filtersets): the list, its export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from core.filtersets import IdFilter, ListFilterSet, SearchFilter

APPROACHED = "approached"
NOT_APPROACHED = "not_approached"


class TargetFilter(ListFilterSet):
    zone = IdFilter(field_name="zone_id")
    chain = IdFilter(field_name="node__chain_id")
    node = IdFilter(field_name="node_id")
    approached = django_filters.ChoiceFilter(
        choices=[(APPROACHED, APPROACHED), (NOT_APPROACHED, NOT_APPROACHED)], method="by_talks"
    )
    q = SearchFilter(
        lookups=("enterprise_name__icontains", "reason__icontains", "follower__icontains"),
        upper=("credit_code__iexact",),
    )
    order_by = ("zone__order", "zone__code", "node__chain__order", "node__order", "enterprise_name")

    def by_talks(self, qs: QuerySet, _name: str, value: str) -> QuerySet:
        return qs.filter(project__isnull=value == NOT_APPROACHED)
