from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RETURNED = "returned", _("Returned")
    SUBMITTED = "submitted", _("Submitted")
    DISTRICT_APPROVED = "district_approved", _("Approved by the district")
    CITY_APPROVED = "city_approved", _("Approved by the city")


# States in which the reporting unit may change values.
EDITABLE = {State.DRAFT, State.RETURNED}


class Step(models.TextChoices):
    SAVE = "save", _("Saved")
    SUBMIT = "submit", _("Submitted")
    DISTRICT_APPROVE = "district_approve", _("Approved by the district")
    CITY_APPROVE = "city_approve", _("Approved by the city")
    RETURN = "return", _("Returned")
    REQUEST_UNLOCK = "request_unlock", _("Unlock requested")
    UNLOCK = "unlock", _("Unlocked")


class Severity(models.TextChoices):
    ERROR = "error", _("Error: blocks the submission")
    WARNING = "warning", _("Warning: needs a comment")
