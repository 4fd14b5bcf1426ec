from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    DERIVED = "derived", _("Derived from registries")
    REPORTED = "reported", _("Reported by units")


class Measure(models.TextChoices):
    AREA = "area", _("Area (m²)")
    COUNT = "count", _("Count")
    MONEY = "money", _("Money (yuan)")
    RATIO = "ratio", _("Ratio")


class Comparator(models.TextChoices):
    GTE = "gte", _("at least")
    LTE = "lte", _("at most")
    EQ = "eq", _("exactly")


class Strength(models.TextChoices):
    BINDING = "binding", _("Binding")  # 确保、完成、不低于
    STRIVE = "strive", _("Strive for")  # 力争
