"""The API of the yearly assessment (read only): /api/v1/assessment_schemes/ (what counts, with
which weights and goalposts, and the grades), /api/v1/assessment_runs/ (each frozen run), and a
run's results and consequences (/assessment_runs/{id}/results/, …/consequences/), limited to the
zones the user sees as its pages are (accounts.scoping). Starting, publishing and deciding stay
on the pages, where the city's administrators do them."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import restrict

from .models import Consequence, GradeBand, Run, Scheme, SchemeNode, ZoneResult


class NodeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = SchemeNode
        fields = [
            "code", "name", "name_en", "parent", "order", "weight", "direction", "low",
            "high", "missing", "source", "reason",
        ]  # fmt: skip
        read_only_fields = fields


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeBand
        fields = ["order", "name", "min_score", "max_share"]
        read_only_fields = fields


class SchemeSerializer(serializers.ModelSerializer):
    stages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    ecosystems = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    nodes = NodeSerializer(many=True, read_only=True)
    grades = GradeSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = [
            "code", "name", "name_en", "stages", "ecosystems", "normalisation", "aggregation",
            "weighting", "winsorise", "source", "nodes", "grades",
        ]  # fmt: skip
        read_only_fields = fields


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """The schemes in force: which zones each applies to (stages × ecosystems; none: all), its
    dimensions and indicators (`parent` names a node's dimension) and its grades."""

    serializer_class = SchemeSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_.-]{1,64}"

    def get_queryset(self):
        return Scheme.objects.prefetch_related(
            "stages", "ecosystems", "grades", "nodes__parent"
        ).order_by("pk")


class RunSerializer(serializers.ModelSerializer):
    started_by = serializers.CharField(source="started_by.username", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Run
        fields = [
            "id", "year", "status", "status_label", "message", "samples", "digest",
            "started_by", "created_at", "finished_at", "published_at", "is_demo",
        ]  # fmt: skip
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    detail = serializers.SerializerMethodField()

    class Meta:
        model = ZoneResult
        fields = [
            "unit", "unit_name", "scheme_code", "score", "rank", "scheme_rank", "grade",
            "rank_low", "rank_high", "robust", "detail",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_detail(self, result) -> dict:
        """Dimension scores, grade probabilities and the values the run froze for the zone."""
        return result.detail


class ConsequenceSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = Consequence
        fields = [
            "id", "unit", "unit_name", "kind", "kind_label", "basis", "fragile", "decision",
            "comment", "decided_by", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessment runs, each frozen with its inputs (`digest` fingerprints them), newest last
    in the order they were started. A run's results and consequences hold only the zones the
    user sees."""

    serializer_class = RunSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return Run.objects.select_related("started_by").order_by("pk")

    @extend_schema(responses=ResultSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=ResultSerializer, pagination_class=None)
    def results(self, request, pk=None):
        """Each zone's score, ranks (in the city and in its scheme, with the 5–95 % interval of
        the Monte Carlo), grade and whether the grade is robust; ranked first to last."""
        run = self.get_object()
        rows = restrict(run.results.select_related("unit"), request.user).order_by(
            "rank", "unit__code"
        )
        return Response(ResultSerializer(rows, many=True).data)

    @extend_schema(responses=ConsequenceSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        serializer_class=ConsequenceSerializer,
        pagination_class=None,
    )
    def consequences(self, request, pk=None):
        """What each grade brings (reward, urged to improve, adjustment), with its basis and
        the city's decision on it."""
        run = self.get_object()
        rows = restrict(
            run.consequences.select_related("unit", "decided_by"), request.user, via="unit"
        ).order_by("unit__code", "pk")
        return Response(ConsequenceSerializer(rows, many=True).data)


ROUTES = [
    ("assessment_schemes", SchemeViewSet, "api-assessment-scheme"),
    ("assessment_runs", RunViewSet, "api-assessment-run"),
]
