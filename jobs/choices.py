"""The kinds of long work that run as tasks in a worker, and the states of one piece of it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment run")
    IMPORT = "import", _("Spreadsheet import")
    BRIEFING = "briefing", _("City briefing")
    REMINDERS = "reminders", _("Reminders and escalations")
    WARM_UP = "warm_up", _("Cockpit and map warm-up")
    CONFLICTS = "conflicts", _("Attraction conflict search")
    RETENTION = "retention", _("Erasing expired personal data")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


OPEN = (JobStatus.QUEUED, JobStatus.RUNNING)
