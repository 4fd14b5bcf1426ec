from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Every job with its error and, for the administrators, the traceback."""

    list_display = ("created_at", "kind", "status", "progress", "attempt", "started_by", "worker")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]
    search_fields = ("id", "error", "started_by__username")

    def has_add_permission(self, request) -> bool:
        return False
