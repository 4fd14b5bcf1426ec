"""Forms of the opportunity lists: the content of a version, a review decision, a withdrawal."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Action
from accounts.scoping import visible_units
from core.fields import QuantityField
from territory.choices import UnitKind

from .models import Scenario, Version
from .services import AMOUNT_MAX_YUAN, AREA_MAX_M2, opportunity_problems, scenario_problems


class OpportunityForm(forms.ModelForm):
    amount_yuan = QuantityField("万元", max_base=AMOUNT_MAX_YUAN, required=False, label=_("Amount"))
    area_m2 = QuantityField("平方米", max_base=AREA_MAX_M2, required=False, label=_("Area"))
    unit = forms.ModelChoiceField(queryset=None, label=_("Issuing unit"))

    class Meta:
        model = Version
        fields = [
            "title",
            "kind",
            "field",
            "scenario",
            "description",
            "sought",
            "amount_yuan",
            "area_m2",
            "count",
            "deadline",
            "contact_role",
            "contact_phone",
            "phone_public",
        ]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
            "sought": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, opportunity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["unit", *self.Meta.fields])
        self.opportunity = opportunity
        if opportunity is None:
            self.fields["unit"].queryset = (
                visible_units(user, Action.CHANGE)
                .filter(kind__in=(UnitKind.ZONE, UnitKind.DISTRICT, UnitKind.CITY))
                .order_by("depth", "order", "code")
            )
        else:
            del self.fields["unit"]
        zones = visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE)
        if opportunity is not None:
            zones = zones.filter(pk=opportunity.unit_id)
        self.fields["scenario"].queryset = Scenario.objects.filter(zone__in=zones).select_related(
            "zone"
        )
        self.fields["scenario"].label_from_instance = lambda s: f"{s.zone.name} · {s.name}"
        self.fields["description"].help_text = _(
            "Paragraphs, bold, lists and links are kept; anything else (scripts, styles, "
            "images) is removed when saved."
        )
        self.fields["count"].max_value = 1_000_000
        _style(self)

    def clean(self):
        data = super().clean()
        unit = self.opportunity.unit if self.opportunity is not None else data.get("unit")
        for key, message in opportunity_problems(data, today=timezone.localdate(), unit=unit):
            if key in self.fields and key not in self.errors:
                self.add_error(key, message)
        return data

    def values(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in self.Meta.fields}


def _style(form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(field.widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        field.widget.attrs.setdefault("class", css)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("approve", _("Approve")), ("return", _("Return for changes"))),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Why it is withdrawn"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ScenarioForm(forms.ModelForm):
    enterprise_codes = forms.CharField(
        label=_("Enterprises taking part"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Unified social credit codes, one per line."),
    )

    class Meta:
        model = Scenario
        fields = ["zone", "name", "name_en", "field", "status", "description", "projects"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        from investment.models import InvestmentProject

        super().__init__(*args, **kwargs)
        zones = visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE)
        if self.instance.pk:
            zones = zones.filter(pk=self.instance.zone_id)
            self.fields["zone"].disabled = True
        self.fields["zone"].queryset = zones.order_by("order", "code")
        self.fields["projects"].queryset = InvestmentProject.objects.filter(
            zone__in=zones
        ).order_by("zone__order", "name")
        self.fields["projects"].required = False
        self.fields["projects"].widget.attrs["size"] = 6
        if self.instance.pk:
            self.initial["enterprise_codes"] = "\n".join(
                self.instance.enterprises.values_list("credit_code", flat=True)
            )
        _style(self)

    def clean_enterprise_codes(self):
        from investment.models import Enterprise

        codes = [
            c.strip().upper() for c in self.cleaned_data["enterprise_codes"].split() if c.strip()
        ]
        if len(codes) > 200:
            raise forms.ValidationError(_("At most 200 enterprises take part."))
        found = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("No enterprise has the credit code %(codes)s.")
                % {"codes": "、".join(missing[:5])}
            )
        return [found[c] for c in dict.fromkeys(codes)]

    def clean(self):
        data = super().clean()
        values = data | {
            "zone": data.get("zone") or (self.instance.zone if self.instance.pk else None)
        }
        for key, message in scenario_problems(values):
            if key in self.fields and key not in self.errors:
                self.add_error(key, message)
        return data


class ResponseForm(forms.Form):
    """The public answer to an opportunity (揭榜). Its values are checked by the service
    (`services.response_problems`), one message per field, so the fields here check nothing.
    `website` is a field people never see (a honeypot); `opened` carries when the form was
    opened, signed, for the least fill time."""

    organisation = forms.CharField(label=_("Organisation"), required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        required=False,
        help_text=_("18 characters, as on the business licence."),
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), required=False)
    contact_email = forms.CharField(label=_("E-mail"), required=False)
    message = forms.CharField(
        label=_("What you offer"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    file = forms.FileField(
        label=_("A file (optional)"),
        required=False,
        help_text=_("PDF, Word, Excel, JPEG or PNG."),
    )
    consent = forms.BooleanField(label=_("I consent"), required=False)
    website = forms.CharField(required=False, label=_("Leave this empty"))
    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    MARKED = {"organisation", "credit_code", "contact_name", "message", "consent"}
    LENGTHS = {
        "organisation": 100,
        "credit_code": 30,
        "contact_name": 40,
        "contact_phone": 20,
        "contact_email": 100,
        "message": 2000,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        for name, length in self.LENGTHS.items():
            self.fields[name].widget.attrs["maxlength"] = str(length)
        for name in self.MARKED:
            self.fields[name].marked = True
        self.fields["website"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "class": "form-control"}
        )
        if not self.is_bound:
            self.initial["opened"] = _sign_opened()

    def opened_at(self) -> float | None:
        from django.core import signing

        try:
            return float(
                signing.TimestampSigner(salt=OPENED_SALT).unsign(
                    self.data.get("opened", ""), max_age=6 * 3600
                )
            )
        except (signing.BadSignature, ValueError):
            return None


OPENED_SALT = "zoneplan.opportunities.response.opened"


def _sign_opened() -> str:
    import time

    from django.core import signing

    return signing.TimestampSigner(salt=OPENED_SALT).sign(f"{time.time():.3f}")
