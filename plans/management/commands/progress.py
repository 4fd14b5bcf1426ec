"""`manage.py progress`: every target of a plan on a day, for scripts (JSON) or people (table).
It reads the same selector as the cockpit (plans.selectors.plan_progress)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plans.models import Plan
from plans.selectors import current_plan, plan_progress, progress_record
from territory.choices import UnitKind
from territory.models import Unit


class Command(BaseCommand):
    help = _(
        "Print every target of a plan with its value and status on a day "
        "(JSON for scripts, a table for people)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", help=_("plan code (default: the latest plan)"))
        parser.add_argument("--day", help=_("YYYY-MM-DD (default: the plan's last day or today)"))
        parser.add_argument("--unit", help=_("only targets set on this unit and below it"))
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, plan=None, day=None, unit=None, format="table", **options):
        translation.activate(translation.get_language() or "zh-hans")
        if plan:
            chosen = Plan.objects.filter(code=plan).first()
            if chosen is None:
                known = "、".join(Plan.objects.values_list("code", flat=True)) or _("none")
                raise CommandError(
                    _("No plan with code %(code)s (plans loaded: %(known)s).")
                    % {"code": plan[:64], "known": known}
                )
        else:
            chosen = current_plan()
            if chosen is None:
                raise CommandError(_("No plan has been loaded."))
        if day:
            try:
                when = dt.date.fromisoformat(day)
            except ValueError:
                raise CommandError(
                    _("The day %(day)s is not a date of the form YYYY-MM-DD.") % {"day": day[:40]}
                ) from None
        else:
            when = min(timezone.localdate(), chosen.ends_on)
        scope = None
        if unit:
            found = Unit.objects.filter(code=unit).first()
            if found is None:
                raise CommandError(_("No unit with code %(code)s.") % {"code": unit[:64]})
            if found.kind != UnitKind.CITY:
                scope = Unit.objects.subtree_of(found)
        sections = plan_progress(chosen, day=when, units=scope, with_drivers=False)
        records = [progress_record(row) for s in sections for row in s.rows]
        if format == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False))
            return
        self.stdout.write(f"{chosen.code} · {when.isoformat()}")
        for r in records:
            self.stdout.write(
                f"{r['target']:<28} {r['unit']:<16} {r['status_label']:<8} {r['basis']}"
            )
