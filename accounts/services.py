"""Writes of accounts: lifting a log-in lock-out."""

from __future__ import annotations

import logging

from axes.utils import reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .scoping import may_unlock_log_ins
from .selectors import locked_log_ins

log = logging.getLogger(__name__)


def unlock(*, user, username: str) -> int:
    """Lift the lock-out of `username` at every address; returns how many were lifted."""
    if not may_unlock_log_ins(user):
        raise PermissionDenied
    username = (username or "").strip()
    if not any(a.username == username for a in locked_log_ins()):
        raise ValidationError(_("%(name)s is not locked out.") % {"name": username[:150] or "—"})
    lifted = reset(username=username)
    log.info("%s lifted the log-in lock-out of %s", user, username)
    return lifted
