"""`manage.py import_registry NAME FILE [--dry-run] [--user USERNAME] [--format table|json]`:
the pages' import from the command line. Every row is checked first; on any error, and with
--dry-run, nothing is written. With --format json the last line printed is
{"new": n, "changed": n, "unchanged": n, "errors": [...]}."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership
from core.registry_io import import_registry
from core.tabular import catalogue
from core.tabular.read import UploadError

from .export_registry import find_user, registry_pages

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = _(
        "Import a registry's rows from an Excel workbook or CSV, checked whole: "
        "nothing is written on an error or with --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help=" | ".join(catalogue.names()))
        parser.add_argument("file", type=Path, help=_("the .xlsx or .csv file to read"))
        parser.add_argument("--dry-run", action="store_true", help=_("check only; write nothing"))
        parser.add_argument(
            "--user",
            help=_("whose rights the rows are checked against (default: a city administrator)"),
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, name, file, dry_run=False, user=None, format="table", **options):
        pages = registry_pages(name)
        who = find_user(user) if user else _city_admin()
        if not file.is_file():
            raise CommandError(_("No file %(file)s.") % {"file": file})
        try:
            result = import_registry(pages, file, user=who, dry_run=dry_run)
        except UploadError as exc:
            raise CommandError(f"{file.name}：{exc}") from None
        if format == "table":
            for error in result.errors[:MAX_ERRORS_SHOWN]:
                where = _("row %(row)s") % {"row": error["row"]} if error["row"] else file.name
                column = f" {error['column']}" if error["column"] else ""
                self.stdout.write(f"{where}{column}：{error['message']}")
            if len(result.errors) > MAX_ERRORS_SHOWN:
                self.stdout.write(
                    _("… and %(n)s more errors.") % {"n": len(result.errors) - MAX_ERRORS_SHOWN}
                )
            self.stdout.write(
                _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % result.as_dict()
            )
        else:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if result.errors:
            raise CommandError(
                _("%(n)s errors in %(file)s: nothing was written.")
                % {"n": len(result.errors), "file": file.name}
            )
        if not result.written and format == "table":
            self.stdout.write(_("Dry run: nothing was written."))


def _city_admin():
    membership = (
        Membership.objects.filter(role=Role.CITY_ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise CommandError(_("No city administrator exists: name the importing user with --user."))
    return membership.user
