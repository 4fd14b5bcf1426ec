from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Milestone, Plan, Section, Target


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "year", "starts_on", "ends_on"]
    inlines = [SectionInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "measure"]
    list_filter = ["kind", "measure"]
    search_fields = ["name", "name_en", "code"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "code",
        "unit",
        "comparator",
        "value",
        "display_unit",
        "deadline",
        "strength",
    ]
    list_filter = ["plan", "section", "strength", "indicator"]
    search_fields = ["title", "title_en", "code", "clause"]
    autocomplete_fields = ["unit", "parent"]
    inlines = [MilestoneInline]
