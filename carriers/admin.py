from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Carrier,
    ScheduleStep,
    ScheduleTemplate,
    ServiceCategory,
    ServiceItem,
    ServiceProject,
    TechPlatform,
)


@admin.register(Carrier)
class CarrierAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "zone",
        "kind",
        "floor_area_m2",
        "actual_start",
        "actual_completion",
        "is_demo",
    ]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "developer", "address"]
    autocomplete_fields = ["zone"]


@admin.register(TechPlatform)
class TechPlatformAdmin(SimpleHistoryAdmin):
    list_display = ["name", "carrier", "kind", "operator", "opened_on"]
    list_filter = ["kind"]
    search_fields = ["name", "operator"]
    autocomplete_fields = ["carrier"]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_demo", "source"]
    search_fields = ["name", "code"]


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "code", "order", "is_demo"]
    list_filter = ["category", "is_demo"]
    search_fields = ["name", "code"]


@admin.register(ServiceProject)
class ServiceProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "zone", "item", "actual_start", "actual_completion", "is_demo"]
    list_filter = ["item__category", "is_demo"]
    search_fields = ["name", "developer"]
    autocomplete_fields = ["zone"]


class ScheduleStepInline(admin.TabularInline):
    model = ScheduleStep
    extra = 1
    fk_name = "template"


@admin.register(ScheduleTemplate)
class ScheduleTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_demo"]
    inlines = [ScheduleStepInline]
