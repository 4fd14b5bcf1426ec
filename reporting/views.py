import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import is_city_admin, reports_for_unit, restrict
from core import files
from core.evidence import download
from core.registry_views import xlsx_response
from core.tabular.read import UploadError

from .choices import EDITABLE, Step
from .models import DataSet, Submission
from .selectors import completeness, open_periods
from .services import (
    Refused,
    StaleVersion,
    attach_evidence,
    is_locked,
    open_submission,
    rule_failures,
    save_values,
    steps_for,
    take_step,
)
from .spreadsheets import form_workbook, values_from_workbook

EVENTS_SHOWN = 50


def _periods(data_set: DataSet, today) -> list[tuple[dt.date, dt.date]]:
    """The periods a unit may open now, newest first, with their due days: those that have
    ended, are not locked yet, and are not before the data set's first period."""
    return [
        (end, end + dt.timedelta(days=data_set.due_days))
        for _start, end in reversed(open_periods(data_set, today))
        if data_set.starts_on is None or end >= data_set.starts_on
    ]


@login_required
def submission_list(request):
    """The submissions the user may see, newest period first, and the data sets the user's
    units report, to open this period's submission."""
    submissions = (
        restrict(Submission.objects.all(), request.user, via="unit")
        .select_related("data_set", "unit")
        .order_by("-period_end", "unit__code")[:200]
    )
    today = timezone.localdate()
    reporting = [
        (data_set, unit, _periods(data_set, today))
        for data_set in DataSet.objects.prefetch_related("units")
        for unit in restrict(data_set.units.all(), request.user, "change", via="")
        if reports_for_unit(request.user, unit)
    ]
    return render(
        request,
        "reporting/submission_list.html",
        {
            "nav": "reporting",
            "submissions": submissions,
            "reporting": reporting,
            "notices": request.user.notices.all()[:20],
            "can_define": is_city_admin(request.user),
        },
    )


@login_required
def submission_open(request):
    """Open (or find) a unit's submission for a period, then go to it."""
    if request.method != "POST":
        return redirect("submission_list")
    data_set = get_object_or_404(DataSet, code=request.POST.get("data_set", ""))
    unit = get_object_or_404(
        restrict(data_set.units.all(), request.user, "change", via=""),
        code=request.POST.get("unit", ""),
    )
    if not reports_for_unit(request.user, unit):
        messages.error(
            request, _("“%(unit)s” reports through its own officers.") % {"unit": unit.name}
        )
        return redirect("submission_list")
    try:
        period_end = dt.date.fromisoformat(request.POST.get("period_end", ""))
        submission = open_submission(data_set, unit, period_end)
    except ValueError:
        messages.error(
            request,
            _("The period end should be a date (YYYY-MM-DD), such as the last day of last month."),
        )
        return redirect("submission_list")
    except Refused as error:
        messages.error(request, str(error))
        return redirect("submission_list")
    return redirect("submission_page", pk=submission.pk)


@login_required
def submission_page(request, pk: int):
    """The entry form and the review page in one: values, state, history and the steps the user
    may take. The version travels in the form, so a stale save is refused."""
    submission = get_object_or_404(
        restrict(Submission.objects.select_related("data_set", "unit"), request.user, via="unit"),
        pk=pk,
    )
    error, status = "", 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            if step == "evidence":
                attach_evidence(submission, request.FILES.get("evidence"), user=request.user)
                messages.success(request, _("File attached"))
            elif step == "upload":  # the same form, filled in Excel
                upload = request.FILES.get("file")
                if upload is None:
                    raise Refused(_("Choose the filled-in form (.xlsx)."))
                if upload.size > settings.ZONEPLAN_IMPORT_MAX_BYTES:
                    raise Refused(_("The file is too large."))
                try:
                    values = values_from_workbook(upload.read(), upload.name)
                except UploadError as bad:
                    raise Refused(str(bad)) from None
                save_values(submission, values, user=request.user, version=version)
                messages.success(request, _("Saved"))
            elif step == Step.SAVE:
                values = {
                    key.removeprefix("value:"): text[:100]
                    for key, text in request.POST.items()
                    if key.startswith("value:")
                }
                save_values(submission, values, user=request.user, version=version)
                messages.success(request, _("Saved"))
            else:
                take_step(
                    submission,
                    step,
                    user=request.user,
                    version=version,
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, Step(step).label)
            return redirect("submission_page", pk=submission.pk)
        except Refused as refused:
            error, status = str(refused), 409 if isinstance(refused, StaleVersion) else 400
            submission.refresh_from_db()
    if submission.pk is None:
        raise Http404
    stored = {v.indicator_id: v for v in submission.values.all()}
    posted = request.POST if status != 200 else {}  # what they typed is shown back, not lost
    rows = [
        {
            "indicator": indicator,
            "value": stored[indicator.pk].value if indicator.pk in stored else None,
            "flagged": indicator.pk in stored and stored[indicator.pk].flagged,
            "posted": posted.get(f"value:{indicator.code}") if posted else None,
        }
        for indicator in submission.data_set.indicators.order_by("code")
    ]
    return render(
        request,
        "reporting/submission.html",
        {
            "nav": "reporting",
            "submission": submission,
            "rows": rows,
            "steps": steps_for(request.user, submission),
            "checks": rule_failures(submission) if submission.state in EDITABLE else ([], []),
            # Newest first, and only the latest: a busy form is saved hundreds of times.
            "events": submission.events.select_related("user").order_by("-at", "-pk")[
                :EVENTS_SHOWN
            ],
            "event_count": submission.events.count(),
            "evidence": submission.evidence.defer("content").select_related("uploaded_by"),
            "locked": is_locked(submission),
            "error": error,
            "Step": {s.name: s.value for s in Step},
        },
        status=status,
    )


@login_required
def completeness_page(request):
    """For each reporting unit in the user's scope, which recent periods were reported and
    whether on time (a missing or late report is what a district chases)."""
    data_sets = list(DataSet.objects.all())
    code = request.GET.get("data_set") or (data_sets[0].code if data_sets else "")
    data_set = next((d for d in data_sets if d.code == code), None)
    if data_sets and data_set is None:
        raise Http404
    table = (
        completeness(
            data_set,
            restrict(data_set.units.all(), request.user, via=""),
            today=timezone.localdate(),
        )
        if data_set
        else None
    )
    return render(
        request,
        "reporting/completeness.html",
        {"nav": "reporting", "data_sets": data_sets, "data_set": data_set, "table": table},
    )


@login_required
def submission_workbook(request, pk: int):
    """The entry form as a workbook, to fill in Excel and upload on the submission's page."""
    submission = get_object_or_404(
        restrict(Submission.objects.select_related("data_set", "unit"), request.user, via="unit"),
        pk=pk,
    )
    name = f"{submission.data_set.name}-{submission.unit.name}-{submission.period_end:%Y-%m}.xlsx"
    return xlsx_response(form_workbook(submission), name)


@login_required
def evidence_file(request, pk: int, evidence_pk: int):
    """An evidence file, to whoever may see its submission; always as a download."""
    from .models import Evidence

    submission = get_object_or_404(
        restrict(Submission.objects.all(), request.user, via="unit"), pk=pk
    )
    evidence = get_object_or_404(Evidence, pk=evidence_pk, submission=submission)
    return download(evidence.name, files.content_of(evidence))


def _require_city_admin(user) -> None:
    from django.core.exceptions import PermissionDenied

    if not is_city_admin(user):
        raise PermissionDenied(_("Only the city's administrators may define data sets."))


@login_required
def data_set_list(request):
    """The data sets, for the city's administrators to define and change."""
    from django.db.models import Count

    _require_city_admin(request.user)
    data_sets = DataSet.objects.annotate(
        indicator_count=Count("indicators", distinct=True),
        unit_count=Count("units", distinct=True),
        rule_count=Count("rules", distinct=True),
    )
    return render(
        request, "reporting/data_set_list.html", {"nav": "reporting", "data_sets": data_sets}
    )


@login_required
def data_set_edit(request, pk: int | None = None):
    """A data set with its indicators (chosen or new), units and rules, saved all or nothing."""
    from .forms import DataSetForm, RuleFormSet, check_rules
    from .services import save_data_set

    _require_city_admin(request.user)
    data_set = get_object_or_404(DataSet, pk=pk) if pk else None
    if request.method == "POST":
        form = DataSetForm(request.POST, instance=data_set)
        rules = RuleFormSet(request.POST, prefix="rules")
        form_ok, rules_ok = form.is_valid(), rules.is_valid()
        kept = check_rules(rules, form.indicator_codes()) if form_ok and rules_ok else []
        if form_ok and rules_ok and not any(f.errors for f in rules):
            saved = save_data_set(form, kept)
            messages.success(request, _("Data set saved: %(name)s") % {"name": saved.name})
            return redirect("data_set_list")
        status = 400
    else:
        form = DataSetForm(instance=data_set)
        initial = (
            [
                {"expression": r.expression, "severity": r.severity, "message": r.message}
                for r in data_set.rules.all()
            ]
            if data_set
            else []
        )
        rules = RuleFormSet(prefix="rules", initial=initial)
        status = 200
    return render(
        request,
        "reporting/data_set_form.html",
        {"nav": "reporting", "form": form, "rules": rules, "data_set": data_set},
        status=status,
    )
