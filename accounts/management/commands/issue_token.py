"""`manage.py issue_token USERNAME [--days N] [--write] [--name NAME]`: a new API token for a
user, printed on the last line (for scripts: `KEY=$(manage.py issue_token … | tail -1)`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import issue_token


class Command(BaseCommand):
    help = _("Issue an API token for a user and print its key on the last line.")

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("the user the token acts for"))
        parser.add_argument("--days", type=int, default=90, help=_("how long it lasts (90)"))
        parser.add_argument(
            "--write", action="store_true", help=_("may write (by default it only reads)")
        )
        parser.add_argument("--name", help=_("which program holds it (default: the date)"))

    def handle(self, *args, username, days, write, name=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user %(name)s.") % {"name": username[:150]})
        name = name or _("command line %(when)s") % {
            "when": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        }
        try:
            token, key = issue_token(user=user, name=name, days=days, can_write=write)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            _("Token “%(name)s” for %(user)s, %(rights)s, until %(until)s:")
            % {
                "name": token.name,
                "user": user.username,
                "rights": _("reads and writes") if write else _("reads only"),
                "until": timezone.localtime(token.expires_at).strftime("%Y-%m-%d"),
            }
        )
        self.stdout.write(key)
