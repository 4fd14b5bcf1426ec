"""The filters of the opportunity lists: inside (every version's state) and on the portal
(published versions only, with the Chinese word search of core.textsearch)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import IdFilter, ListFilterSet, SearchField, SearchFilter
from core.textsearch import search

from .choices import VersionStatus
from .models import Field, Kind


class OpportunityFilter(ListFilterSet):
    unit = IdFilter(field_name="unit_id")
    status = django_filters.ChoiceFilter(choices=VersionStatus.choices, method="in_status")
    field = django_filters.ModelChoiceFilter(
        queryset=Field.objects.all(), to_field_name="code", method="in_field"
    )
    q = SearchFilter(lookups=("versions__title__icontains", "versions__sought__icontains"))
    order_by = ("-created_at", "-pk")

    def in_status(self, qs: QuerySet, _name: str, value: str) -> QuerySet:
        return qs.filter(latest_status=value)

    def in_field(self, qs: QuerySet, _name: str, value: Field) -> QuerySet:
        return qs.filter(versions__field=value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).distinct()


class WordSearchFilter(django_filters.Filter):
    """The portal's search box: whole Chinese words, the same on SQLite and PostgreSQL."""

    field_class = SearchField

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return search(qs, value) if value else qs


class PublicFilter(ListFilterSet):
    """The portal's filters over published versions."""

    OPEN, CLOSED = "open", "closed"

    zone = IdFilter(field_name="opportunity__unit_id")
    district = IdFilter(method="in_district")
    field = django_filters.ModelChoiceFilter(queryset=Field.objects.all(), to_field_name="code")
    kind = django_filters.ModelChoiceFilter(queryset=Kind.objects.all(), to_field_name="code")
    state = django_filters.ChoiceFilter(
        choices=((OPEN, _("Open")), (CLOSED, _("Closed"))), method="in_state"
    )
    q = WordSearchFilter()
    order_by = ("-published_at", "-pk")

    def in_district(self, qs: QuerySet, _name: str, value: int) -> QuerySet:
        from territory.models import Unit

        district = Unit.objects.filter(pk=value).first()
        if district is None:
            return qs.none()
        return qs.filter(opportunity__unit__path__startswith=district.path)

    def in_state(self, qs: QuerySet, _name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == self.OPEN:
            return qs.filter(deadline__gte=today)
        return qs.filter(deadline__lt=today)
