"""Writes of accounts: lifting a log-in lock-out; issuing and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import token_cache
from .models import KEY_PREFIX, ApiToken, hash_key
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


TOKEN_NAME_LENGTH = 100


def token_problems(*, name: str, days: int | None) -> dict[str, list[str]]:
    longest = settings.ZONEPLAN_API_TOKEN_MAX_DAYS
    problems: dict[str, list[str]] = {}
    if not name:
        problems["name"] = [_("Give the token a name that says which program holds it.")]
    elif len(name) > TOKEN_NAME_LENGTH:
        problems["name"] = [
            _("A token's name is at most %(count)d characters.") % {"count": TOKEN_NAME_LENGTH}
        ]
    if days is None or not 1 <= days <= longest:
        problems["days"] = [
            _("A token lasts from 1 to %(days)d days.") % {"days": longest},
        ]
    return problems


def issue_token(*, user, name: str, days: int | None, can_write: bool) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key, which is never stored and cannot be
    shown again. Raises ValidationError (by field) when the name or the lifetime is wrong."""
    name = " ".join((name or "").split())
    problems = token_problems(name=name, days=days)
    if problems:
        raise ValidationError(problems)
    assert days is not None
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                prefix=prefix,
                key_hash=hash_key(key),
                can_write=can_write,
                expires_at=timezone.now() + dt.timedelta(days=days),
            )
    except IntegrityError:
        raise ValidationError(
            {"name": [_("You already have a token named “%(name)s”.") % {"name": name}]}
        ) from None
    log.info("%s issued the API token %s (write: %s)", user, token, can_write)
    return token, key


def revoke_token(*, user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens; it stops working at once."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise ValidationError(_("You have no such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log.info("%s revoked the API token %s", user, token)
    return token


def mark_used(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (not a write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        token_cache.put(token)  # the next request sees this use, not the one before


def remember_language(*, user, language: str) -> bool:
    """Keep the language a person chose on their account (mails to them are written in it).
    Returns whether it changed; a language the site does not offer is ignored."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


def set_active(*, user, person, active: bool) -> None:
    """Disable an account (its owner can no longer log in; what they wrote stays) or enable it
    again. Nobody disables their own account, nor the last enabled city administrator's."""
    from .choices import Role
    from .models import User
    from .scoping import may_manage_users

    if not may_manage_users(user):
        raise PermissionDenied
    if person.is_active == active:
        return
    if not active and person.pk == user.pk:
        raise ValidationError(_("You cannot disable your own account."))
    if not active:
        admins = User.objects.filter(is_active=True, memberships__role=Role.CITY_ADMIN)
        if admins.filter(pk=person.pk).exists() and not admins.exclude(pk=person.pk).exists():
            raise ValidationError(
                _("%(name)s is the last enabled city administrator: enable another first.")
                % {"name": person}
            )
    person.is_active = active
    person.save(update_fields=["is_active"])
    log.info("%s %s the account of %s", user, "enabled" if active else "disabled", person)


def reset_password(*, user, person, password: str) -> None:
    """Set another person's password, under the site's password rules; their sessions end
    (Django checks each session against the password it was opened with)."""
    from django.contrib.auth.password_validation import validate_password

    from .scoping import may_manage_users

    if not may_manage_users(user):
        raise PermissionDenied
    validate_password(password, user=person)
    person.set_password(password)
    person.save(update_fields=["password"])
    log.info("%s reset the password of %s", user, person)
