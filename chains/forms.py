from django import forms

from accounts.choices import Action
from accounts.scoping import visible_units
from core.templatetags.zoneplan import localized
from investment.models import InvestmentProject
from territory.choices import UnitKind

from .models import AttractionTarget, ChainNode
from .services import target_problems


class TargetForm(forms.ModelForm):
    """A line of a zone's attraction list. The node is chosen from every chain (a zone may
    attract beyond its ecosystems); the project from the zones the user may change."""

    class Meta:
        model = AttractionTarget
        fields = [
            "zone",
            "node",
            "enterprise_name",
            "credit_code",
            "reason",
            "follower",
            "project",
            "next_step",
            "due_on",
            "note",
        ]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        zones = visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE)
        self.fields["zone"].queryset = zones.order_by("order", "code")
        self.fields["node"].queryset = ChainNode.objects.select_related("chain").order_by(
            "chain__order", "chain__code", "order", "code"
        )
        self.fields["node"].label_from_instance = lambda n: f"{localized(n.chain)} · {localized(n)}"
        self.fields["project"].queryset = (
            InvestmentProject.objects.filter(zone__in=zones)
            .select_related("zone")
            .order_by("zone__order", "name")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.zone.name} · {p.name}"
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        for key, message in target_problems(data):
            if key in self.fields and key not in self.errors:
                self.add_error(key, message)
        return data
