"""The statistics system (统计体系): data sets name reported indicators, and a submission is one
unit's data set for one period, moved up an approval chain (DHIS2's data sets and approval
levels are the reference). Values count toward the plan only once the city has approved."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StoredFile
from plans.models import Indicator
from territory.models import Unit

from .choices import PeriodType, Severity, State, Step


class DataSet(models.Model):
    """What is reported, by whom, how often, when it is due and when it locks."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    period_type = models.CharField(_("period type"), max_length=10, choices=PeriodType.choices)
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"))
    units = models.ManyToManyField(
        Unit, verbose_name=_("reporting units"), related_name="data_sets"
    )
    due_days = models.PositiveSmallIntegerField(_("due (days after the period ends)"), default=10)
    lock_days = models.PositiveSmallIntegerField(
        _("locks (days after the period ends)"), default=30
    )
    # Reporting starts with the period that holds this day: none before it is owed or overdue.
    starts_on = models.DateField(
        _("reporting starts"),
        null=True,
        blank=True,
        help_text=_(
            "The first period owed is the one that holds this day; earlier periods are never "
            "shown as missing. Empty: every period."
        ),
    )

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ValidationRule(models.Model):
    """A check of a submission's values (reporting.rules), run when it is submitted."""

    data_set = models.ForeignKey(
        DataSet, verbose_name=_("data set"), on_delete=models.CASCADE, related_name="rules"
    )
    expression = models.CharField(
        _("rule"),
        max_length=500,
        help_text=_("For example: completed_area <= total_area, or output >= previous(output)"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    message = models.CharField(_("message shown when it fails"), max_length=200)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return self.expression

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .rules import RuleError, parse

        if self.data_set_id is None:
            return
        codes = set(self.data_set.indicators.values_list("code", flat=True))
        try:
            parse(self.expression, codes)
        except RuleError as error:
            raise ValidationError({"expression": str(error)}) from None


class Submission(models.Model):
    """One unit's data set for one period. `version` moves on at every write, so a save made
    from a stale page is refused instead of overwriting someone else's (no lost update)."""

    data_set = models.ForeignKey(
        DataSet, verbose_name=_("data set"), on_delete=models.PROTECT, related_name="submissions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="submissions"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    unlock_requested = models.BooleanField(_("unlock requested"), default=False)
    # After an unlock the unit may edit until this day, even past the data set's lock.
    unlocked_until = models.DateField(_("unlocked until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "unit", "period_end"], name="submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_set} · {self.unit} · {self.period_end}"


class SubmissionValue(models.Model):
    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True)
    # Far from the unit's own history when submitted (reporting.outliers): to follow up.
    flagged = models.BooleanField(_("flagged for follow-up"), default=False)

    history = HistoricalRecords()  # who changed a value, when, from what to what

    class Meta:
        verbose_name = _("submitted value")
        verbose_name_plural = _("submitted values")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"], name="submission_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.indicator}"


class Event(models.Model):
    """A step of a submission's life: who, when, from which state to which, with what comment."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_step_display()}"


class Notice(models.Model):
    """An in-app notice (also sent by e-mail): a reminder before a report is due, an
    escalation to the district after it (one per user, kind, data set, unit and period), or a
    step of a report's approval chain that the person has to act on or know of (one per user
    and step)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation")
        STEP = "step", _("Approval step")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    data_set = models.ForeignKey(DataSet, verbose_name=_("data set"), on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE)
    period_end = models.DateField(_("period end"))
    event = models.ForeignKey(
        Event,
        verbose_name=_("step"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read = models.BooleanField(_("read"), default=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "data_set", "unit", "period_end"],
                condition=models.Q(event__isnull=True),
                name="notice_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=models.Q(event__isnull=False),
                name="notice_step_unique",
            ),
        ]
        indexes = [models.Index(fields=["user", "read"], name="notice_unread")]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.event_id is None:
            return reverse("submission_list")
        return reverse("submission_page", args=[self.event.submission_id])

    @property
    def message(self) -> str:
        """The notice in the reader's language (`text` keeps the Chinese that was e-mailed)."""
        from core.templatetags.zoneplan import localized

        due = self.period_end + dt.timedelta(days=self.data_set.due_days)
        values = {
            "unit": localized(self.unit),
            "data_set": localized(self.data_set),
            "period": f"{self.period_end:%Y-%m}",
            "due": due.isoformat(),
        }
        if self.kind == self.Kind.REMINDER:
            return _("Please submit “%(data_set)s” of %(unit)s for %(period)s by %(due)s") % values
        if self.kind == self.Kind.ESCALATION:
            return _("“%(data_set)s” of %(unit)s for %(period)s is overdue (due %(due)s)") % values
        return step_message(self.event, values)


def step_message(event: Event, values: dict) -> str:
    """What a step of the chain tells the people it reaches, in the current language."""
    values = values | {"user": str(event.user), "comment": event.comment}
    messages = {
        Step.SUBMIT: _("%(unit)s submitted “%(data_set)s” for %(period)s: it awaits your review"),
        Step.DISTRICT_APPROVE: _(
            "The district approved “%(data_set)s” of %(unit)s for %(period)s: "
            "it awaits the city's approval"
        ),
        Step.CITY_APPROVE: _(
            "The city approved “%(data_set)s” of %(unit)s for %(period)s: its values now count"
        ),
        Step.RETURN: _("%(user)s returned “%(data_set)s” of %(unit)s for %(period)s: %(comment)s"),
        Step.REQUEST_UNLOCK: _(
            "%(unit)s asks for “%(data_set)s” of %(period)s to be unlocked: %(comment)s"
        ),
        Step.UNLOCK: _(
            "“%(data_set)s” of %(unit)s for %(period)s was unlocked: it may be changed and "
            "submitted again"
        ),
    }
    return messages.get(event.step, _("“%(data_set)s” of %(unit)s for %(period)s changed")) % values


class Evidence(StoredFile):
    """A file backing a submission. Kept in the database, so the file and its row are written
    (or not) in one transaction and backed up together; sizes are bounded by
    ZONEPLAN_EVIDENCE_MAX_BYTES."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
