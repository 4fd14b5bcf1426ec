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


class Rollup(models.TextChoices):
    """How an indicator's value for a unit is made from the values below it."""

    SUM = (
        "sum",
        _("Sum over the reporting units below"),
    )  # never a unit's own value added to its children's
    OWN = "own", _("The unit's own value only")
    RATIO = "ratio", _("Summed numerator over summed denominator")


class Periods(models.TextChoices):
    """How a reported indicator's periods make the value on a day."""

    LATEST = "latest", _("The latest period's value")  # a stock: area, head count, a rate
    CUMULATIVE = (
        "cumulative",
        _("The sum over the plan's periods so far"),
    )  # a flow: investment per month
