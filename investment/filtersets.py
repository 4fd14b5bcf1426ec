"""The filters of the enterprise and investment-project lists (core.filtersets)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import IdFilter, ListFilterSet, SearchFilter

from .choices import STAGE_DATES, ConflictBasis, ConflictStatus, Stage, Tier, WarningLevel
from .registry import KIND_FIELDS

HIGH_TIER = "high"  # the three tiers the plan's 270+ high-tier projects count


class EnterpriseFilter(ListFilterSet):
    zone = IdFilter(field_name="zone_id")
    kind = django_filters.ChoiceFilter(
        choices=[(field, field) for field in KIND_FIELDS], method="of_kind"
    )
    q = SearchFilter(lookups=("name__icontains",), upper=("credit_code__iexact",))
    order_by = ("name",)

    def of_kind(self, qs: QuerySet, _name: str, value: str) -> QuerySet:
        return qs.filter(**{value: True})


class ProjectFilter(ListFilterSet):
    zone = IdFilter(field_name="zone_id")
    tier = django_filters.ChoiceFilter(
        choices=[*Tier.choices, (HIGH_TIER, _("High-tier (counts toward the plan)"))],
        method="of_tier",
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="at_stage")
    warning = django_filters.ChoiceFilter(choices=WarningLevel.choices, method="of_warning")
    q = SearchFilter(lookups=("name__icontains", "enterprise__name__icontains", "chain__icontains"))
    order_by = ("zone__order", "zone__code", "name")

    def of_tier(self, qs: QuerySet, _name: str, value: str) -> QuerySet:
        if value == HIGH_TIER:
            from .measures import current_high_tier_q

            return qs.filter(current_high_tier_q())
        return qs.filter(tier=value)

    def of_warning(self, qs: QuerySet, _name: str, value: str) -> QuerySet:
        """Red, yellow or green today, by the warning rules in force (investment.selectors)."""
        from .selectors import of_level

        return of_level(qs, value)

    def at_stage(self, qs: QuerySet, _name: str, value: str) -> QuerySet:
        """At a stage today: its date is reached and no later stage's date is."""
        today = timezone.localdate()
        stages = [stage for stage, _field in STAGE_DATES]
        fields = [field for _stage, field in STAGE_DATES]
        index = stages.index(value)
        qs = qs.filter(**{f"{fields[index]}__lte": today})
        for later in fields[index + 1 :]:
            qs = qs.filter(Q(**{f"{later}__isnull": True}) | Q(**{f"{later}__gt": today}))
        return qs


class ConflictFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=ConflictStatus.choices)
    basis = django_filters.ChoiceFilter(choices=ConflictBasis.choices)
    zone = IdFilter(method="in_zone")
    q = SearchFilter(
        lookups=(
            "members__project__name__icontains",
            "members__project__enterprise__name__icontains",
        ),
        upper=("members__project__enterprise__credit_code__iexact",),
    )
    order_by = ("-found_at", "-pk")

    def in_zone(self, qs: QuerySet, _name: str, value: int) -> QuerySet:
        return qs.filter(members__project__zone_id=value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).distinct()
