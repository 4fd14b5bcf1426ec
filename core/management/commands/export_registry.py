"""`manage.py export_registry NAME FILE [--user USERNAME]`: a registry's rows as the page's
export writes them (all rows, or those USERNAME may see)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.registry_io import export_registry
from core.tabular import catalogue


class Command(BaseCommand):
    help = _("Write a registry's rows to an Excel workbook, as its page's export does.")

    def add_arguments(self, parser):
        parser.add_argument("name", help=" | ".join(catalogue.names()))
        parser.add_argument("file", type=Path, help=_("the .xlsx file to write"))
        parser.add_argument("--user", help=_("only the rows this user may see"))

    def handle(self, *args, name, file, user=None, **options):
        pages = registry_pages(name)
        who = find_user(user) if user else None
        if file.suffix.lower() != ".xlsx":
            raise CommandError(_("The file must end in .xlsx."))
        content, count = export_registry(pages, user=who)
        try:
            file.write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from None
        self.stdout.write(_("%(count)s rows written to %(file)s.") % {"count": count, "file": file})


def registry_pages(name: str):
    pages = catalogue.pages(name)
    if pages is None:
        raise CommandError(
            _("No registry named %(name)s (registries: %(names)s).")
            % {"name": name[:64], "names": ", ".join(catalogue.names())}
        )
    return pages


def find_user(username: str):
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise CommandError(_("No active user named %(name)s.") % {"name": username[:150]})
    return found
