from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Belt, Ecosystem, IndustryGroup, Stage, Unit, UnitSuccession, UnitVersion
from .services import check_parent, save_unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "kind",
            "name",
            "name_en",
            "parent",
            "valid_from",
            "valid_to",
            "order",
            "is_central",
            "eastern_expansion",
            "extra_districts",
            "ecosystems",
            "industry_groups",
            "stage",
            "lead_industry",
            "source",
            "note",
            "is_demo",
        ]

    def clean(self):
        data = super().clean()
        kind, parent = data.get("kind"), data.get("parent")
        if kind:
            try:
                check_parent(kind=kind, parent=parent)
            except ValidationError as exc:
                self.add_error("parent", exc)
        if (
            parent
            and self.instance.pk
            and self.instance.path
            and parent.path.startswith(self.instance.path)
        ):
            self.add_error(
                "parent", _("A unit cannot be placed under itself or its own descendant.")
            )
        return data


class _ReadOnlyInline(admin.TabularInline):
    """Dated changes are stated in plan files (docs/plan-file-format.md), where they are
    checked; the admin shows them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UnitVersionInline(_ReadOnlyInline):
    model = UnitVersion
    fk_name = "unit"
    fields = ["valid_from", "parent", "kind", "name", "name_en"]


class UnitSuccessionInline(_ReadOnlyInline):
    model = UnitSuccession
    fk_name = "predecessor"
    fields = ["on", "kind", "successor", "primary"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    inlines = [UnitVersionInline, UnitSuccessionInline]
    form = UnitForm
    list_display = ["name", "code", "kind", "parent", "valid_from", "valid_to", "is_demo"]
    list_filter = ["kind", "is_demo", "is_central", "eastern_expansion", "ecosystems", "stage"]
    search_fields = ["name", "name_en", "code"]
    autocomplete_fields = ["parent", "extra_districts"]
    filter_horizontal = ["ecosystems", "industry_groups"]
    readonly_fields = ["path", "depth"]

    def save_model(self, request, obj, form, change):
        save_unit(obj)


@admin.register(Ecosystem, Stage)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_demo", "source"]
    list_filter = ["is_demo"]
    search_fields = ["name", "name_en", "code"]


@admin.register(IndustryGroup)
class IndustryGroupAdmin(ReferenceAdmin):
    list_display = ["name", "code", "category", "order"]


@admin.register(Belt)
class BeltAdmin(ReferenceAdmin):
    list_display = ["name", "code", "anchor_zone", "partner_city"]
    autocomplete_fields = ["anchor_zone", "partner_city"]
