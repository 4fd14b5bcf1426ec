from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .services import TOKEN_NAME_LENGTH


class TokenForm(forms.Form):
    """A new API token: which program holds it, how long it lasts, whether it may write."""

    name = forms.CharField(
        label=_("Name"),
        max_length=TOKEN_NAME_LENGTH,
        help_text=_("Which program holds it, e.g. “district data sync”."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    days = forms.IntegerField(
        label=_("Lasts (days)"),
        min_value=1,
        initial=90,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    can_write = forms.BooleanField(
        label=_("May write"),
        required=False,
        help_text=_(
            "Without it the token only reads. With it, it changes what you may change, "
            "and the history names it."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The longest lifetime is the service's rule (accounts.services.token_problems).
        self.fields["days"].widget.attrs["max"] = settings.ZONEPLAN_API_TOKEN_MAX_DAYS
