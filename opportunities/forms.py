"""Forms of the opportunity lists: the content of a version, a review decision, a withdrawal."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Action
from accounts.scoping import visible_units
from core.fields import QuantityField
from territory.choices import UnitKind

from .models import Version
from .services import AMOUNT_MAX_YUAN, AREA_MAX_M2, opportunity_problems


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
        self.opportunity = opportunity
        if opportunity is None:
            self.fields["unit"].queryset = (
                visible_units(user, Action.CHANGE)
                .filter(kind__in=(UnitKind.ZONE, UnitKind.DISTRICT, UnitKind.CITY))
                .order_by("depth", "order", "code")
            )
        else:
            del self.fields["unit"]
        self.fields["description"].help_text = _(
            "Paragraphs, bold, lists and links are kept; anything else (scripts, styles, "
            "images) is removed when saved."
        )
        self.fields["count"].max_value = 1_000_000
        _style(self)

    def clean(self):
        data = super().clean()
        for key, message in opportunity_problems(data, today=timezone.localdate()):
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
