"""Binds the registry pages of core to scoping: rows are reached through a field path to the
unit they belong to (e.g. "zone", or "carrier__zone" for a tech platform)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.registry_pages import RegistryPages
from territory.choices import UnitKind

from .choices import Action
from .scoping import restrict, visible_units


class ScopedRegistryPages(RegistryPages):
    via = "zone"
    holder_kinds: tuple[str, ...] = (UnitKind.ZONE,)  # the kinds of unit its rows stand in

    def scope(self, qs: QuerySet, user, action: str) -> QuerySet:
        return restrict(qs, user, action, via=self.via)

    def can_write(self, user) -> bool:
        return self.writable_zones(user).exists()

    def writable_zones(self, user) -> QuerySet:
        return (
            visible_units(user, Action.CHANGE)
            .filter(kind__in=self.holder_kinds)
            .order_by("kind", "order", "code")
        )

    def template_lists(self, user) -> dict[str, list[str]]:
        return {"zone": list(self.writable_zones(user).values_list("name", flat=True))}
