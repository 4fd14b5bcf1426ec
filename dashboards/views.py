import datetime as dt
import json
from collections import Counter
from decimal import Decimal, InvalidOperation

import shapely
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from accounts.choices import Action, Role
from accounts.models import Membership
from accounts.scoping import is_city_admin, restrict, roles_of, visible_units
from accounts.writes import require_change
from assessment.models import ZoneResult
from carriers.models import Carrier
from core.geo import CRS
from core.registry_views import xlsx_response
from dashboards.briefing import briefing_docx, briefing_xlsx
from dashboards.geo import core_area_shares, map_data
from dashboards.tasks import start_briefing
from dashboards.warm import progress_key
from investment.measures import shared_claims
from investment.models import InvestmentProject
from plans import cache
from plans.measures import pending_source, zones_of
from plans.models import Plan
from plans.progress import Engine, Status
from plans.selectors import (
    cascades,
    city_wide_target_count,
    contributions,
    current_plan,
    local_targets,
    month_ends,
    plan_counts,
    plan_progress,
    zone_progress,
    zone_progress_choices,
)
from territory.choices import UnitKind
from territory.geometry import GeometryError, check_coordinates, convert, read_shape
from territory.models import Belt, Ecosystem, Scene, Stage, Unit, ZoneShape
from territory.selectors import ancestors, districts, zones
from territory.services import (
    save_shape,
    scene_area_problems,
    scene_counts,
    scene_gaps,
    scene_problems,
    shape_problems,
)

ZONES_PER_PAGE = 50
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUSES = [
    Status.MET,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.BEHIND,
    Status.MISSED,
    Status.NO_DATA,
]


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


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
def zone_list(request):
    units = visible_units(request.user)
    district_id = _int_param(request, "district")
    district = districts(units).filter(pk=district_id).first() if district_id else None
    filters = {
        "district": district,
        "ecosystem_id": _int_param(request, "ecosystem"),
        "stage_id": _int_param(request, "stage"),
        "search": request.GET.get("q", "")[:100],
    }
    page = Paginator(zones(units, **filters), ZONES_PER_PAGE).get_page(request.GET.get("page"))
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


def _chosen_plan(request):
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


def _as_of(request, plan) -> tuple:
    """The day the cockpit speaks of: ?day=YYYY-MM-DD within the plan, else the plan's last
    day or today, whichever comes first."""
    today = timezone.localdate()
    default = min(today, plan.ends_on)
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default, "日期格式应为 YYYY-MM-DD，已显示默认日期"
    if not plan.starts_on <= day <= max(plan.ends_on, today):
        return default, f"日期 {day} 不在计划期内，已显示默认日期"
    return day, ""


def _cockpit_unit(request, code: str | None):
    """The unit a cockpit speaks of, or a redirect to the user's own (district, zone)."""
    units = visible_units(request.user)
    if code is not None:
        return get_object_or_404(units, code=code)
    unit = units.filter(kind=UnitKind.CITY).first()
    if unit is not None:
        return unit
    own = (
        Membership.objects.filter(user=request.user)
        .select_related("unit")
        .order_by("unit__depth")
        .first()
    )
    if own is None:
        raise Http404
    return redirect("cockpit_unit", code=own.unit.code)


def _progress_of(request, plan, unit, *, allow_pending: bool = True, engine=None) -> dict:
    """What the cockpit and the briefing show: progress by section, counts, what needs attention.
    The briefing is an official document: approved figures only (`allow_pending=False`)."""
    day, warning = _as_of(request, plan)
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
    sections = cache.cached(
        key,
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
        "sections_key": f"{cache.version()}:{key}",
        "rows": rows,
        "counts": counts,
        "attention": attention,
    }


@login_required
def cockpit(request, code: str | None = None):
    """Every target with its status, value, pace and forecast; what is at risk and why."""
    plan = _chosen_plan(request)
    unit = _cockpit_unit(request, code)
    if not isinstance(unit, Unit):
        return unit
    engine = Engine(plan)  # one engine for the page's reads: its trees and zone figures
    data = _progress_of(request, plan, unit, engine=engine)
    day, rows = data["day"], data["rows"]
    units = visible_units(request.user)
    claims_total, claims = 0, []
    if any(
        r.target.indicator and r.target.indicator.code == "high_tier_projects_introduced"
        for r in rows
    ):
        claims_total, claims = cache.cached(
            f"claims:{plan.pk}:{unit.pk}:{day.isoformat()}",
            lambda: shared_claims(engine, unit.pk, day=day),
        )
    chart = [
        {
            "name": r.target.title
            if translation.get_language().startswith("zh")
            else (r.target.title_en or r.target.title),
            "percent": float(round(r.percent, 1)) if r.percent is not None else 0,
            "status": r.status,
        }
        for r in rows
        # At the city the parts are summed in their whole; below it the parts are the targets.
        if r.percent is not None and (r.target.parent_id is None or unit.kind != UnitKind.CITY)
    ]
    return render(
        request,
        "dashboards/cockpit.html",
        {
            "nav": "cockpit",
            "plan": plan,
            "unit": unit,
            **data,
            "claims": claims,
            "contributions": []
            if unit.kind == UnitKind.CITY
            else cache.cached(
                f"contributions:{plan.pk}:{unit.pk}:{day.isoformat()}",
                lambda: contributions(plan, unit, day=day),
            ),
            "claims_total": claims_total,
            "scene_gaps": _scene_gaps(units, unit),
            "days": month_ends(plan, until=timezone.localdate()),
            "plans": list(Plan.objects.order_by("-year", "-starts_on")),
            "chart": chart,
            "children": units.filter(parent=unit)
            .exclude(kind=UnitKind.ZONE)
            .order_by("order", "code")
            if unit.kind == UnitKind.CITY
            else units.filter(parent=unit, kind=UnitKind.ZONE).order_by("order", "code"),
        },
    )


def _briefing(request, code: str | None, kind: str):
    if kind not in ("docx", "xlsx"):
        raise Http404("The briefing is a .docx or an .xlsx.")
    plan = _chosen_plan(request)
    unit = _cockpit_unit(request, code)
    if not isinstance(unit, Unit):
        return unit
    day, _warning = _as_of(request, plan)
    if unit.kind == UnitKind.CITY:
        # The whole city's briefing is long work: a job makes the file, its page offers it.
        job = start_briefing(user=request.user, plan=plan, unit=unit, day=day, kind=kind)
        return redirect("job", pk=job.pk)
    filename, content = briefing_file(plan, unit, day, kind)
    if kind == "docx":
        response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    return xlsx_response(content, filename)


def briefing_file(plan, unit, day, kind: str) -> tuple[str, bytes]:
    """The monthly briefing of `unit` on `day` as (file name, content): approved figures only."""
    data = progress_data(plan, unit, day)
    demo = (
        Unit.objects.subtree_of(unit).filter(is_demo=True).exists()
        or Carrier.objects.filter(zone__in=zones_of(unit, day), is_demo=True).exists()
    )
    filename = f"工作简报-{unit.name}-{day:%Y年%m月}.{kind}"
    if kind == "docx":
        return filename, briefing_docx(
            plan=plan,
            unit=unit,
            day=day,
            sections=data["sections"],
            attention=data["attention"],
            counts=data["counts"],
            demo=demo,
        )
    return filename, briefing_xlsx(
        plan=plan,
        unit=unit,
        day=day,
        sections=data["sections"],
        attention=data["attention"],
        demo=demo,
    )


@login_required
def briefing(request, kind: str, code: str | None = None):
    """The monthly briefing (工作简报) for the cockpit's unit and day, as .docx or .xlsx."""
    return _briefing(request, code, kind)


def _draw_text() -> dict:
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


@login_required
def zone_shape(request, code: str, kind: str):
    """Upload a zone's core area or boundary: read, convert, check; save only when nothing is
    wrong (warnings need the officer's confirmation)."""
    if kind not in ZoneShape.Kind.values:
        raise Http404
    zone = get_object_or_404(
        restrict(Unit.objects.filter(kind=UnitKind.ZONE), request.user, via=""), code=code
    )
    require_change(request.user, zone)
    existing = zone.shapes.filter(kind=kind).first()
    context = {
        "existing": json.loads(existing.geojson) if existing else None,
        "tile_url": settings.ZONEPLAN_TILE_URL,
        "extent": settings.ZONEPLAN_CITY_EXTENT,
        "draw_text": _draw_text(),
        "nav": "zones",
        "zone": zone,
        "kind": kind,
        "kind_label": ZoneShape.Kind(kind).label,
        "crs_choices": CRS.CHOICES,
        "problems": [],
        "error": "",
        "today": timezone.localdate(),
    }
    if request.method != "POST":
        return render(request, "dashboards/zone_shape.html", context)
    upload = request.FILES.get("file")
    drawn = request.POST.get("geojson", "").strip()  # a shape drawn on the map, as GeoJSON
    context["drawn"] = (
        drawn  # kept in the form, so a warning can be confirmed without drawing again
    )
    crs = request.POST.get("crs", "")
    try:
        delineated_on = dt.date.fromisoformat(request.POST.get("delineated_on", ""))
    except ValueError:
        delineated_on = None
    size = upload.size if upload is not None else len(drawn.encode())
    limit = settings.ZONEPLAN_GEOMETRY_MAX_BYTES
    if upload is None and not drawn:
        context["error"] = (
            "请选择要上传的文件（GeoJSON、KML 或 zip 打包的 Shapefile），或在地图上绘制"
        )
    elif crs not in dict(CRS.CHOICES):
        context["error"] = "请选择文件使用的坐标系"
    elif delineated_on is None or delineated_on > timezone.localdate():
        context["error"] = "划定日期应为今天或之前的有效日期（YYYY-MM-DD）"
    elif size > limit:
        context["error"] = (
            f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {limit / 1024 / 1024:.1f} MB）"
        )
    if context["error"]:
        return render(request, "dashboards/zone_shape.html", context, status=400)
    try:
        if upload is not None:
            raw = read_shape(upload.read(), upload.name or "")
        else:
            raw = read_shape(drawn.encode(), "drawn.geojson")
    except GeometryError as exc:
        context["error"] = str(exc)
        return render(request, "dashboards/zone_shape.html", context, status=400)
    problems = check_coordinates(raw)
    geometry = convert(raw, crs) if not problems else raw
    problems = problems or shape_problems(zone=zone, kind=kind, geometry=geometry)
    context["problems"] = problems
    errors = [p for p in problems if p.level == "error"]
    context["has_errors"] = bool(errors)
    if errors or (problems and not request.POST.get("confirm")):
        return render(request, "dashboards/zone_shape.html", context, status=400 if errors else 200)
    shape = save_shape(
        zone=zone,
        kind=kind,
        geometry=geometry,
        crs=crs,
        delineated_on=delineated_on,
        user=request.user,
    )
    messages.success(
        request,
        f"已保存{shape.get_kind_display()}：{float(shape.area_m2) / 1_000_000:.3f} 平方公里",
    )
    return redirect("zone_detail", code=zone.code)


@login_required
def shapes_geojson(request):
    """Every core area and boundary the user may see, as one GeoJSON FeatureCollection."""
    shapes = restrict(ZoneShape.objects.select_related("zone"), request.user, via="zone")
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(s.geojson),
            "properties": {
                "zone_code": s.zone.code,
                "zone": s.zone.name,
                "kind": s.kind,
                "area_km2": round(float(s.area_m2) / 1_000_000, 4),
                "delineated_on": s.delineated_on.isoformat(),
                "demo": s.is_demo,
            },
        }
        for s in shapes
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = content_disposition_header(True, "核心起步区.geojson")
    return response


def _map_plan(request):
    try:
        return _chosen_plan(request)
    except Http404:
        if request.GET.get("plan"):
            raise
        return None


@login_required
def zone_map(request):
    """Core areas coloured by the share of carriers inside them, and the carriers themselves."""
    return render(
        request,
        "dashboards/map.html",
        {
            "nav": "map",
            "tile_url": settings.ZONEPLAN_TILE_URL,
            "tile_attribution": settings.ZONEPLAN_TILE_ATTRIBUTION,
            "extent": settings.ZONEPLAN_CITY_EXTENT,
            "progress_choices": zone_progress_choices(plan) if (plan := _map_plan(request)) else [],
            "plan": plan,
            "plans": list(Plan.objects.order_by("-year", "-starts_on")),
        },
    )


@login_required
@gzip_page
def map_data_view(request):
    units = visible_units(request.user)
    zones = units.filter(kind=UnitKind.ZONE)
    carriers = restrict(Carrier.objects.all(), request.user, via="zone")
    projects = restrict(InvestmentProject.objects.all(), request.user, via="zone")
    plan = _map_plan(request)
    progress = None
    if plan is not None:
        day = min(timezone.localdate(), plan.ends_on)
        progress = cache.cached(  # all zones, once per data version; the scope applies below
            f"map-progress:{plan.pk}:{day.isoformat()}",
            lambda: zone_progress(
                plan,
                dict(Unit.objects.filter(kind=UnitKind.ZONE).values_list("pk", "path")),
                day=day,
            ),
        )
    return JsonResponse(
        map_data(zones, carriers, projects, progress),
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@login_required
def shapes_kml(request):
    """The same shapes as /shapes.geojson, as KML for desktop GIS and Google Earth."""
    import shapely

    from territory.geometry import to_kml

    shapes = restrict(ZoneShape.objects.select_related("zone"), request.user, via="zone").order_by(
        "zone__code", "kind"
    )
    content = to_kml(
        [
            (
                f"{s.zone.name} · {s.get_kind_display()}",
                f"{float(s.area_m2) / 1e6:.3f} km² · {s.delineated_on}",
                shapely.from_geojson(s.geojson),
            )
            for s in shapes
        ]
    )
    response = HttpResponse(content, content_type="application/vnd.google-earth.kml+xml")
    response["Content-Disposition"] = content_disposition_header(True, "核心起步区.kml")
    return response


@login_required
def zone_scene(request, code: str):
    """Add a scene to a zone: a point, or an area drawn on the map, inside the core area."""
    zone = get_object_or_404(
        restrict(Unit.objects.filter(kind=UnitKind.ZONE), request.user, via=""), code=code
    )
    require_change(request.user, zone)
    core = zone.shapes.filter(kind=ZoneShape.Kind.CORE_AREA).first()
    context = {
        "existing": json.loads(core.geojson) if core else None,  # drawn for reference
        "tile_url": settings.ZONEPLAN_TILE_URL,
        "extent": settings.ZONEPLAN_CITY_EXTENT,
        "draw_text": _draw_text(),
        "drawn": ""
        if len(request.POST.get("geojson", "")) > 100_000
        else request.POST.get("geojson", ""),
        "nav": "zones",
        "zone": zone,
        "kinds": Scene.Kind.choices,
        "errors": [],
        "values": request.POST,
    }
    if request.method != "POST":
        return render(request, "dashboards/zone_scene.html", context)
    kind, name = request.POST.get("kind", ""), request.POST.get("name", "").strip()
    errors = []
    if kind not in Scene.Kind.values:
        errors.append("请选择场景类型")
    if not name or len(name) > 200:
        errors.append("场景名称须填写，且不超过 200 字")
    elif Scene.objects.filter(zone=zone, name=name).exists():
        errors.append(f"本功能区已有名为“{name}”的场景")
    shown_from = None
    typed = request.POST.get("shown_from", "").strip()
    if typed:
        try:
            shown_from = dt.date.fromisoformat(typed[:10])
        except ValueError:
            errors.append(_("The date from which the scene is shown must be a date (2020-06-30)."))
    drawn, area = request.POST.get("geojson", "").strip(), ""  # an area drawn on the map
    if drawn:
        try:
            geometry = _drawn_geometry(drawn)
        except GeometryError as error:
            errors.append(str(error))
        else:
            problems = scene_area_problems(zone=zone, geometry=geometry)
            errors += problems
            if not problems:
                point = geometry.representative_point()  # inside the area, unlike a centroid
                longitude = Decimal(str(round(point.x, 6)))
                latitude = Decimal(str(round(point.y, 6)))
                area = shapely.to_geojson(geometry)
    else:
        try:
            longitude = Decimal(request.POST.get("longitude", "").strip())
            latitude = Decimal(request.POST.get("latitude", "").strip())
            if not (longitude.is_finite() and latitude.is_finite()):
                raise InvalidOperation
        except InvalidOperation:
            errors.append("经度和纬度须为数字（例如 104.06 和 30.65），或在地图上画出场景范围")
        else:
            errors += scene_problems(zone=zone, longitude=longitude, latitude=latitude)
    if errors:
        context["errors"] = errors
        return render(request, "dashboards/zone_scene.html", context, status=400)
    scene = Scene(
        zone=zone,
        kind=kind,
        name=name,
        longitude=round(longitude, 6),
        latitude=round(latitude, 6),
        geojson=area,
        shown_from=shown_from,
    )
    scene._history_user = request.user
    scene.save()
    messages.success(request, f"已添加场景：{name}")
    return redirect("zone_detail", code=zone.code)


def _drawn_geometry(text: str):
    """A shape drawn on a map (WGS84 GeoJSON text): read with the upload's reader and limits."""
    limit = settings.ZONEPLAN_GEOMETRY_MAX_BYTES
    if len(text.encode()) > limit:
        raise GeometryError(f"绘制的图形过大（上限 {limit / 1024 / 1024:.1f} MB）")
    geometry = read_shape(text.encode(), "drawn.geojson")
    problems = check_coordinates(geometry)
    if problems:
        raise GeometryError(problems[0].message)
    return geometry


def _scene_gaps(units, unit) -> dict:
    """Zones under `unit` whose core area lacks a kind of scene (the first 20 named)."""
    # A subquery, not a list: at the city, thousands of ids would be bound one by one.
    zone_ids = units.filter(kind=UnitKind.ZONE, path__startswith=unit.path).values("pk")
    gaps = scene_gaps(zone_ids)
    names = dict(Unit.objects.filter(pk__in=[z for z, _ in gaps[:20]]).values_list("pk", "name"))
    labels = dict(Scene.Kind.choices)
    return {
        "total": len(gaps),
        "rows": [(names[z], [str(labels[k]) for k in kinds]) for z, kinds in gaps[:20]],
    }
