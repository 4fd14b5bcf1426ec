from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chains.chainfile import ChainFileError
from chains.services import load_chain_files

KINDS = {
    "chains": gettext_lazy("chains"),
    "nodes": gettext_lazy("nodes"),
    "links": gettext_lazy("links"),
    "enterprises": gettext_lazy("enterprises on nodes"),
}
OUTCOMES = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "deleted": gettext_lazy("deleted"),
    "unchanged": gettext_lazy("unchanged"),
}


class Command(BaseCommand):
    help = gettext_lazy(
        "Load chain files (YAML): chains, their nodes and links, and enterprises on nodes. "
        "Everything is checked first and written in one transaction; loading a file again "
        "changes nothing."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse formats the description as text: the translated help, not its lazy proxy.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help=_("One or more chain files"))

    def handle(self, *args, files, **options):
        try:
            summary = load_chain_files(paths=files)
        except ChainFileError as exc:
            raise CommandError(str(exc)) from None
        for kind, label in KINDS.items():
            parts = [
                f"{outcome_label} {summary[(kind, outcome)]}"
                for outcome, outcome_label in OUTCOMES.items()
                if summary[(kind, outcome)]
            ]
            if parts:
                self.stdout.write(f"{label}: " + ", ".join(parts))
        if summary.changed:
            self.stdout.write(
                self.style.SUCCESS(_("Loaded; %(n)s items changed.") % {"n": summary.changed})
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("Loaded; nothing in the database changed.")))
