"""What every benchmark does first: a scratch database with the migrations and the shipped plan."""

from __future__ import annotations

import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def migrate_and_load_plan() -> io.StringIO:
    """Migrate the scratch database and load the shipped plan; returns the quiet output buffer
    (for further commands)."""
    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command(
        "load_plan",
        ROOT / "plans/data/territory-chengdu.yaml",
        ROOT / "plans/data/plan-2020.yaml",
        stdout=quiet,
    )
    return quiet
