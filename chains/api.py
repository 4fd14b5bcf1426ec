"""The API of the attraction list (/api/v1/attraction_targets/): the zones' 招引清单, with the
same rules, rights and history as the pages. Nodes are named by id; `node_code` reads back
the node's `chain.node` code."""

from __future__ import annotations

from rest_framework import serializers

from accounts.api import ScopedCode, ScopedKey
from core.api import RegistrySerializer, RegistryViewSet
from investment.models import InvestmentProject
from territory.choices import UnitKind
from territory.models import Unit

from .forms import TargetForm
from .models import AttractionTarget, ChainNode
from .views import TARGET_PAGES


class TargetSerializer(RegistrySerializer):
    zone = ScopedCode(queryset=Unit.objects.filter(kind=UnitKind.ZONE))
    node = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all())
    node_code = serializers.CharField(source="node.qualified_code", read_only=True)
    project = ScopedKey(
        queryset=InvestmentProject.objects.all(), via="zone", required=False, allow_null=True
    )
    stage = serializers.CharField(
        source="stage_label", read_only=True, help_text="The project's stage today, in words."
    )

    class Meta:
        model = AttractionTarget
        fields = ["id", *TargetForm.Meta.fields, "node_code", "stage", "is_demo"]
        read_only_fields = ["id", "is_demo"]


class TargetViewSet(RegistryViewSet):
    """The zones' attraction lists (招引清单): an enterprise wanted on a chain node."""

    pages = TARGET_PAGES
    serializer_class = TargetSerializer
    list_related = ("zone", "node__chain", "project")


ROUTES = [("attraction_targets", TargetViewSet, "api-attraction-target")]
