from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CapitalArrival,
    Conflict,
    ConflictMember,
    Enterprise,
    InvestmentProject,
    StageChange,
    StageRequirement,
    WarningRule,
)


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "zone", "is_demo"]
    list_filter = [
        "is_rd_institution",
        "is_scitech",
        "is_unicorn",
        "is_new_economy",
        "is_fortune500",
        "is_demo",
    ]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["zone"]


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "zone", "enterprise", "tier", "signed_on", "is_demo"]
    list_filter = ["tier", "chain_action", "is_demo"]
    search_fields = ["name", "chain"]
    autocomplete_fields = ["zone", "enterprise"]


@admin.register(StageRequirement)
class StageRequirementAdmin(SimpleHistoryAdmin):
    """What each stage requires of a project (docs/pipeline.md); defaults hold without a row."""

    list_display = ["stage", "fields"]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["project", "stage", "on", "recorded_by", "recorded_at"]
    list_filter = ["stage"]
    search_fields = ["project__name"]
    autocomplete_fields = ["project"]


@admin.register(CapitalArrival)
class CapitalArrivalAdmin(SimpleHistoryAdmin):
    list_display = ["project", "on", "amount_yuan", "is_demo"]
    search_fields = ["project__name"]
    autocomplete_fields = ["project"]


@admin.register(WarningRule)
class WarningRuleAdmin(SimpleHistoryAdmin):
    """The rules that colour projects red or yellow (docs/pipeline.md); defaults hold while
    there is none."""

    list_display = ["kind", "days", "level", "is_active"]
    list_filter = ["kind", "level", "is_active"]


class ConflictMemberInline(admin.TabularInline):
    model = ConflictMember
    extra = 0
    readonly_fields = ["project", "share"]
    can_delete = False


@admin.register(Conflict)
class ConflictAdmin(SimpleHistoryAdmin):
    """Attraction conflicts (docs/conflicts.md): read here; the city decides on their pages,
    which keep the shares in step."""

    list_display = ["pk", "basis", "status", "holder_zone", "found_at", "decided_by"]
    list_filter = ["status", "basis"]
    readonly_fields = ["basis", "status", "holder_zone", "zone_shares", "similarity", "found_at"]
    inlines = [ConflictMemberInline]
