from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Action
from accounts.scoping import visible_units
from core.fields import QuantityField
from core.quantities import FLOOR_AREA_MAX_M2, INVESTMENT_MAX_YUAN
from territory.choices import UnitKind

from .choices import HOLDER_KINDS, CarrierKind
from .models import Carrier, ServiceItem, ServiceProject, TechPlatform
from .services import (
    carrier_problems,
    normalise_rate,
    platform_problems,
    service_project_problems,
)


class CarrierForm(forms.ModelForm):
    # In the plan's unit (万平方米), read like a spreadsheet cell: 12.5, 5.2万, 52,000平方米.
    floor_area_m2 = QuantityField("万平方米", max_base=FLOOR_AREA_MAX_M2, label=_("Floor area"))
    # Officers write 85 for 85%; the model keeps 0.85. Accept both here, normalise in clean().
    occupancy_rate = forms.DecimalField(
        label=_("occupancy rate"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=4,
        help_text=_("For completed carriers only: 0.85 or 85 for 85%."),
    )

    class Meta:
        model = Carrier
        fields = [
            "zone",
            "kind",
            "name",
            "floor_area_m2",
            "developer",
            "address",
            "longitude",
            "latitude",
            "planned_start",
            "actual_start",
            "planned_completion",
            "actual_completion",
            "occupancy_rate",
            "note",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in ("planned_start", "actual_start", "planned_completion", "actual_completion")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = (
            visible_units(user, Action.CHANGE)
            .filter(kind__in=HOLDER_KINDS)
            .order_by("kind", "order", "code")
        )
        self.fields["zone"].label = _("Zone or development unit")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if "occupancy_rate" in data:
            data["occupancy_rate"] = normalise_rate(data["occupancy_rate"])
        for key, message in carrier_problems(data):
            if key in self.fields and key not in self.errors:
                self.add_error(key, message)
        return data


class PlatformForm(forms.ModelForm):
    class Meta:
        model = TechPlatform
        fields = ["carrier", "kind", "name", "operator", "opened_on", "note"]
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        zones = visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE)
        self.fields["carrier"].queryset = (
            Carrier.objects.filter(zone__in=zones, kind=CarrierKind.SCITECH_SPACE)
            .select_related("zone")
            .order_by("zone__order", "name")
        )
        self.fields["carrier"].label_from_instance = lambda c: f"{c.zone.name} · {c.name}"
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        for key, message in platform_problems(data):
            self.add_error(key if key in self.fields else None, message)
        return data


class ServiceProjectForm(forms.ModelForm):
    investment_yuan = QuantityField(
        "万元", max_base=INVESTMENT_MAX_YUAN, required=False, label=_("Investment")
    )

    class Meta:
        model = ServiceProject
        fields = [
            "zone",
            "item",
            "name",
            "investment_yuan",
            "developer",
            "planned_start",
            "actual_start",
            "planned_completion",
            "actual_completion",
            "note",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in ("planned_start", "actual_start", "planned_completion", "actual_completion")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = (
            visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE).order_by("order", "code")
        )
        self.fields["item"].queryset = ServiceItem.objects.select_related("category")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        for key, message in service_project_problems(data):
            if key in self.fields and key not in self.errors:
                self.add_error(key, message)
        return data
