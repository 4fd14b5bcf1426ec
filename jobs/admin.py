from django.contrib import admin

from .models import Job, PeriodicRun


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Every job with its error and, for the administrators, the traceback."""

    list_display = ("created_at", "kind", "status", "progress", "attempt", "started_by", "worker")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]
    search_fields = ("id", "error", "started_by__username")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    """The slots of periodic work the workers started, each with its job."""

    list_display = ("slot", "name", "job")
    list_filter = ("name",)
    readonly_fields = ("name", "slot", "job", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
