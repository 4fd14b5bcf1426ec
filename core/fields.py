"""Form fields that read quantities the way spreadsheets do (core.quantities.parse_quantity):
a floor area field in 万平方米 takes 12.5, "5.2万", "52,000平方米" or "5.2万平方米", and shows
a stored value back in the same unit. English pages use plain units (m², yuan), as everywhere."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .quantities import DISPLAY_UNITS, QuantityError, format_number, parse_quantity


def reading_unit(display_unit: str, language: str | None = None) -> str:
    """The unit a field is read and shown in: the plan's (万平方米) in Chinese, the plain one
    (平方米, shown as m²) in English."""
    language = language or get_language() or "zh-hans"
    if language.startswith("zh"):
        return display_unit
    unit = DISPLAY_UNITS[display_unit]
    return next(
        symbol
        for symbol, other in DISPLAY_UNITS.items()
        if other.measure == unit.measure and other.factor == unit.factor_en
    )


def unit_label(display_unit: str) -> str:
    """The unit as the reader's language writes it (万平方米, or m²)."""
    unit = DISPLAY_UNITS[display_unit]
    return display_unit if (get_language() or "zh").startswith("zh") else unit.symbol_en


def _labelled(label, display_unit: str) -> str:
    """“建筑面积（万平方米）” in Chinese, “floor area (m²)” in English."""
    unit = unit_label(display_unit)
    if (get_language() or "zh").startswith("zh"):
        return f"{label}（{unit}）"
    return f"{label} ({unit})"


labelled = lazy(_labelled, str)


class QuantityField(forms.Field):
    default_error_messages = {"required": _("This field is required.")}

    def __init__(
        self,
        display_unit: str,
        *,
        max_base: Decimal | None = None,
        decimal_places: int = 2,
        **kwargs,
    ):
        self.display_unit = display_unit
        self.max_base = max_base
        self.decimal_places = decimal_places
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        kwargs.setdefault(
            "help_text",
            _(
                "You may also write 5.2万, 52,000平方米 or 5.2万平方米; 万 and 亿 mean ×10,000 and ×100,000,000."
            ),
        )
        if kwargs.get("label") is not None:
            kwargs["label"] = labelled(kwargs["label"], display_unit)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        """A stored value (base units) in the reader's unit; what was typed stays as typed."""
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            unit = DISPLAY_UNITS[reading_unit(self.display_unit)]
            return format_number(Decimal(value) / unit.factor, 6).replace(",", "")
        return value

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            base = parse_quantity(value, reading_unit(self.display_unit), max_base=self.max_base)
        except QuantityError as exc:
            raise forms.ValidationError(str(exc), code="quantity") from None
        step = Decimal(1).scaleb(-self.decimal_places)
        return base.quantize(step, rounding=ROUND_HALF_UP)
