"""Who a change is recorded against in django-simple-history."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def changed_by(obj: M, user) -> M:
    """Name `user` in the history row of `obj`'s next save (simple_history reads
    `_history_user` off the instance; None records no one, as for a command)."""
    obj._history_user = user  # type: ignore[attr-defined]
    return obj
