"""The API of carriers, tech platforms and public service projects (/api/v1/carriers/,
/platforms/, /service_projects/): their pages' scoping, filters and save services
(core.api.RegistryViewSet). Quantities are in base units: m², yuan, and occupancy as a
fraction from 0 to 1."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api import ScopedCode, ScopedKey
from core.api import RegistrySerializer, RegistryViewSet
from core.quantities import FLOOR_AREA_MAX_M2, INVESTMENT_MAX_YUAN
from territory.choices import UnitKind
from territory.models import Unit

from .choices import HOLDER_KINDS, CarrierKind
from .forms import CarrierForm, PlatformForm, ServiceProjectForm
from .models import Carrier, ServiceItem, ServiceProject, TechPlatform
from .status import Status
from .views import PAGES, PLATFORM_PAGES, SERVICE_PAGES


class _Status(serializers.ChoiceField):
    """The status today, derived from the dates (never stored)."""

    def __init__(self, **kwargs):
        super().__init__(Status.choices, read_only=True, **kwargs)


class CarrierSerializer(RegistrySerializer):
    zone = ScopedCode(queryset=Unit.objects.filter(kind__in=HOLDER_KINDS))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    status = _Status()

    class Meta:
        model = Carrier
        fields = ["id", *CarrierForm.Meta.fields, "zone_name", "status", "is_demo", "updated_at"]
        read_only_fields = ["id", "is_demo", "updated_at"]
        extra_kwargs = {
            "floor_area_m2": {"max_value": FLOOR_AREA_MAX_M2},
            "occupancy_rate": {"min_value": 0, "max_value": 1},
        }


class PlatformSerializer(RegistrySerializer):
    carrier = ScopedKey(queryset=Carrier.objects.filter(kind=CarrierKind.SCITECH_SPACE), via="zone")
    carrier_name = serializers.CharField(source="carrier.name", read_only=True)
    zone = serializers.SlugRelatedField(source="carrier.zone", slug_field="code", read_only=True)

    class Meta:
        model = TechPlatform
        fields = ["id", *PlatformForm.Meta.fields, "carrier_name", "zone", "is_demo"]
        read_only_fields = ["id", "is_demo"]


class ServiceProjectSerializer(RegistrySerializer):
    zone = ScopedCode(queryset=Unit.objects.filter(kind=UnitKind.ZONE))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    item = serializers.SlugRelatedField(slug_field="code", queryset=ServiceItem.objects.all())
    status = _Status()

    class Meta:
        model = ServiceProject
        fields = ["id", *ServiceProjectForm.Meta.fields, "zone_name", "status", "is_demo"]
        read_only_fields = ["id", "is_demo"]
        extra_kwargs = {"investment_yuan": {"min_value": 0, "max_value": INVESTMENT_MAX_YUAN}}


class CarrierViewSet(RegistryViewSet):
    """Industrial carriers (产业载体): sci-tech spaces, standard factories, professional
    buildings and talent apartments, in the zones the user sees."""

    pages = PAGES
    serializer_class = CarrierSerializer
    list_related = ("zone",)


class PlatformViewSet(RegistryViewSet):
    """Public technology platforms (公共技术平台) in sci-tech spaces."""

    pages = PLATFORM_PAGES
    serializer_class = PlatformSerializer


class ServiceProjectViewSet(RegistryViewSet):
    """Public service projects (公共服务配套项目)."""

    pages = SERVICE_PAGES
    serializer_class = ServiceProjectSerializer
    list_related = ("zone", "item")


ROUTES = [
    ("carriers", CarrierViewSet, "api-carrier"),
    ("platforms", PlatformViewSet, "api-platform"),
    ("service_projects", ServiceProjectViewSet, "api-service-project"),
]
