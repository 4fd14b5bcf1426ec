"""What every list's filters share; each app declares its own in `filtersets.py` (django-filter).

A list's filters never refuse: a value that is not one of the choices, or not a whole number
where an id is asked, is dropped as if it were not given, and the list shows everything else the
user may see. Free text is trimmed and cut to `SEARCH_LENGTH` characters, as the search box's
`maxlength` promises. Scoping is not a filter: the view hands the filterset a queryset already
limited by accounts.scoping, so an id outside the user's scope simply matches nothing.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

SEARCH_LENGTH = 100


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(django_filters.Filter):
    """A primary key picked from a list: a positive whole number that fits a BigAutoField."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class SearchField(forms.CharField):
    def to_python(self, value):
        return super().to_python(value)[:SEARCH_LENGTH].strip()


@extend_schema_field(OpenApiTypes.STR)
class SearchFilter(django_filters.Filter):
    """The list's free-text box, matched against several lookups at once (any may match)."""

    field_class = SearchField

    def __init__(self, *, lookups: tuple[str, ...], upper: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.lookups = lookups
        self.upper = upper  # lookups matched against the term in capitals (credit codes)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        terms = [Q(**{lookup: value}) for lookup in self.lookups]
        terms += [Q(**{lookup: value.upper()}) for lookup in self.upper]
        return qs.filter(reduce(or_, terms))


class ListFilterSet(django_filters.FilterSet):
    """A list's filters with the list's order; `values()` is what the filter form shows."""

    order_by: tuple[str, ...] = ()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = super().filter_queryset(queryset)
        return qs.order_by(*self.order_by) if self.order_by else qs

    def values(self) -> dict:
        """Each filter's applied value by its parameter name; None or "" when it is absent or
        was dropped, so the form shows exactly what the list applied."""
        self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        return {name: cleaned.get(name) for name in self.filters}
