from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Carrier, TechPlatform


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
