"""The API of enterprises and investment projects (/api/v1/enterprises/,
/investment_projects/). Enterprises are shared: every role reads them all, the zone that keeps
one changes it (investment.views.EnterprisePages.scope). Investment is in yuan."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from accounts.api import ScopedCode, ScopedKey
from carriers.choices import CarrierKind
from carriers.models import Carrier
from core.api import RegistrySerializer, RegistryViewSet
from core.api_formats import SignedCursorPagination
from core.quantities import INVESTMENT_MAX_YUAN
from territory.choices import UnitKind
from territory.models import Unit

from .choices import Stage
from .filtersets import ConflictFilter
from .forms import EnterpriseForm, ProjectForm
from .models import Conflict, ConflictMember, Enterprise, InvestmentProject
from .selectors import conflicts_for
from .views import ENTERPRISE_PAGES, PROJECT_PAGES


class EnterpriseSerializer(RegistrySerializer):
    zone = ScopedCode(
        queryset=Unit.objects.filter(kind=UnitKind.ZONE), required=False, allow_null=True
    )
    carrier = ScopedKey(
        queryset=Carrier.objects.filter(kind=CarrierKind.SCITECH_SPACE),
        via="zone",
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Enterprise
        fields = ["id", *EnterpriseForm.Meta.fields, "is_demo"]
        read_only_fields = ["id", "is_demo"]


class ProjectSerializer(RegistrySerializer):
    zone = ScopedCode(queryset=Unit.objects.filter(kind=UnitKind.ZONE))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    stage = serializers.ChoiceField(
        Stage.choices, read_only=True, allow_null=True, help_text="The stage reached today."
    )

    class Meta:
        model = InvestmentProject
        fields = ["id", *ProjectForm.Meta.fields, "zone_name", "stage", "is_demo"]
        read_only_fields = ["id", "is_demo"]
        extra_kwargs = {"investment_yuan": {"min_value": 0, "max_value": INVESTMENT_MAX_YUAN}}


class EnterpriseViewSet(RegistryViewSet):
    """Enterprises (企业) by unified social credit code."""

    pages = ENTERPRISE_PAGES
    serializer_class = EnterpriseSerializer


class ProjectViewSet(RegistryViewSet):
    """Investment projects (招商引资项目), their tier and the stage their dates give."""

    pages = PROJECT_PAGES
    serializer_class = ProjectSerializer


class ConflictMemberSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    zone = serializers.CharField(source="project.zone.code", read_only=True)
    enterprise = serializers.CharField(
        source="project.enterprise.credit_code", read_only=True, allow_null=True, default=None
    )
    enterprise_name = serializers.CharField(
        source="project.enterprise.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ConflictMember
        fields = ["project", "project_name", "zone", "enterprise", "enterprise_name", "share"]
        read_only_fields = fields


class ConflictSerializer(serializers.ModelSerializer):
    holder_zone = serializers.CharField(
        source="holder_zone.code", read_only=True, allow_null=True, default=None
    )
    zone_shares = serializers.SerializerMethodField(
        help_text="A joint attraction's shares by zone code, as exact decimals adding up to 1."
    )
    members = ConflictMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Conflict
        fields = [
            "id",
            "basis",
            "status",
            "similarity",
            "holder_zone",
            "zone_shares",
            "found_at",
            "decided_at",
            "note",
            "members",
        ]
        read_only_fields = fields

    def get_zone_shares(self, conflict) -> dict[str, str]:
        codes = {m.project.zone_id: m.project.zone.code for m in conflict.members.all()}
        return {
            codes.get(int(zone), str(zone)): str(share)
            for zone, share in (conflict.zone_shares or {}).items()
        }


class ConflictViewSet(viewsets.ReadOnlyModelViewSet):
    """Attraction conflicts (招商冲突) the user sees: projects of two or more zones pursuing one
    enterprise, with the holder or the shares the city decided (docs/conflicts.md). Filters:
    status, basis, zone (id), q. Decisions are made on the conflict's page."""

    serializer_class = ConflictSerializer
    pagination_class = SignedCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ConflictFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return (
            conflicts_for(self.request.user)
            .select_related("holder_zone")
            .prefetch_related("members__project__zone", "members__project__enterprise")
            .order_by("pk")
        )


ROUTES = [
    ("enterprises", EnterpriseViewSet, "api-enterprise"),
    ("investment_projects", ProjectViewSet, "api-project"),
    ("conflicts", ConflictViewSet, "api-conflict"),
]
