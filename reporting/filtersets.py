"""The filters of the submission list (core.filtersets): by data set and unit code, state and
period end. Scoping is not a filter: the list is already limited by accounts.scoping."""

from __future__ import annotations

import django_filters

from core.filtersets import ListFilterSet

from .choices import State


class SubmissionFilter(ListFilterSet):
    data_set = django_filters.CharFilter(field_name="data_set__code", max_length=64)
    unit = django_filters.CharFilter(field_name="unit__code", max_length=64)
    state = django_filters.ChoiceFilter(choices=State.choices)
    period_end = django_filters.DateFilter(field_name="period_end")
    period_end_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_to = django_filters.DateFilter(field_name="period_end", lookup_expr="lte")
    unlock_requested = django_filters.BooleanFilter()
    order_by = ("-period_end", "unit__code")
