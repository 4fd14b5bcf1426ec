"""The API of the opportunity lists (/api/v1/opportunities/, /api/v1/scenarios/): what the
pages inside show, for the units the user sees, every version with its state. Read only:
drafting, the review and publication are done on the pages, where each step is a decision
someone signs. Answers (揭榜) hold personal data and are not in the API. Money is in yuan and
area in m², as exact decimals in strings."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from core.api_formats import SignedCursorPagination

from .choices import ReviewLevel
from .filtersets import OpportunityFilter
from .models import Opportunity, Scenario, Version
from .selectors import opportunities_for, scenarios_for


class VersionSerializer(serializers.ModelSerializer):
    # Empty unless the version is in review: the schema says "" is a value (the fuzzer's find).
    awaiting = serializers.ChoiceField(
        choices=ReviewLevel.choices,
        allow_blank=True,
        read_only=True,
        help_text="The review level it awaits while in review; empty otherwise.",
    )
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    amount_yuan = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=True, read_only=True, allow_null=True
    )
    area_m2 = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, allow_null=True
    )

    class Meta:
        model = Version
        fields = [
            "number", "status", "awaiting", "title", "kind", "field", "scenario",
            "description", "sought", "amount_yuan", "area_m2", "count", "deadline",
            "contact_role", "contact_phone", "phone_public", "created_at", "published_at",
        ]  # fmt: skip
        read_only_fields = fields


class OpportunitySerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    published_version = serializers.SerializerMethodField(
        help_text="The number of the version the public sees; null when none is published."
    )
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id", "unit", "published_version", "created_at", "withdrawn_at", "is_demo",
            "versions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_published_version(self, opportunity) -> int | None:
        published = opportunity.published
        return published.number if published else None


class OpportunityViewSet(viewsets.ReadOnlyModelViewSet):
    """Opportunities of the units the user sees, each with all its versions, newest first
    (docs/portal.md). Filters: unit (id), status (of the latest version), field (code), q."""

    serializer_class = OpportunitySerializer
    pagination_class = SignedCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = OpportunityFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        versions = Version.objects.select_related("kind", "field").order_by("-number")
        return (
            opportunities_for(self.request.user)
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("pk")
        )


class ScenarioSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprises = serializers.SlugRelatedField(slug_field="credit_code", many=True, read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "id", "zone", "name", "name_en", "field", "status", "description", "projects",
            "enterprises", "published_at", "is_demo",
        ]  # fmt: skip
        read_only_fields = fields


class ScenarioViewSet(viewsets.ReadOnlyModelViewSet):
    """Scenario IPs (场景IP) of the zones the user sees, with the projects (ids) and
    enterprises (credit codes) taking part; `published_at` is null until the city publishes."""

    serializer_class = ScenarioSerializer
    pagination_class = SignedCursorPagination
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return (
            scenarios_for(self.request.user)
            .prefetch_related("projects", "enterprises")
            .order_by("pk")
        )


ROUTES = [
    ("opportunities", OpportunityViewSet, "api-opportunity"),
    ("scenarios", ScenarioViewSet, "api-scenario"),
]
