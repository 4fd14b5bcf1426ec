import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from territory.models import Unit

from .choices import ROLE_UNIT_KINDS, Role


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their memberships."""

    # The language the person last chose in the header: mails to them are written in it.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username


class Membership(models.Model):
    """A user's role on a unit of the tree; it reaches the unit's whole subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self) -> None:
        if self.unit_id and self.role and self.unit.kind not in ROLE_UNIT_KINDS[self.role]:
            raise ValidationError(
                {"unit": _("This role is held on a unit of another kind.")}, code="role_unit"
            )


KEY_PREFIX = "zp_"  # a token's key: zp_<prefix>_<secret>


def hash_key(key: str) -> str:
    """The stored form of a token's key. A key holds 32 random bytes, so one round of SHA-256
    can be neither reversed nor guessed; a slow password hash would cost every API request."""
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


class ApiToken(models.Model):
    """A key by which a program acts for a user on the API (/api/v1/). It sees what its user
    sees (accounts.scoping) and writes only if issued with write rights. Only a hash of the
    key is kept: the key is shown once, when it is made. It stops working at `expires_at` or
    when revoked; every write made with it names it in the history."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    can_write = models.BooleanField(_("may write"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A name says which program holds the token; a revoked token's name may be reused.
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
