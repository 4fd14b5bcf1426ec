from django.contrib import admin

from .models import Consequence, GradeBand, Run, Scheme, SchemeNode


class SchemeNodeInline(admin.TabularInline):
    model = SchemeNode
    extra = 0
    fields = [
        "order",
        "code",
        "name",
        "parent",
        "weight",
        "direction",
        "low",
        "high",
        "missing",
        "source",
    ]


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    """Schemes are usually loaded from a file (manage.py load_scheme), which checks them whole;
    edits here are checked again when a run starts."""

    inlines = [SchemeNodeInline, GradeBandInline]
    list_display = ["code", "name", "normalisation", "aggregation"]
    filter_horizontal = ["stages", "ecosystems"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    """Read-only: a run is frozen. One may be deleted (e.g. a test run, or one left 'running' by
    a restart)."""

    list_display = ["year", "pk", "status", "progress", "created_at", "published_at", "is_demo"]
    list_filter = ["status", "year"]
    exclude = ["inputs", "outputs"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consequence)
class ConsequenceAdmin(admin.ModelAdmin):
    """Decided on the run's page, where who and when are recorded."""

    list_display = ["run", "unit", "kind", "decision", "decided_by", "decided_at"]
    list_filter = ["kind", "decision"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
