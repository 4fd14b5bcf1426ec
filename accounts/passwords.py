"""The site's password rules beyond Django's own: a length with a message in Chinese (Django
5.2 changed its wording and its Chinese catalog no longer has it, so the page showed it in
English), and an upper bound, so that a pasted novel is refused with a reason."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_LENGTH = 128


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "The password is too short: it needs at least %(n)d character.",
            "The password is too short: it needs at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(n)d character.", "At least %(n)d characters.", self.min_length
        ) % {"n": self.min_length}


class MaximumLengthValidator:
    def __init__(self, max_length: int = MAX_LENGTH):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("The password is too long: at most %(n)d characters.") % {"n": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(n)d characters.") % {"n": self.max_length}
