import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Action
from accounts.scoping import is_city_admin, visible_units
from core.fields import QuantityField
from core.quantities import INVESTMENT_MAX_YUAN
from territory.choices import UnitKind

from .creditcode import normalise
from .creditcode import problem as credit_code_problem
from .models import Enterprise, InvestmentProject
from .services import project_problems


def _style(form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        else:
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "zone",
            "is_rd_institution",
            "is_scitech",
            "is_unicorn",
            "is_new_economy",
            "is_fortune500",
            "carrier",
            "settled_on",
            "note",
        ]
        help_texts = {
            "credit_code": _("18 characters; the last is a check character (GB 32100-2015).")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = (
            visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE).order_by("order", "code")
        )
        # Only the city keeps enterprises outside every zone.
        self.fields["zone"].required = not is_city_admin(user)
        from carriers.models import Carrier

        self.fields["carrier"].queryset = (
            Carrier.objects.filter(
                kind="scitech_space", zone__in=visible_units(user, Action.CHANGE)
            )
            .select_related("zone")
            .order_by("zone__order", "name")
        )
        self.fields["carrier"].label_from_instance = lambda c: f"{c.zone.name} · {c.name}"
        _style(self)

    def clean(self):
        data = super().clean()
        carrier, zone = data.get("carrier"), data.get("zone")
        if carrier is not None and carrier.zone_id != getattr(zone, "pk", None):
            self.add_error("carrier", _("The sci-tech space must lie in the enterprise's zone."))
        return data

    def clean_credit_code(self):
        code = normalise(self.cleaned_data["credit_code"])
        message = credit_code_problem(code)
        if message:
            raise forms.ValidationError(message)
        return code


class ProjectForm(forms.ModelForm):
    investment_yuan = QuantityField(
        "亿元", max_base=INVESTMENT_MAX_YUAN, required=False, label=_("Investment")
    )

    class Meta:
        model = InvestmentProject
        fields = [
            "zone",
            "name",
            "enterprise",
            "tier",
            "chain_action",
            "chain",
            "investment_yuan",
            "lead_on",
            "negotiating_on",
            "signed_on",
            "started_on",
            "production_on",
            "contract_production_on",
            "longitude",
            "latitude",
            "note",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in fields
            if f.endswith("_on")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = (
            visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE).order_by("order", "code")
        )
        self.fields["enterprise"].queryset = Enterprise.objects.order_by("name")
        self.fields["enterprise"].label_from_instance = lambda e: f"{e.name}（{e.credit_code}）"
        _style(self)

    def clean(self):
        data = super().clean()
        for key, message in project_problems(data):
            if key in self.fields and key not in self.errors:
                self.add_error(key, message)
        return data


class StageForm(forms.Form):
    """Move a project on to a later stage (the stage log); what the stage requires is read
    from the project's record, which the edit page fills in."""

    stage = forms.ChoiceField(label=_("Stage"))
    on = forms.DateField(label=_("Reached on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import STAGE_DATES, Stage

        stages = [s for s, _f in STAGE_DATES]
        reached = project.stage_on(dt.date.max)
        later = stages[stages.index(reached) + 1 :] if reached else stages
        self.fields["stage"].choices = [(s, Stage(s).label) for s in later]
        _style(self)


class CapitalForm(forms.Form):
    on = forms.DateField(label=_("In place on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount_yuan = QuantityField("万元", max_base=INVESTMENT_MAX_YUAN, label=_("Amount"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ConflictDecisionForm(forms.Form):
    """The city's decision on a conflict; shares are per cent of the project, one per zone
    (investment.services.decide_conflict checks them)."""

    DECISIONS = [
        ("confirm", _("Confirm the zone of first contact")),
        ("reassign", _("Reassign to another zone")),
        ("joint", _("Joint attraction, with shares")),
        ("separate", _("Separate investments: each counts whole")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    holder_zone = forms.TypedChoiceField(
        label=_("Zone that holds it"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        from core.templatetags.zoneplan import localized

        self.zones = list(zones)
        self.fields["holder_zone"].choices = [("", "—")] + [
            (z.pk, localized(z)) for z in self.zones
        ]
        for zone in self.zones:
            self.fields[f"share_{zone.pk}"] = forms.DecimalField(
                label=_("Share of %(zone)s (%%)") % {"zone": localized(zone)},
                required=False,
                min_value=0,
                max_value=100,
                max_digits=6,
                decimal_places=2,
            )
        _style(self)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"

    def share_fields(self):
        return [self[f"share_{zone.pk}"] for zone in self.zones]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reassign" and not data.get("holder_zone"):
            self.add_error("holder_zone", _("Choose the zone that holds the project."))
        if data.get("decision") == "joint":
            missing = [z for z in self.zones if data.get(f"share_{z.pk}") is None]
            for zone in missing:
                self.add_error(f"share_{zone.pk}", _("Give this zone's share."))
        return data

    def shares(self) -> dict:
        from decimal import Decimal

        return {
            z.pk: self.cleaned_data[f"share_{z.pk}"] / Decimal(100)
            for z in self.zones
            if self.cleaned_data.get(f"share_{z.pk}") is not None
        }


class MergeForm(forms.Form):
    """Name the duplicate record to merge into the one shown, by its credit code."""

    credit_code = forms.CharField(
        label=_("Credit code of the duplicate record"), max_length=40, strip=True
    )
    note = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_credit_code(self):
        code = normalise(self.cleaned_data["credit_code"])
        message = credit_code_problem(code)
        if message:
            raise forms.ValidationError(message)
        duplicate = Enterprise.objects.filter(credit_code=code).first()
        if duplicate is None:
            raise forms.ValidationError(
                _("No enterprise has the credit code %(code)s.") % {"code": code}
            )
        self.cleaned_data["duplicate"] = duplicate
        return code
