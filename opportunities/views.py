"""The pages of the opportunity lists inside the platform: the list, a new opportunity, its
page with versions and review steps, editing, and the review's actions (docs/portal.md).
Rights come from accounts.scoping; the portal's pages are in `public.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Action
from accounts.scoping import (
    may_issue_opportunity,
    may_publish_scenario,
    may_review_opportunity,
    responses_for,
    visible_units,
)
from core.refusals import Forbidden, Refusal
from territory.choices import UnitKind

from .choices import EDITABLE, ResponseStatus, VersionStatus
from .filtersets import OpportunityFilter
from .forms import OpportunityForm, ReviewForm, ScenarioForm, WithdrawForm
from .models import Field, Opportunity
from .selectors import awaiting_review, opportunities_for, scenarios_for
from .services import (
    attach_evidence,
    mark_response,
    publish_scenario,
    response_to_lead,
    review,
    review_levels,
    save_draft,
    save_scenario,
    submit,
    withdraw,
)


def _get(request, pk: int) -> Opportunity:
    return get_object_or_404(opportunities_for(request.user), pk=pk)


@login_required
def opportunity_list(request):
    """The opportunities of the units the user sees, with what awaits the user's review."""
    scoped = opportunities_for(request.user)
    filterset = OpportunityFilter(request.GET, queryset=scoped)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    units = (
        visible_units(request.user)
        .filter(kind__in=(UnitKind.ZONE, UnitKind.DISTRICT, UnitKind.CITY))
        .order_by("depth", "order", "code")
    )
    return render(
        request,
        "opportunities/list.html",
        {
            "nav": "opportunities",
            "page": page,
            "filters": filterset.values(),
            "units": units,
            "fields": Field.objects.all(),
            "statuses": VersionStatus.choices,
            "awaiting": awaiting_review(request.user)[:50],
            "may_issue": visible_units(request.user, Action.CHANGE).exists(),
        },
    )


def _form_page(request, form, *, opportunity=None, status=200):
    return render(
        request,
        "opportunities/form.html",
        {"nav": "opportunities", "form": form, "opportunity": opportunity},
        status=status,
    )


def _save(request, form, **where):
    """Save the form's content through the service; its refusals land on the form."""
    try:
        return save_draft(user=request.user, values=form.values(), **where)
    except ValidationError as exc:
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    except Refusal as exc:
        form.add_error(None, str(exc))
    return None


@login_required
def opportunity_create(request):
    if not visible_units(request.user, Action.CHANGE).exists():
        raise PermissionDenied
    form = OpportunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        version = _save(request, form, unit=form.cleaned_data["unit"])
        if version is not None:
            messages.success(request, _("The draft is saved; submit it for review when ready."))
            return redirect("opportunity_detail", pk=version.opportunity_id)
    return _form_page(request, form, status=400 if request.method == "POST" else 200)


@login_required
def opportunity_edit(request, pk: int):
    opportunity = _get(request, pk)
    if not may_issue_opportunity(request.user, opportunity.unit):
        raise PermissionDenied
    latest = opportunity.latest
    if request.method == "POST":
        form = OpportunityForm(request.POST, user=request.user, opportunity=opportunity)
        if form.is_valid():
            version = _save(request, form, opportunity=opportunity)
            if version is not None:
                if latest is not None and version.pk != latest.pk:
                    messages.success(
                        request,
                        _(
                            "Version %(n)s is a draft; the published version stays public "
                            "until this one is reviewed and published."
                        )
                        % {"n": version.number},
                    )
                else:
                    messages.success(request, _("The draft is saved."))
                return redirect("opportunity_detail", pk=opportunity.pk)
        return _form_page(request, form, opportunity=opportunity, status=400)
    form = OpportunityForm(instance=latest, user=request.user, opportunity=opportunity)
    return _form_page(request, form, opportunity=opportunity)


@login_required
def opportunity_detail(request, pk: int):
    from core.models import Attachment

    opportunity = _get(request, pk)
    versions = list(
        opportunity.versions.select_related("kind", "field", "created_by").prefetch_related(
            "steps__user"
        )
    )
    latest = versions[0] if versions else None
    user = request.user
    may_issue = may_issue_opportunity(user, opportunity.unit)
    return render(
        request,
        "opportunities/detail.html",
        {
            "nav": "opportunities",
            "opportunity": opportunity,
            "latest": latest,
            "versions": versions,
            "levels": review_levels(opportunity.unit),
            "may_issue": may_issue,
            "may_edit": may_issue
            and latest is not None
            and latest.status != VersionStatus.IN_REVIEW,
            "may_submit": may_issue and latest is not None and latest.status in EDITABLE,
            "may_review": latest is not None
            and latest.status == VersionStatus.IN_REVIEW
            and may_review_opportunity(user, opportunity.unit, latest.awaiting),
            "may_withdraw": may_issue and opportunity.published_id is not None,
            "attachments": Attachment.objects.of(opportunity).select_related("uploaded_by"),
            "review_form": ReviewForm(),
            "withdraw_form": WithdrawForm(),
        },
    )


def _act(request, pk: int, action, done: str):
    opportunity = _get(request, pk)
    try:
        action(opportunity)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    except Refusal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("opportunity_detail", pk=opportunity.pk)


@require_POST
@login_required
def opportunity_submit(request, pk: int):
    def act(opportunity):
        latest = opportunity.latest
        if latest is None:
            raise PermissionDenied
        submit(user=request.user, version=latest)

    return _act(request, pk, act, _("Submitted for review."))


@require_POST
@login_required
def opportunity_review(request, pk: int):
    opportunity = _get(request, pk)
    latest = opportunity.latest
    level = (latest.awaiting if latest else "") or "city"
    if not (
        may_issue_opportunity(request.user, opportunity.unit)
        or may_review_opportunity(request.user, opportunity.unit, level)
    ):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to return it."))
        return redirect("opportunity_detail", pk=opportunity.pk)
    approve = form.cleaned_data["decision"] == "approve"

    def act(opportunity):
        latest = opportunity.latest
        if latest is None:
            raise PermissionDenied
        version = review(
            user=request.user, version=latest, approve=approve, note=form.cleaned_data["note"]
        )
        if version.status == VersionStatus.PUBLISHED:
            messages.info(request, _("It is published: the public sees this version now."))

    return _act(
        request, pk, act, _("The decision is recorded.") if approve else _("Returned for changes.")
    )


@require_POST
@login_required
def opportunity_withdraw(request, pk: int):
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""

    def act(opportunity):
        withdraw(user=request.user, opportunity=opportunity, note=note)

    return _act(request, pk, act, _("Withdrawn: the public no longer sees it."))


@require_POST
@login_required
def opportunity_attach(request, pk: int):
    """Attach an evidence file to an opportunity; a refusal says why and keeps nothing."""
    upload = request.FILES.get("file")
    name = upload.name if upload is not None else ""

    def act(opportunity):
        attach_evidence(user=request.user, opportunity=opportunity, upload=upload)

    return _act(request, pk, act, _("File attached: %(name)s") % {"name": name})


@login_required
def opportunity_attachment(request, pk: int, attachment_pk: int):
    """An opportunity's evidence file, as a download, for those who see the opportunity."""
    from core import evidence, files
    from core.models import Attachment

    opportunity = _get(request, pk)
    attachment = get_object_or_404(Attachment.objects.of(opportunity), pk=attachment_pk)
    return evidence.download(attachment.name, files.content_of(attachment))


# ── Scenario IPs ──


@login_required
def scenario_list(request):
    scenarios = scenarios_for(request.user).order_by("zone__order", "zone__code", "name")
    field = request.GET.get("field", "")[:40]
    if field:
        scenarios = scenarios.filter(field__code=field)
    return render(
        request,
        "opportunities/scenario_list.html",
        {
            "nav": "opportunities",
            "scenarios": scenarios,
            "fields": Field.objects.all(),
            "field": field,
            "may_create": visible_units(request.user, Action.CHANGE)
            .filter(kind=UnitKind.ZONE)
            .exists(),
        },
    )


def _scenario_form_page(request, form, scenario=None, status=200):
    return render(
        request,
        "opportunities/scenario_form.html",
        {"nav": "opportunities", "form": form, "scenario": scenario},
        status=status,
    )


def _save_scenario(request, form, scenario):
    try:
        return save_scenario(
            user=request.user,
            scenario=scenario,
            projects=list(form.cleaned_data.get("projects") or []),
            enterprises=form.cleaned_data.get("enterprise_codes") or [],
        )
    except ValidationError as exc:
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    except Refusal as exc:
        form.add_error(None, str(exc))
    return None


@login_required
def scenario_create(request):
    if not visible_units(request.user, Action.CHANGE).filter(kind=UnitKind.ZONE).exists():
        raise PermissionDenied
    form = ScenarioForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_scenario(request, form, form.save(commit=False))
        if saved is not None:
            messages.success(request, _("The scenario IP is saved; the city publishes it."))
            return redirect("scenario_detail", pk=saved.pk)
    return _scenario_form_page(request, form, status=400 if request.method == "POST" else 200)


@login_required
def scenario_edit(request, pk: int):
    scenario = get_object_or_404(scenarios_for(request.user), pk=pk)
    if not may_issue_opportunity(request.user, scenario.zone):
        raise PermissionDenied
    form = ScenarioForm(request.POST or None, instance=scenario, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            saved = _save_scenario(request, form, form.save(commit=False))
            if saved is not None:
                messages.success(request, _("The scenario IP is saved."))
                return redirect("scenario_detail", pk=saved.pk)
        return _scenario_form_page(request, form, scenario, status=400)
    return _scenario_form_page(request, form, scenario)


@login_required
def scenario_detail(request, pk: int):
    scenario = get_object_or_404(scenarios_for(request.user), pk=pk)
    return render(
        request,
        "opportunities/scenario_detail.html",
        {
            "nav": "opportunities",
            "scenario": scenario,
            "opportunities": opportunities_for(request.user)
            .filter(versions__scenario=scenario)
            .distinct(),
            "projects": scenario.projects.select_related("zone"),
            "enterprises": scenario.enterprises.all(),
            "may_edit": may_issue_opportunity(request.user, scenario.zone),
            "may_publish": may_publish_scenario(request.user),
            "status_labels": dict(VersionStatus.choices),
            "history": scenario.history.select_related("history_user").order_by("-history_date")[
                :20
            ],
        },
    )


@require_POST
@login_required
def scenario_publish(request, pk: int):
    scenario = get_object_or_404(scenarios_for(request.user), pk=pk)
    if not may_publish_scenario(request.user):
        raise PermissionDenied
    publish = request.POST.get("publish") == "1"
    try:
        publish_scenario(user=request.user, scenario=scenario, publish=publish)
    except Refusal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Published: the portal shows it.") if publish else _("Taken off the portal."),
        )
    return redirect("scenario_detail", pk=scenario.pk)


# ── Answers to opportunities (揭榜): the issuing unit's inbox ──


def _responses(request):
    from .models import Response

    return responses_for(
        request.user,
        Response.objects.select_related("opportunity__unit", "version", "project"),
    )


@login_required
def response_list(request):
    """The answers to the opportunities of the units the user is an officer of."""
    responses = _responses(request)
    status = request.GET.get("status", "")
    if status in ResponseStatus.values:
        responses = responses.filter(status=status)
    page = Paginator(responses, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "opportunities/response_list.html",
        {
            "nav": "opportunities",
            "page": page,
            "status": status,
            "statuses": ResponseStatus.choices,
            "new_count": _responses(request).filter(status=ResponseStatus.NEW).count(),
        },
    )


@login_required
def response_detail(request, pk: int):
    response = get_object_or_404(_responses(request), pk=pk)
    if request.method == "POST":
        try:
            mark_response(
                user=request.user,
                response=response,
                status=request.POST.get("status", ""),
                note=request.POST.get("note", ""),
            )
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from None
        except Refusal as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The answer is marked."))
        return redirect("response_detail", pk=response.pk)
    return render(
        request,
        "opportunities/response_detail.html",
        {
            "nav": "opportunities",
            "r": response,
            "statuses": [c for c in ResponseStatus.choices if c[0] != ResponseStatus.NEW],
            "may_lead": response.opportunity.unit.kind == UnitKind.ZONE
            and response.project_id is None,
        },
    )


@login_required
def response_file(request, pk: int):
    from core import evidence, files

    response = get_object_or_404(_responses(request), pk=pk)
    if not response.file_name:
        raise Http404
    return evidence.download(response.file_name, files.content_of(response))


@require_POST
@login_required
def response_lead(request, pk: int):
    response = get_object_or_404(_responses(request), pk=pk)
    try:
        project = response_to_lead(user=request.user, response=response)
    except (Forbidden, PermissionDenied) as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    except Refusal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The answer is now a lead among the zone's projects."))
        return redirect("project_detail", pk=project.pk)
    return redirect("response_detail", pk=response.pk)
