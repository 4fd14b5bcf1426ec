from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.scoping import is_city_admin, visible_units

from .models import Plan
from .selectors import current_plan, plan_counts, plan_sections


@login_required
def plan_detail(request, code: str | None = None):
    """Every commitment of a plan with the clause it quotes, grouped as the plan groups them.

    The plan is a published document, so every logged-in user reads all of it; targets on
    units the user reaches are marked."""
    plan = get_object_or_404(Plan, code=code) if code else current_plan()
    if plan is None:
        raise Http404("No plan has been loaded.")
    mine = set(visible_units(request.user).values_list("pk", flat=True))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "nav": "plan",
            "plan": plan,
            # The units as they were named when the plan ended (or today, if earlier).
            "sections": plan_sections(plan, day=min(plan.ends_on, timezone.localdate())),
            "counts": plan_counts(plan),
            "my_unit_ids": mine,
            "can_edit": is_city_admin(request.user),
        },
    )
