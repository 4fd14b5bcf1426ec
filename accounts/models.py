from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from territory.models import Unit

from .choices import ROLE_UNIT_KINDS, Role


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their memberships."""

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
