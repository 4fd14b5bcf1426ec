"""The assessment's pages: runs (start one, watch its progress), the results of a run, a zone's
scorecard, publication, and the report (.docx) and results (.xlsx).

Who sees what: the city's roles see every zone; a district officer the district's zones; a
zone officer the own zone (accounts.scoping, through each result's zone). Only a city
administrator starts and publishes runs. Published results are public (`public_results`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.scoping import is_city_admin, restrict, roles_of
from core.registry_views import xlsx_response
from core.templatetags.zoneplan import localized
from core.wordfile import CONTENT_TYPE as WORD_CONTENT_TYPE
from jobs.selectors import waits_for_a_worker
from jobs.services import lease, take_back_lost

from . import services
from .framework import AssessmentError
from .models import Consequence, Run
from .reports import report_docx, results_xlsx
from .scorecard import scorecard


def _require_admin(user) -> None:
    if not is_city_admin(user):
        raise PermissionDenied(_("Only the city's administrators start or publish an assessment."))


@login_required
def run_list(request):
    runs = Run.objects.select_related("started_by", "job").annotate(
        zones=Count("results"), fragile=Count("results", filter=Q(results__robust=False))
    )[:50]
    if request.method == "POST":
        _require_admin(request.user)
        try:
            year = int(request.POST.get("year", ""))
            samples = int(request.POST.get("samples", "1000"))
        except ValueError:
            messages.error(request, _("The year and the number of samples must be whole numbers."))
            return redirect("assessment_runs")
        try:
            run = services.start(year, user=request.user, samples=samples)
        except AssessmentError as error:
            messages.error(request, str(error))
            return redirect("assessment_runs")
        return redirect("assessment_run", pk=run.pk)
    return render(
        request,
        "assessment/run_list.html",
        {
            "nav": "assessment",
            "runs": runs,
            "can_start": is_city_admin(request.user),
            "default_year": _default_year(),
        },
    )


def _default_year() -> int:
    """The year a run is for unless the administrator says otherwise: the last year that has
    ended, but no later than the current plan's last year (a 2020 plan is assessed for 2020)."""
    from plans.selectors import current_plan

    last = timezone.localdate().year - 1
    plan = current_plan()
    return min(last, plan.ends_on.year) if plan is not None else last


def _results(request, run):
    return restrict(run.results.select_related("unit", "unit__parent"), request.user)


@login_required
def run_page(request, pk: int):
    run = get_object_or_404(Run.objects.select_related("started_by", "job"), pk=pk)
    if run.status in (Run.Status.QUEUED, Run.Status.RUNNING) and run.job:
        take_back_lost(job=run.job)  # a lost worker shows here even when none is running
        run.refresh_from_db()
    progress = _progress_context(run)
    if request.headers.get("HX-Request") and run.status in (Run.Status.QUEUED, Run.Status.RUNNING):
        return render(request, "assessment/_progress.html", progress)
    if request.headers.get("HX-Request"):
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # finished: show the results
        return response
    results = list(_results(request, run).order_by("rank", "unit__code"))
    chart = [
        {
            "zone": localized(r.unit),
            "low": r.rank_low,
            "high": r.rank_high,
            "rank": r.scheme_rank,
            "robust": r.robust,
        }
        for r in sorted(results, key=lambda r: (r.scheme_rank or 10**9))[:60]
    ]
    schemes = run.outputs.get("schemes", {}) if run.outputs else {}
    return render(
        request,
        "assessment/run.html",
        {
            **progress,
            "nav": "assessment",
            "results": results,
            "chart": chart,
            "fragile": sum(not r.robust for r in results),
            "sensitivity": {code: s.get("sensitivity", {}) for code, s in schemes.items()},
            "grades": _grade_names(run),
            "can_publish": is_city_admin(request.user) and run.status == Run.Status.DONE,
            "can_verify": bool(roles_of(request.user) & {Role.CITY_ADMIN, Role.CITY_VIEWER}),
        },
    )


def _progress_context(run) -> dict:
    job = run.job
    return {
        "run": run,
        "job": job,
        "unclaimed": bool(job) and waits_for_a_worker(job),
        "lease": lease().seconds,
    }


def _grade_names(run) -> list[str]:
    for frozen in (run.inputs or {}).get("schemes", {}).values():
        return [g["name"] for g in frozen["scheme"]["grades"]]
    return []


@login_required
@require_POST
def publish(request, pk: int):
    _require_admin(request.user)
    run = get_object_or_404(Run, pk=pk, status=Run.Status.DONE)
    if request.POST.get("action") == "withdraw":
        Run.objects.filter(pk=pk).update(published_at=None)
        messages.success(request, _("The publication is withdrawn."))
        return redirect("assessment_run", pk=pk)
    fragile = run.results.filter(robust=False).count()
    if fragile and request.POST.get("confirm_fragile") != "yes":
        messages.error(
            request,
            _(
                "%(n)s zones have grades that are not robust: review them, tick “%(box)s”, "
                "then publish."
            )
            % {"n": fragile, "box": _("I have reviewed the grades that are not robust")},
        )
        return redirect("assessment_run", pk=pk)
    # One published run per year: publishing this one withdraws an earlier one.
    Run.objects.filter(published_at__isnull=False, year=run.year).update(published_at=None)
    Run.objects.filter(pk=pk).update(published_at=timezone.now())
    messages.success(request, _("The results of %(year)s are published.") % {"year": run.year})
    return redirect("assessment_run", pk=pk)


@login_required
def zone_scorecard(request, pk: int, code: str):
    run = get_object_or_404(Run, pk=pk, status=Run.Status.DONE)
    result = get_object_or_404(_results(request, run), unit__code=code)
    return render(
        request,
        "assessment/scorecard.html",
        {"nav": "assessment", "run": run, "result": result, **scorecard(run, result)},
    )


@login_required
def run_report(request, pk: int, kind: str):
    run = get_object_or_404(Run, pk=pk, status=Run.Status.DONE)
    results = list(_results(request, run).order_by("rank", "unit__code"))
    name = f"{run.year}年产业功能区考核结果"
    if kind == "xlsx":
        return xlsx_response(results_xlsx(run, results), f"{name}.xlsx")
    if kind != "docx":
        raise Http404
    response = HttpResponse(report_docx(run, results), content_type=WORD_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}报告.docx")
    return response


def public_results(request):
    """The latest published results of each year, for everyone (no log-in)."""
    from .selectors import latest_published_run, published_results

    run = latest_published_run()
    results = list(published_results(run))
    return render(request, "assessment/public.html", {"run": run, "results": results})


@login_required
def consequences_page(request, pk: int):
    """What the grades bring: proposals the city confirms or rejects (with a reason)."""
    run = get_object_or_404(Run, pk=pk, status=Run.Status.DONE)
    if request.method == "POST":
        _require_admin(request.user)
        from .consequences import decide

        consequence = get_object_or_404(
            Consequence, pk=request.POST.get("consequence") or 0, run=run
        )
        try:
            decide(
                consequence,
                request.POST.get("decision", ""),
                user=request.user,
                comment=request.POST.get("comment", "")[:1000],
            )
        except AssessmentError as error:
            messages.error(request, f"{consequence.unit.name}：{error}")
        else:
            messages.success(request, f"已记录对{consequence.unit.name}的决定")
        return redirect("assessment_consequences", pk=pk)
    rows = restrict(run.consequences.select_related("unit", "decided_by"), request.user, via="unit")
    return render(
        request,
        "assessment/consequences.html",
        {
            "nav": "assessment",
            "run": run,
            "rows": rows,
            "can_decide": is_city_admin(request.user),
        },
    )


@login_required
@require_POST
def verify_run(request, pk: int):
    """Recompute the run from what it froze and say whether every result is identical. For the
    city's roles: a recomputation costs as much as the run did."""
    if not roles_of(request.user) & {Role.CITY_ADMIN, Role.CITY_VIEWER}:
        raise PermissionDenied("只有市级用户可以复核考核计算")
    run = get_object_or_404(Run, pk=pk, status=Run.Status.DONE)
    if services.verify(run):
        messages.success(request, "已按存档的方案与数据重新计算：结果与存档完全一致")
    else:
        messages.error(request, "重新计算的结果与存档不一致：存档可能被改动，请勿使用并联系管理员")
    return redirect("assessment_run", pk=pk)


@login_required
def scheme_list(request):
    """The schemes in force: what counts, how much, the goalposts, the grades, and why — so a
    zone knows how it will be assessed."""
    from .models import Scheme

    schemes = Scheme.objects.prefetch_related("stages", "ecosystems", "grades", "nodes")
    rows = []
    for scheme in schemes:
        nodes = list(scheme.nodes.all())
        dimensions = [n for n in nodes if n.parent_id is None]
        total = sum(d.weight for d in dimensions) or 1
        rows.append(
            {
                "scheme": scheme,
                "dimensions": [
                    {
                        "node": d,
                        "share": d.weight / total,
                        "indicators": [n for n in nodes if n.parent_id == d.pk],
                    }
                    for d in dimensions
                ],
            }
        )
    return render(request, "assessment/schemes.html", {"nav": "assessment", "rows": rows})
