"""Saving a row on behalf of a user: within their scope, with history that names them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.history import changed_by

from .choices import Action
from .scoping import visible_units


def require_change(user, zone) -> None:
    if not visible_units(user, Action.CHANGE).filter(pk=zone.pk).exists():
        raise PermissionDenied(_("You may not change this zone's data"))


def save_in_zone(obj, *, user, zone_path: str, problems: list[tuple[str, str]]):
    """Save `obj` for `user`: they must be able to change its zone now and, when it moves, the
    zone it had; its `problems` (field, message) refuse the save. History records the user."""
    model = type(obj)
    require_change(user, _follow(obj, zone_path))
    if obj.pk:
        stored = model.objects.filter(pk=obj.pk).first()
        if stored is not None and _follow(stored, zone_path).pk != _follow(obj, zone_path).pk:
            require_change(user, _follow(stored, zone_path))
    if problems:
        errors: dict[str, list[str]] = {}
        for key, message in problems:
            errors.setdefault(key, []).append(message)
        raise ValidationError(errors)
    changed_by(obj, user)
    obj.save()
    return obj


def _follow(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
