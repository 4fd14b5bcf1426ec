"""Reads of opportunity lists: what a user sees inside, what awaits their review, and what the
public sees (only published versions)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, QuerySet, Subquery

from accounts.choices import Role
from accounts.scoping import is_city_admin, memberships, restrict
from core.textsearch import search

from .choices import ReviewLevel, VersionStatus
from .models import Field, Opportunity, Version


def opportunities_for(user) -> QuerySet[Opportunity]:
    """The opportunities of the units the user sees, each with its latest version's number."""
    latest = Version.objects.filter(opportunity=OuterRef("pk")).order_by("-number")
    return (
        restrict(Opportunity.objects.all(), user, via="unit")
        .select_related("unit", "published")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_title=Subquery(latest.values("title")[:1]),
            latest_awaiting=Subquery(latest.values("awaiting")[:1]),
        )
    )


def awaiting_review(user) -> QuerySet[Version]:
    """Versions in review at a level the user acts at: a district officer's, those of zones
    under their district awaiting the district; a city administrator's, every one in review."""
    pending = Version.objects.filter(status=VersionStatus.IN_REVIEW).select_related(
        "opportunity__unit", "field", "kind"
    )
    if is_city_admin(user) or user.is_superuser:
        return pending.order_by("created_at", "pk")
    districts = [path for role, path in memberships(user) if role == Role.DISTRICT_OFFICER]
    if not districts:
        return pending.none()
    return restrict(
        pending.filter(awaiting=ReviewLevel.DISTRICT), user, via="opportunity__unit"
    ).order_by("created_at", "pk")


def published(day: dt.date | None = None) -> QuerySet[Version]:
    """The versions the public sees: each opportunity's published one (open or past its
    deadline; `day` keeps only those still open on it)."""
    versions = Version.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "opportunity__unit__parent", "field", "kind"
    )
    if day is not None:
        versions = versions.filter(deadline__gte=day)
    return versions


def public_search(versions: QuerySet[Version], query: str) -> QuerySet[Version]:
    return search(versions, query)


def counts_by_field() -> list[tuple[Field, int]]:
    """Each field with its published opportunities, in the fields' order."""
    counts = dict(
        published().values("field_id").annotate(n=Count("pk")).values_list("field_id", "n")
    )
    return [(field, counts[field.pk]) for field in Field.objects.all() if field.pk in counts]


def counts_by_unit(day: dt.date, limit: int = 15) -> list[tuple[object, int]]:
    """The issuing units with the most opportunities open on `day`, most first, with their
    counts (for the big screen)."""
    from territory.models import Unit

    rows = list(
        published(day)
        .values("opportunity__unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "opportunity__unit_id")
        .values_list("opportunity__unit_id", "n")[:limit]
    )
    units = Unit.objects.in_bulk([pk for pk, _n in rows])
    return [(units[pk], n) for pk, n in rows]


def scenarios_for(user) -> QuerySet:
    """The scenario IPs of the zones the user sees."""
    from .models import Scenario

    return restrict(Scenario.objects.all(), user, via="zone").select_related("zone", "field")


def published_scenarios() -> QuerySet:
    """The scenario IPs the public sees: those the city has published."""
    from .models import Scenario

    return Scenario.objects.filter(published_at__isnull=False).select_related(
        "zone__parent", "field"
    )
