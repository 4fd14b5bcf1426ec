"""Reads of the unit tree. Callers pass a queryset already limited by accounts.scoping."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .choices import UnitKind
from .models import Unit


def zones(
    units: QuerySet[Unit],
    *,
    district: Unit | None = None,
    ecosystem_id: int | None = None,
    stage_id: int | None = None,
    search: str = "",
) -> QuerySet[Unit]:
    """Zones among `units`, filtered as the zone list offers. A zone counts for a district
    when the district is its primary district or one of the further districts it spans."""
    qs = units.filter(kind=UnitKind.ZONE)
    if district is not None:
        qs = qs.filter(Q(parent=district) | Q(extra_districts=district))
    if ecosystem_id:
        qs = qs.filter(ecosystems__id=ecosystem_id)
    if stage_id:
        qs = qs.filter(stage_id=stage_id)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(name_en__icontains=search) | Q(code__iexact=search)
        )
    return (
        qs.select_related("parent", "stage")
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
