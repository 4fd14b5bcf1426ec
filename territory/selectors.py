"""Reads of the unit tree. Callers pass a queryset already limited by accounts.scoping."""

from __future__ import annotations

from django.db.models import QuerySet

from .choices import UnitKind
from .models import Unit


def zones(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The zones among `units`, in the zone list's order (territory.filtersets.ZoneFilter
    narrows them)."""
    return (
        units.filter(kind=UnitKind.ZONE)
        .select_related("parent", "stage")
        .prefetch_related("ecosystems", "extra_districts")
        .distinct()
        .order_by("is_demo", "parent__order", "order", "code")
    )


def ancestors(unit: Unit) -> list[Unit]:
    """Root first, the unit itself excluded: one query by primary key."""
    ids = unit.ancestor_ids()[:-1]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def districts(units: QuerySet[Unit]) -> QuerySet[Unit]:
    return units.filter(kind=UnitKind.DISTRICT).order_by("order", "code")
