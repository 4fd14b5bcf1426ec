"""`manage.py backup FILE`: everything Zoneplan keeps (data, history, evidence files, staged
uploads, jobs) in one zip with a manifest and a checksum (core/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import backup


class Command(BaseCommand):
    help = _("Back up everything Zoneplan keeps into one file.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("the backup file to write (.zip)"))

    def handle(self, *args, file: Path, **options):
        if file.exists():
            raise CommandError(_("%(file)s exists already; name a new file.") % {"file": file})
        if not file.parent.is_dir():
            raise CommandError(_("There is no folder %(folder)s.") % {"folder": file.parent})
        summary = backup(file)
        self.stdout.write(
            _("Backed up %(rows)s rows of %(models)s kinds into %(file)s (%(mb).1f MB).")
            % {
                "rows": f"{summary.rows:,}",
                "models": summary.models,
                "file": file,
                "mb": summary.bytes / 1024 / 1024,
            }
        )
