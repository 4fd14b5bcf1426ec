from django import template
from django.utils.translation import get_language, gettext_lazy

from core.quantities import format_quantity

register = template.Library()


@register.filter
def localized(obj, field: str = "name"):
    """`{{ unit|localized }}` shows `name_en` in English when it is filled, else `name`."""
    if obj is None:
        return ""
    language = get_language() or "zh-hans"
    if not language.startswith("zh"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")


@register.simple_tag
def quantity(value, display_unit, digits=4):
    """`{% quantity value "万平方米" %}`; a third argument limits the decimals (for paces)."""
    return format_quantity(value, display_unit, digits=int(digits))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.filter
def verbose_name(obj) -> str:
    return obj._meta.verbose_name


@register.filter
def verbose_name_plural(obj) -> str:
    return obj._meta.verbose_name_plural


@register.filter
def model_verbose_name_plural(model) -> str:
    return model._meta.verbose_name_plural


STATUS_LABELS = {
    "met": gettext_lazy("Met"),
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "behind": gettext_lazy("Behind"),
    "missed": gettext_lazy("Missed"),
    "no_data": gettext_lazy("No data source yet"),
    "qualitative": gettext_lazy("Tracked without a number"),
}


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.filter
def percent_width(value) -> str:
    """A progress bar width: 0 to 100, as text for a style attribute."""
    if value is None:
        return "0"
    return str(max(0, min(100, int(value))))


@register.filter
def split(text: str) -> list[str]:
    return text.split()


MILESTONE_LABELS = {
    "done": gettext_lazy("Done"),
    "done_late": gettext_lazy("Done late"),
    "late": gettext_lazy("Late"),
    "due_soon": gettext_lazy("Due soon"),
    "pending": gettext_lazy("Not yet due"),
    "unrecorded": gettext_lazy("Not recorded"),
}


@register.filter
def milestone_label(status: str) -> str:
    return MILESTONE_LABELS.get(status, status)


@register.filter
def km2(area_m2) -> str:
    if area_m2 in (None, ""):
        return "—"
    return f"{float(area_m2) / 1_000_000:.3f}"


@register.filter
def percent(share) -> str:
    """0.734 → '73.4%'."""
    if share is None:
        return "—"
    return f"{float(share) * 100:.1f}%"


@register.filter
def typed_quantity(value, measure: str = "") -> str:
    """A stored base-unit value as an officer would type it back, so that a form sent
    untouched saves the same value: 1,250,000,000 yuan → 12.5亿, 52,000 m² → 5.2万, a ratio
    of 0.85 → 85%, a count as it is; in English 1,250,000,000 and 52,000. Exact: 123,456,789
    → 1.23456789亿, never rounded."""
    from decimal import Decimal

    from django.utils.translation import get_language

    if value is None or value == "":
        return ""
    number = Decimal(value)
    if measure == "ratio":
        return f"{plain_number(number * 100)}%"
    if not (get_language() or "zh").startswith("zh"):
        # English has no 万 or 亿: digits in groups of three, which read back the same.
        whole, dot, fraction = plain_number(number).partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}{int(whole.lstrip('-')):,}{dot}{fraction}"
    if measure in ("money", "area"):
        for word, size in (("亿", Decimal(100_000_000)), ("万", Decimal(10_000))):
            if measure == "area" and word == "亿":
                continue  # areas are read in 万平方米 in the plan
            if abs(number) >= size:
                return f"{plain_number(number / size)}{word}"
    return plain_number(number)


@register.filter
def plain_number(value) -> str:
    """A stored Decimal as an officer would type it: 0.8000 → 0.8, 125000.0000 → 125000."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
