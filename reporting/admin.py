from django.contrib import admin

from .models import DataSet, Event, Submission, ValidationRule


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 1


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    """Data sets and their rules are defined by the city's administrators."""

    inlines = [ValidationRuleInline]
    list_display = ["code", "name", "period_type", "due_days", "lock_days"]
    filter_horizontal = ["indicators", "units"]
    search_fields = ["code", "name"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only here: a submission changes only through reporting.services (the chain)."""

    list_display = ["data_set", "unit", "period_end", "state", "unlock_requested"]
    list_filter = ["state", "data_set"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["submission", "step", "from_state", "to_state", "user", "at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
