"""`manage.py restore FILE [--force]`: load a backup into an empty database, all or nothing;
a database that holds units, users or plans is refused unless --force (core/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupRefused, restore


class Command(BaseCommand):
    help = _("Restore a backup into an empty database (all or nothing).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("the backup file to read"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("replace everything in a database that is not empty"),
        )

    def handle(self, *args, file: Path, force: bool = False, **options):
        if not file.is_file():
            raise CommandError(_("No file %(file)s.") % {"file": file})
        try:
            summary = restore(file, force=force)
        except BackupRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            _("Restored %(rows)s rows of %(models)s kinds from %(file)s.")
            % {"rows": f"{summary.rows:,}", "models": summary.models, "file": file}
        )
