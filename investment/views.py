from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Action
from accounts.registry import ScopedRegistryPages
from accounts.scoping import (
    is_city_admin,
    may_decide_conflicts,
    restrict,
    roles_of,
    scope_unit,
    visible_units,
)
from core.quantities import format_quantity
from core.refusals import Refusal
from core.templatetags.zoneplan import localized
from jobs.choices import JobKind
from jobs.models import Job
from territory.choices import UnitKind

from .choices import (
    ENTERPRISE_KINDS,
    STAGE_DATES,
    ConflictBasis,
    ConflictStatus,
    HolderRule,
    Stage,
    Tier,
    WarningLevel,
)
from .filtersets import EnterpriseFilter, ProjectFilter
from .forms import EnterpriseForm, ProjectForm
from .models import Enterprise, InvestmentProject
from .registry import ENTERPRISE_REGISTRY, KIND_FIELDS, PROJECT_REGISTRY
from .selectors import warnings_of
from .services import (
    StageRefused,
    advance_stage,
    decide_conflict,
    delete_enterprise,
    delete_project,
    merge_enterprises,
    record_capital,
    save_enterprise,
    save_project,
    stage_requirements,
    undo_merge,
)


def _date(value) -> str:
    return value.isoformat() if value else "—"


class EnterprisePages(ScopedRegistryPages):
    """Enterprises are shared: anyone with a role reads all of them (a zone names investors
    registered elsewhere); the zone that keeps a record changes it, the city keeps the rest."""

    model = Enterprise
    detail_extra_template = "investment/_enterprise_merge.html"
    spreadsheet = ENTERPRISE_REGISTRY
    form_class = EnterpriseForm
    filterset_class = EnterpriseFilter
    prefix = "enterprise"
    title = "企业名录"
    nav = "registries"
    list_template = "investment/enterprise_list.html"
    table_template = "investment/_enterprise_table.html"
    instructions = [
        "每行一家企业，以统一社会信用代码识别（按 GB 32100-2015 校验最后一位）。红色列名为必填。",
        "已登记的代码再次上传即更新该企业；只有登记该企业的功能区（或市级）可以修改它。",
        "企业类型可填多个，用顿号分隔。",
    ]

    def scope(self, qs, user, action):
        if action == Action.VIEW:
            return qs if roles_of(user) else qs.none()
        changeable = restrict(qs, user, Action.CHANGE, via="zone")
        if is_city_admin(user):
            changeable = changeable | qs.filter(zone__isnull=True)
        return changeable

    def objects(self):
        return Enterprise.objects.select_related("zone")

    def list_context(self, request):
        return {
            "zones": visible_units(request.user)
            .filter(kind=UnitKind.ZONE)
            .order_by("order", "code"),
            "kinds": [(field, label) for field, _zh, label in ENTERPRISE_KINDS],
        }

    def save(self, *, user, obj):
        return save_enterprise(user=user, enterprise=obj)

    def detail_context(self, request, obj):
        from .forms import MergeForm

        return {
            "may_merge": may_decide_conflicts(request.user),
            "merge_form": MergeForm(),
            "merges": obj.merges.select_related("merged_by", "undone_by")[:20],
        }

    def delete(self, *, user, obj):
        delete_enterprise(user=user, enterprise=obj)

    def export_row(self, obj):
        return {
            "credit_code": obj.credit_code,
            "name": obj.name,
            "zone": obj.zone.name if obj.zone else None,
            "kinds": [f for f in KIND_FIELDS if getattr(obj, f)],
            "carrier": obj.carrier.name if obj.carrier_id else None,
            "settled_on": obj.settled_on,
            "note": obj.note,
        }

    def detail_fields(self, obj, *, user=None):
        kinds = (
            "、".join(str(label) for field, _zh, label in ENTERPRISE_KINDS if getattr(obj, field))
            or "—"
        )
        # Enterprises are shared, so their zone may be outside the reader's units: link it to
        # the zone's page there, else to its public profile; a carrier only where it is seen.
        seen = (
            set(
                visible_units(user)
                .filter(pk__in=[obj.zone_id, obj.carrier and obj.carrier.zone_id])
                .values_list("pk", flat=True)
            )
            if user is not None
            else set()
        )
        zone_url = None
        if obj.zone:
            name = "zone_detail" if obj.zone_id in seen else "open_zone_detail"
            zone_url = reverse(name, args=[obj.zone.code])
        carrier_url = (
            reverse("carrier_detail", args=[obj.carrier_id])
            if obj.carrier_id and obj.carrier.zone_id in seen
            else None
        )
        return [
            (_("Unified social credit code"), obj.credit_code, None),
            (_("Zone"), localized(obj.zone) if obj.zone else "—", zone_url),
            (_("Kinds"), kinds, None),
            (_("Sci-tech space"), obj.carrier.name if obj.carrier_id else "—", carrier_url),
            (_("Settled on"), obj.settled_on or "—", None),
            (_("Investment projects"), str(obj.projects.count()), None),
            (_("Note"), obj.note or "—", None),
        ]


class ProjectPages(ScopedRegistryPages):
    model = InvestmentProject
    detail_extra_template = "investment/_project_pipeline.html"
    spreadsheet = PROJECT_REGISTRY
    form_class = ProjectForm
    filterset_class = ProjectFilter
    prefix = "project"
    title = "招商项目"
    nav = "registries"
    list_template = "investment/project_list.html"
    table_template = "investment/_project_table.html"
    instructions = [
        "每行一个招引项目（线索、洽谈、签约、开工、投产）。红色列名为必填。",
        "阶段由日期自动得出：填写到哪一步的日期，项目就处于哪一阶段；日期不能倒序。",
        "500强企业项目、细分行业领军企业项目、核心关键配套项目计入计划的高能级产业化项目。",
        "投资企业以统一社会信用代码关联，须已在企业名录中登记。投资额默认单位亿元。",
    ]

    def objects(self):
        return InvestmentProject.objects.select_related("zone", "enterprise")

    def list_context(self, request):
        return {
            "zones": visible_units(request.user)
            .filter(kind=UnitKind.ZONE)
            .order_by("order", "code"),
            "tiers": Tier.choices,
            "stages": Stage.choices,
            "warning_levels": WarningLevel.choices,
        }

    def save(self, *, user, obj):
        return save_project(user=user, project=obj)

    def detail_context(self, request, obj):
        return pipeline_context(request, obj)

    def page_context(self, request, rows):
        from .measures import current_high_tier_q

        return {
            "high_tier": set(
                InvestmentProject.objects.filter(pk__in=[r.pk for r in rows])
                .filter(current_high_tier_q())
                .values_list("pk", flat=True)
            ),
            "warnings": {
                pk: {"level": level, "label": WarningLevel(level).label, "reasons": reasons}
                for pk, (level, reasons) in warnings_of(rows).items()
            },
        }

    def delete(self, *, user, obj):
        delete_project(user=user, project=obj)

    def export_row(self, obj):
        row = {
            c.key: getattr(obj, c.key)
            for c in PROJECT_REGISTRY.columns
            if c.key not in ("zone", "enterprise")
        }
        return row | {
            "zone": obj.zone.name,
            "enterprise": obj.enterprise.credit_code if obj.enterprise else None,
        }

    def detail_fields(self, obj, *, user=None):
        investment = (
            format_quantity(obj.investment_yuan, "亿元") if obj.investment_yuan is not None else "—"
        )
        enterprise = obj.enterprise
        return [
            (_("Zone"), localized(obj.zone), reverse("zone_detail", args=[obj.zone.code])),
            (
                _("Enterprise"),
                f"{enterprise.name}（{enterprise.credit_code}）" if enterprise else "—",
                reverse("enterprise_detail", args=[enterprise.pk]) if enterprise else None,
            ),
            (
                _("Tier"),
                obj.get_tier_display() + (f" · {_('high-tier')}" if _high_tier(obj) else ""),
                None,
            ),
            (_("Stage today"), obj.stage_label, None),
            (_("Chain action"), obj.get_chain_action_display() or "—", None),
            (_("Industrial chain"), obj.chain or "—", None),
            (_("Investment"), investment, None),
            *[
                (
                    capfirst(InvestmentProject._meta.get_field(f).verbose_name),
                    _date(getattr(obj, f)),
                    None,
                )
                for _s, f in STAGE_DATES
            ],
            (_("Production due by contract"), _date(obj.contract_production_on), None),
            (_("Note"), obj.note or "—", None),
        ]


def _high_tier(project) -> bool:
    """Whether the current plan's rule counts the project as high-tier."""
    from .measures import current_high_tier_q

    return InvestmentProject.objects.filter(pk=project.pk).filter(current_high_tier_q()).exists()


ENTERPRISE_PAGES = EnterprisePages()
PROJECT_PAGES = ProjectPages()


def pipeline_context(request, project, *, stage_form=None, capital_form=None) -> dict:
    """The stage log and capital in place of a project, with the forms that add to them."""
    from .forms import CapitalForm, StageForm

    may_change = PROJECT_PAGES.scope(
        InvestmentProject.objects.filter(pk=project.pk), request.user, Action.CHANGE
    ).exists()
    arrivals = list(project.capital_arrivals.all())
    level, reasons = warnings_of([project])[project.pk]
    return {
        "warning_level": level,
        "warning_reasons": reasons,
        "stage_log": project.stage_changes.select_related("recorded_by"),
        "arrivals": arrivals,
        "in_place": sum((a.amount_yuan for a in arrivals), Decimal(0)),
        "may_change_pipeline": may_change,
        "stage_form": stage_form or StageForm(project=project),
        "capital_form": capital_form or CapitalForm(),
        "needs": {s: [_label(f) for f in fields] for s, fields in stage_requirements().items()},
    }


def _label(field: str) -> str:
    return str(capfirst(InvestmentProject._meta.get_field(field).verbose_name))


def _post_to_project(request, pk: int, form_class, write, done: str, context_key: str):
    """Post one of a project page's forms to its service: a refusal (StageRefused, or the
    service's ValidationError naming fields) shows on the page again with status 400, and
    nothing is written; success goes back to the page with `done`."""
    project = PROJECT_PAGES.get(request, pk, Action.CHANGE)
    form = form_class(request.POST, project=project)
    if form.is_valid():
        try:
            write(project, form.cleaned_data)
        except StageRefused as exc:
            form.add_error(None if "stage" not in form.fields else "stage", str(exc))
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else "on", message)
        else:
            messages.success(request, done)
            return redirect("project_detail", pk=project.pk)
    return _detail_again(request, project, **{context_key: form})


@require_POST
@login_required
def project_stage(request, pk: int):
    """Record a project's next stage."""
    from .forms import StageForm

    def write(project, data):
        advance_stage(
            user=request.user,
            project=project,
            stage=data["stage"],
            on=data["on"],
            note=data["note"],
        )

    return _post_to_project(request, pk, StageForm, write, _("Stage recorded."), "stage_form")


@require_POST
@login_required
def project_capital(request, pk: int):
    """Record capital in place for a project."""
    from .forms import CapitalForm

    def write(project, data):
        record_capital(
            user=request.user,
            project=project,
            on=data["on"],
            amount=data["amount_yuan"],
            note=data["note"],
        )

    return _post_to_project(
        request, pk, CapitalForm, write, _("Capital in place recorded."), "capital_form"
    )


def _detail_again(request, project, **forms_):
    """The project's page with a refused form, answered 400."""
    response = PROJECT_PAGES.detail_view(
        request, project.pk, extra=pipeline_context(request, project, **forms_)
    )
    response.status_code = 400
    return response


# ── Attraction conflicts (docs/conflicts.md) ──


@login_required
def conflict_list(request):
    """The conflicts the user sees, open ones first by default; the city starts a search."""
    from django.core.paginator import Paginator

    from .filtersets import ConflictFilter
    from .selectors import conflicts_for

    data = request.GET.copy()
    if "status" not in data:
        data["status"] = ConflictStatus.OPEN
    scoped = conflicts_for(request.user)
    filterset = ConflictFilter(data, queryset=scoped)
    page = Paginator(
        filterset.qs.prefetch_related("members__project__zone", "members__project__enterprise"),
        25,
    ).get_page(request.GET.get("page"))
    zones = visible_units(request.user).filter(kind=UnitKind.ZONE).order_by("order", "code")
    return render(
        request,
        "investment/conflict_list.html",
        {
            "nav": "conflicts",
            "page": page,
            "filters": filterset.values(),
            "statuses": ConflictStatus.choices,
            "bases": ConflictBasis.choices,
            "zones": zones,
            "open_count": scoped.filter(status=ConflictStatus.OPEN).count(),
            "may_decide": may_decide_conflicts(request.user),
            "holder_rule": HolderRule(settings.ZONEPLAN_CONFLICT_HOLDER).label,
            "threshold": settings.ZONEPLAN_CONFLICT_SIMILARITY,
            "last_search": Job.objects.filter(kind=JobKind.CONFLICTS)
            .order_by("-created_at")
            .first(),
        },
    )


@login_required
def conflict_detail(request, pk: int):
    """One conflict: its projects, the holder the rule names, and the city's decision."""
    from .forms import ConflictDecisionForm
    from .selectors import conflict_lines, conflicts_for

    conflict = get_object_or_404(conflicts_for(request.user), pk=pk)
    lines = conflict_lines(conflict)
    zones = list({line.project.zone_id: line.project.zone for line in lines}.values())
    may_decide = may_decide_conflicts(request.user) and conflict.status != ConflictStatus.CLEARED
    status = 200
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        form = ConflictDecisionForm(request.POST, zones=zones)
        if form.is_valid():
            try:
                decide_conflict(
                    user=request.user,
                    conflict=conflict,
                    decision=form.cleaned_data["decision"],
                    holder_zone_id=form.cleaned_data.get("holder_zone"),
                    shares=form.shares(),
                    note=form.cleaned_data["note"],
                )
            except Refusal as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The decision is recorded; the counts follow it."))
                return redirect("conflict_detail", pk=conflict.pk)
        status = 400
    else:
        initial = {"holder_zone": conflict.holder_zone_id, "note": conflict.note}
        for zone_id, share in (conflict.zone_shares or {}).items():
            initial[f"share_{zone_id}"] = Decimal(share) * 100
        form = ConflictDecisionForm(initial=initial, zones=zones)
    history = conflict.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "investment/conflict_detail.html",
        {
            "nav": "conflicts",
            "conflict": conflict,
            "lines": lines,
            "form": form,
            "may_decide": may_decide,
            "holder_rule": HolderRule(settings.ZONEPLAN_CONFLICT_HOLDER).label,
            "history": history,
        },
        status=status,
    )


@require_POST
@login_required
def conflict_search(request):
    """Start a search for conflicts in a worker (the city's administrators)."""
    from .tasks import start_detection

    if not may_decide_conflicts(request.user):
        raise PermissionDenied
    job = start_detection(user=request.user)
    messages.info(
        request, _("The search for conflicts has started; the list updates when it ends.")
    )
    return redirect("job", pk=job.pk)


# ── Merging duplicate enterprises ──


@require_POST
@login_required
def enterprise_merge(request, pk: int):
    """Merge the enterprise named by its credit code into this one (the city's administrators)."""
    from .forms import MergeForm

    survivor = ENTERPRISE_PAGES.get(request, pk, Action.VIEW)
    if not may_decide_conflicts(request.user):
        raise PermissionDenied
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            merge = merge_enterprises(
                user=request.user,
                survivor=survivor,
                duplicate=form.cleaned_data["duplicate"],
                note=form.cleaned_data["note"],
            )
        except Refusal as exc:
            form.add_error("credit_code", str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is merged into this enterprise; the merge can be undone below.")
                % {"name": merge.merged_name},
            )
            return redirect("enterprise_detail", pk=survivor.pk)
    extra = ENTERPRISE_PAGES.detail_context(request, survivor) | {"merge_form": form}
    response = ENTERPRISE_PAGES.detail_view(request, survivor.pk, extra=extra)
    response.status_code = 400
    return response


@require_POST
@login_required
def enterprise_merge_undo(request, pk: int):
    """Undo a merge: the merged record comes back and what moved points back at it."""
    from .models import EnterpriseMerge

    if not may_decide_conflicts(request.user):
        raise PermissionDenied
    merge = get_object_or_404(EnterpriseMerge, pk=pk)
    try:
        restored = undo_merge(user=request.user, merge=merge)
    except Refusal as exc:
        messages.error(request, str(exc))
        if merge.survivor_id:
            return redirect("enterprise_detail", pk=merge.survivor_id)
        return redirect("enterprise_list")
    messages.success(request, _("The merge is undone: %(name)s is back.") % {"name": restored})
    return redirect("enterprise_detail", pk=restored.pk)


# ── The funnel ──

FUNNEL_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.ZONE)


@login_required
def funnel_page(request):
    """From lead to production, for a unit and each zone under it, on a day (today unless
    `?day=`), with the conversion at each stage."""
    import datetime as dt

    from django.http import Http404
    from django.utils import timezone
    from django.utils.translation import get_language

    from .selectors import funnel

    unit = scope_unit(request.user, request.GET.get("unit", ""), FUNNEL_KINDS)
    if unit is None:
        raise Http404
    today = timezone.localdate()
    day, day_error = today, ""
    if request.GET.get("day"):
        try:
            day = dt.date.fromisoformat(request.GET["day"][:10])
        except ValueError:
            day_error = _("“%(value)s” is not a date (YYYY-MM-DD); today is shown.") % {
                "value": request.GET["day"][:20]
            }
        else:
            if day > today:
                day, day_error = today, _("The day is after today; today is shown.")
    total, rows = funnel(unit_id=unit.pk, day=day, english=get_language() == "en")
    stages = [Stage(s).label for s, _f in STAGE_DATES]
    return render(
        request,
        "investment/funnel.html",
        {
            "nav": "registries",
            "unit": unit,
            "units": visible_units(request.user).filter(kind__in=FUNNEL_KINDS).order_by("path"),
            "day": day,
            "day_error": day_error,
            "stages": stages,
            "total": total,
            "total_steps": list(
                zip(stages, total.reached, [None, *total.conversions], strict=True)
            ),
            "top": total.reached[0] or 1,
            "rows": [(r, list(zip(r.reached, [None, *r.conversions], strict=True))) for r in rows],
        },
        status=400 if day_error else 200,
    )
