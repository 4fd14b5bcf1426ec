"""The API of units: /api/v1/units/?day=YYYY-MM-DD, the units the user sees with the tree as it
stood on that day (territory.history.Tree: a zone moved later still shows its old parent for
an earlier day)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets

from accounts.scoping import visible_units
from core.api import day_param

from .choices import UnitKind
from .history import Tree
from .models import Unit


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    name_on_day = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id", "code", "kind", "name", "name_en", "name_on_day", "parent",
            "valid_from", "valid_to", "in_force",
        ]  # fmt: skip
        read_only_fields = fields

    def _tree(self) -> Tree:
        return self.context["tree"]

    def get_parent(self, unit) -> str | None:
        parent = self._tree().parent(unit.pk)
        return self.context["codes"].get(parent) if parent else None

    def get_name_on_day(self, unit) -> str:
        return self._tree().name(unit.pk)

    def get_in_force(self, unit) -> bool:
        return self._tree().exists(unit.pk)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the user sees: the city, districts, zones, development units and partners."""

    serializer_class = UnitSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_.-]{1,64}"

    def get_queryset(self):
        units = visible_units(self.request.user).order_by("pk")
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in UnitKind.values:
                raise exceptions.ValidationError(
                    {
                        "kind": [
                            _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(UnitKind.values)}
                        ]
                    }
                )
            units = units.filter(kind=kind)
        return units

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["tree"] = Tree.on(day_param(self.request, default=timezone.localdate()))
        context["codes"] = dict(Unit.objects.values_list("pk", "code"))
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "day", OpenApiTypes.DATE, description="the tree as on this day (today)"
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(UnitKind.values)),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("day", OpenApiTypes.DATE)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


ROUTES = [("units", UnitViewSet, "api-unit")]
