from django.contrib import admin

from core.admin import RecordAdmin

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
class RunAdmin(RecordAdmin):
    """Read-only: a run is frozen. One may be deleted (e.g. a test run, or one left 'running' by
    a restart)."""

    deletable = True
    list_display = ["year", "pk", "status", "created_at", "published_at", "is_demo"]
    list_filter = ["status", "year"]
    exclude = ["inputs", "outputs"]


@admin.register(Consequence)
class ConsequenceAdmin(RecordAdmin):
    """Decided on the run's page, where who and when are recorded."""

    list_display = ["run", "unit", "kind", "decision", "decided_by", "decided_at"]
    list_filter = ["kind", "decision"]
