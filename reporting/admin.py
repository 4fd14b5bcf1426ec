from django.contrib import admin

from core.admin import RecordAdmin

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
class SubmissionAdmin(RecordAdmin):
    """Read-only here: a submission changes only through reporting.services (the chain)."""

    list_display = ["data_set", "unit", "period_end", "state", "unlock_requested"]
    list_filter = ["state", "data_set"]


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["submission", "step", "from_state", "to_state", "user", "at"]
