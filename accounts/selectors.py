"""Reads of accounts: the log-ins locked out now."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def locked_log_ins() -> list[AccessAttempt]:
    """User names locked at an address now: as many failures as the limit, the last within
    the cool-off time. Newest first."""
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return list(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).order_by("-attempt_time")
    )
