from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AttractionTarget,
    Chain,
    ChainLink,
    ChainNode,
    NodeCarrier,
    NodeEnterprise,
    NodeProject,
)


@admin.register(Chain)
class ChainAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "ecosystem", "present_from", "strong_from", "is_demo"]
    list_filter = ["ecosystem", "is_demo"]
    search_fields = ["name", "code", "name_en"]


@admin.register(ChainNode)
class ChainNodeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "chain", "segment", "parent"]
    list_filter = ["chain", "segment"]
    search_fields = ["name", "code", "name_en"]
    autocomplete_fields = ["chain", "parent"]


@admin.register(ChainLink)
class ChainLinkAdmin(SimpleHistoryAdmin):
    list_display = ["source", "target", "kind"]
    list_filter = ["kind"]
    autocomplete_fields = ["source", "target"]


@admin.register(NodeEnterprise)
class NodeEnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "node", "is_leader", "is_demo"]
    list_filter = ["is_leader", "is_demo"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "node__name"]
    autocomplete_fields = ["node", "enterprise"]


@admin.register(NodeProject)
class NodeProjectAdmin(SimpleHistoryAdmin):
    list_display = ["project", "node", "is_demo"]
    search_fields = ["project__name", "node__name"]
    autocomplete_fields = ["node", "project"]


@admin.register(NodeCarrier)
class NodeCarrierAdmin(SimpleHistoryAdmin):
    list_display = ["carrier", "node", "is_demo"]
    search_fields = ["carrier__name", "node__name"]
    autocomplete_fields = ["node", "carrier"]


@admin.register(AttractionTarget)
class AttractionTargetAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise_name", "zone", "node", "follower", "due_on", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["enterprise_name", "credit_code", "reason", "follower"]
    autocomplete_fields = ["zone", "node", "project"]
