"""The home page per role, the zone list and a zone's page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from accounts.choices import Action, Role
from accounts.models import Membership
from accounts.scoping import is_city_admin, restrict, roles_of, visible_units
from assessment.models import ZoneResult
from chains.choices import NodeStatus
from chains.selectors import chain_states, chains_of_zone
from dashboards.geo import core_area_shares
from dashboards.warm import default_day
from investment.models import InvestmentProject
from investment.selectors import pipeline_rates
from plans.progress import Engine
from plans.selectors import (
    cascades,
    city_wide_target_count,
    current_plan,
    local_targets,
    plan_counts,
)
from territory.choices import UnitKind
from territory.filtersets import ZoneFilter
from territory.models import Belt, Ecosystem, Scene, Stage, Unit, ZoneShape
from territory.selectors import ancestors, districts, zones
from territory.services import (
    scene_counts,
)

from .common import ZONES_PER_PAGE


@login_required
def home(request):
    """What the user's role looks after: the whole city, a district, or a zone."""
    user = request.user
    roles = roles_of(user)
    plan = current_plan()
    units = visible_units(user)
    memberships = list(
        Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")
    )
    context = {
        "nav": "home",
        "plan": plan,
        "memberships": memberships,
        "is_city": bool(roles & {Role.CITY_ADMIN, Role.CITY_VIEWER}),
    }
    if plan:
        context["counts"] = plan_counts(plan)
        context["cascades"] = cascades(plan)
    kind_counts = dict(units.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    context["unit_counts"] = {
        "districts": kind_counts.get(UnitKind.DISTRICT, 0),
        "zones": kind_counts.get(UnitKind.ZONE, 0),
        "development_units": kind_counts.get(UnitKind.DEVELOPMENT_UNIT, 0),
        "demo_zones": units.filter(kind=UnitKind.ZONE, is_demo=True).count(),
    }
    own_units = [m.unit for m in memberships if m.unit.kind != UnitKind.CITY]
    if own_units and plan:
        ids = {pk for u in own_units for pk in u.ancestor_ids()}
        context["my_targets"] = local_targets(plan, ids)
        context["city_target_count"] = city_wide_target_count(plan)
    if own_units:
        context["my_zones"] = zones(units).filter(
            Q(pk__in=[u.pk for u in own_units]) | Q(parent__in=own_units)
        )[:ZONES_PER_PAGE]
    return render(request, "dashboards/home.html", context)


@login_required
def zone_list(request):
    units = visible_units(request.user)
    filterset = ZoneFilter(request.GET, queryset=zones(units), request=request)
    filters = filterset.values()
    page = Paginator(filterset.qs, ZONES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "districts": districts(units),
        "ecosystems": Ecosystem.objects.all(),
        "stages": Stage.objects.all(),
        "query": params.urlencode(),
        "nav": "zones",
    }
    template = (
        "dashboards/_zone_table.html"
        if request.headers.get("HX-Request")
        else "dashboards/zone_list.html"
    )
    return render(request, template, context)


@login_required
def zone_detail(request, code: str):
    user = request.user
    zone = get_object_or_404(
        restrict(Unit.objects.filter(kind=UnitKind.ZONE), user, via="")
        .select_related("parent", "stage")
        .prefetch_related("ecosystems", "industry_groups", "extra_districts"),
        code=code,
    )
    plan = current_plan()
    lineage = ancestors(zone)
    can_change = restrict(Unit.objects.filter(pk=zone.pk), user, Action.CHANGE, via="").exists()
    context = {
        "nav": "zones",
        "zone": zone,
        "lineage": lineage,
        "plan": plan,
        "belts": Belt.objects.filter(anchor_zone=zone).select_related("partner_city"),
        "can_change": can_change,
        "can_admin": is_city_admin(user),
    }
    if plan:
        ids = [zone.pk, *[u.pk for u in lineage], *[d.pk for d in zone.extra_districts.all()]]
        context["targets"] = local_targets(plan, ids)
        context["city_target_count"] = city_wide_target_count(plan)
    chains = list(chains_of_zone(zone).order_by("order", "code"))
    states = chain_states(chains=chains, unit=zone)
    context["chains"] = [(chain, states.counts(chain.pk)) for chain in chains]
    context["chain_statuses"] = NodeStatus.choices
    if plan:
        day = default_day(plan)
        context["rates"] = pipeline_rates(Engine(plan), zone.pk, day)
        context["rates_day"] = day
    context["shapes"] = {s.kind: s for s in zone.shapes.all()}
    context["share"] = core_area_shares([zone.pk]).get(zone.pk)
    context["project_share"] = core_area_shares(
        [zone.pk], InvestmentProject, "investment_yuan"
    ).get(zone.pk)
    counts = scene_counts([zone.pk])[zone.pk]
    context["scene_counts"] = [(label, counts[kind]) for kind, label in Scene.Kind.choices]
    context["scenes"] = zone.scenes.all()
    context["shape_kinds"] = ZoneShape.Kind.choices
    if can_change:
        context["officers"] = Membership.objects.filter(unit=zone).select_related("user")
    # The zone's grade in the latest published assessment (published results are public).
    context["assessed"] = (
        ZoneResult.objects.filter(unit=zone, run__published_at__isnull=False)
        .select_related("run")
        .order_by("-run__year", "-run__published_at")
        .first()
    )
    return render(request, "dashboards/zone_detail.html", context)
