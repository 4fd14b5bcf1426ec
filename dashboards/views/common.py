"""What the dashboards' pages share: the plan and day a page speaks of, the unit of a cockpit,
a unit's progress with its counts and what needs attention, and small helpers."""

import datetime as dt
from collections import Counter

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.scoping import home_unit, visible_units
from dashboards.warm import default_day, progress_key
from plans import cache
from plans.measures import pending_source
from plans.models import Plan
from plans.progress import Status
from plans.selectors import (
    current_plan,
    plan_progress,
)
from territory.choices import UnitKind
from territory.models import Scene, Unit
from territory.services import (
    scene_gaps,
)

ZONES_PER_PAGE = 50


STATUSES = [
    Status.MET,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.BEHIND,
    Status.MISSED,
    Status.NO_DATA,
]


def chosen_plan(request):
    """The plan a cockpit, briefing or map speaks of: ?plan=CODE among the loaded plans, else
    the latest. Every loaded plan stays viewable (the 2020 plan after later ones load)."""
    code = request.GET.get("plan", "")[:64]
    if code:
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise Http404("No such plan.")
        return plan
    plan = current_plan()
    if plan is None:
        raise Http404("No plan has been loaded.")
    return plan


def as_of(request, plan) -> tuple:
    """The day the cockpit speaks of: ?day=YYYY-MM-DD within the plan, else the plan's last
    day or today, whichever comes first."""
    today = timezone.localdate()
    default = default_day(plan)
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default, "日期格式应为 YYYY-MM-DD，已显示默认日期"
    if not plan.starts_on <= day <= max(plan.ends_on, today):
        return default, f"日期 {day} 不在计划期内，已显示默认日期"
    return day, ""


def cockpit_unit(request, code: str | None):
    """The unit a cockpit speaks of, or a redirect to the user's own (district, zone)."""
    if code is not None:
        return get_object_or_404(visible_units(request.user), code=code)
    unit = home_unit(request.user)
    if unit is None:
        raise Http404
    if unit.kind == UnitKind.CITY:
        return unit
    return redirect("cockpit_unit", code=unit.code)


def progress_of(request, plan, unit, *, allow_pending: bool = True, engine=None) -> dict:
    """What the cockpit and the briefing show: progress by section, counts, what needs attention.
    The briefing is an official document: approved figures only (`allow_pending=False`)."""
    day, warning = as_of(request, plan)
    # Approved figures only, unless the viewer asks for those under review too (then marked).
    asked = allow_pending and request.GET.get("pending") == "1"
    source = pending_source() if asked else None
    return {**progress_data(plan, unit, day, source=source, engine=engine), "warning": warning}


def progress_data(plan, unit, day, *, source=None, engine=None) -> dict:
    """A unit's progress on a day (cached per data version and language), with its counts by
    status and the targets that need attention; `source` adds figures under review."""
    # The city's view holds every target of its plan, enclaves outside its subtree included.
    scope = None if unit.kind == UnitKind.CITY else Unit.objects.subtree_of(unit)
    key = progress_key(plan, unit, day, translation.get_language())
    if source is not None:
        key += f":pending:{source.stamp()}"
    full_key = cache.key_for(key)
    sections = cache.cached_under(
        full_key,
        lambda: plan_progress(
            plan, day=day, units=scope, pending=source is not None, engine=engine
        ),
    )
    rows = [row for s in sections for row in s.rows]
    found = Counter(row.status for row in rows)
    counts = {status: found.get(status, 0) for status in STATUSES}
    attention = [
        row for row in rows if row.status in (Status.AT_RISK, Status.BEHIND, Status.MISSED)
    ]
    return {
        "day": day,
        "pending": source is not None,
        "sections": sections,
        # The rendered table of sections is the same for everyone who opens this unit's
        # cockpit on this day in this language: cached under the same key as its figures.
        "sections_key": full_key,
        "rows": rows,
        "counts": counts,
        "attention": attention,
    }


def scene_gaps_of(units, unit) -> dict:
    """Zones under `unit` whose core area lacks a kind of scene (the first 20 named)."""
    # A subquery, not a list: at the city, thousands of ids would be bound one by one.
    zone_ids = units.filter(kind=UnitKind.ZONE, path__startswith=unit.path).values("pk")
    gaps = scene_gaps(zone_ids)
    zones = Unit.objects.in_bulk([z for z, _ in gaps[:20]])
    labels = dict(Scene.Kind.choices)
    between = pgettext("between the items of a list", ", ")  # 、 in Chinese
    return {
        "total": len(gaps),
        # The zone itself (shown by its English name in English) and the kinds it lacks.
        "rows": [(zones[z], between.join(str(labels[k]) for k in kinds)) for z, kinds in gaps[:20]],
    }


def draw_text() -> dict:
    """The drawing toolbar's words, in the shape of Leaflet.draw's L.drawLocal (it ships English)."""
    finish, cancel = _("Finish"), _("Cancel")
    return {
        "draw": {
            "toolbar": {
                "actions": {"title": _("Cancel drawing"), "text": cancel},
                "finish": {"title": _("Finish drawing"), "text": finish},
                "undo": {"title": _("Delete the last point drawn"), "text": _("Delete last point")},
                "buttons": {"polygon": _("Draw a polygon"), "rectangle": _("Draw a rectangle")},
            },
            "handlers": {
                "polygon": {
                    "tooltip": {
                        "start": _("Click to start drawing the shape."),
                        "cont": _("Click to continue drawing the shape."),
                        "end": _("Click the first point to close the shape."),
                    }
                },
                "polyline": {"error": _("The edges of the shape cannot cross.")},
                "rectangle": {"tooltip": {"start": _("Click and drag to draw a rectangle.")}},
                "simpleshape": {"tooltip": {"end": _("Release the mouse to finish drawing.")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("Keep the changes"), "text": _("Keep")},
                    "cancel": {"title": _("Undo the changes"), "text": cancel},
                    "clearAll": {"title": _("Clear the drawing"), "text": _("Clear all")},
                },
                "buttons": {
                    "edit": _("Edit the drawing"),
                    "editDisabled": _("Nothing to edit"),
                    "remove": _("Delete the drawing"),
                    "removeDisabled": _("Nothing to delete"),
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": _("Drag the handles to change the shape."),
                        "subtext": _("Click Cancel to undo the changes."),
                    }
                },
                "remove": {"tooltip": {"text": _("Click the shape to delete it.")}},
            },
        },
    }
