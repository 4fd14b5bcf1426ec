from django import template
from django.utils.translation import get_language

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
def quantity(value, display_unit):
    return format_quantity(value, display_unit)


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
