"""The API of enterprises and investment projects (/api/v1/enterprises/,
/investment_projects/). Enterprises are shared: every role reads them all, the zone that keeps
one changes it (investment.views.EnterprisePages.scope). Investment is in yuan."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api import ScopedCode, ScopedKey
from carriers.choices import CarrierKind
from carriers.models import Carrier
from core.api import RegistrySerializer, RegistryViewSet
from core.quantities import INVESTMENT_MAX_YUAN
from territory.choices import UnitKind
from territory.models import Unit

from .choices import Stage
from .forms import EnterpriseForm, ProjectForm
from .models import Enterprise, InvestmentProject
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


ROUTES = [
    ("enterprises", EnterpriseViewSet, "api-enterprise"),
    ("investment_projects", ProjectViewSet, "api-project"),
]
