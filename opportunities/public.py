"""The public portal (/open/): published opportunities for anyone, with no log-in. Only a
version that is published now is shown; a draft, a version in review, a superseded or a
withdrawn version, and everything about who reviewed it, never are (docs/portal.md)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core import richtext
from plans.pagecache import public_page
from territory.choices import UnitKind
from territory.models import Unit

from .filtersets import PublicFilter
from .models import Field, Kind
from .selectors import counts_by_field, counts_by_unit, published, published_scenarios

PAGE = 20
FEED_ITEMS = 50


def _filtered(request):
    filterset = PublicFilter(request.GET, queryset=published())
    return filterset, filterset.qs


def _choices():
    # Every zone, not only those with something published: that would ask the whole list
    # (a second of the page's time at 100,000 opportunities).
    return {
        "zones": Unit.objects.filter(kind=UnitKind.ZONE).order_by("order", "code"),
        "districts": Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("order", "code"),
        "fields": Field.objects.all(),
        "kinds": Kind.objects.all(),
    }


@public_page
def portal_home(request):
    """The portal's front page: counts by field, the latest published, a search box."""
    latest = published().order_by("-published_at", "-pk")[:10]
    return render(
        request,
        "opportunities/open/home.html",
        {
            "nav_open": "home",
            "latest": latest,
            "by_field": counts_by_field(),
            "open_count": published(timezone.localdate()).count(),
            "total": published().count(),
            "today": timezone.localdate(),
            **_choices(),
        },
    )


@public_page
def portal_screen(request):
    """A page a leader shows on a big screen: what is published and open, by field and by
    zone, and the latest published; it reloads itself every minute."""
    today = timezone.localdate()
    by_field = counts_by_field()
    by_unit = counts_by_unit(today)
    return render(
        request,
        "opportunities/open/screen.html",
        {
            "by_field": by_field,
            "field_most": max((n for _f, n in by_field), default=0),
            "by_unit": by_unit,
            "unit_most": max((n for _u, n in by_unit), default=0),
            "latest": published().order_by("-published_at", "-pk")[:8],
            "open_count": published(today).count(),
            "total": published().count(),
            "scenario_count": published_scenarios().count(),
            "now": timezone.localtime(),
            "today": today,
        },
    )


@public_page
def portal_list(request):
    filterset, versions = _filtered(request)
    page = Paginator(versions, PAGE).get_page(request.GET.get("page"))
    filters = filterset.values()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "opportunities/open/list.html",
        {
            "nav_open": "opportunities",
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            **_choices(),
        },
    )


@public_page
def portal_detail(request, pk: int):
    version = published().filter(opportunity_id=pk).first()
    if version is None:
        raise Http404(_("No published opportunity has this number."))
    return render(
        request,
        "opportunities/open/detail.html",
        {"nav_open": "opportunities", "v": version, "today": timezone.localdate()},
    )


@public_page
def portal_scenarios(request):
    """The scenario IPs the city has published, by field."""
    scenarios = published_scenarios().order_by("field__order", "zone__order", "name")
    field = request.GET.get("field", "")[:40]
    if field:
        scenarios = scenarios.filter(field__code=field)
    return render(
        request,
        "opportunities/open/scenarios.html",
        {
            "nav_open": "scenarios",
            "scenarios": scenarios,
            "fields": Field.objects.all(),
            "field": field,
        },
    )


@public_page
def portal_scenario(request, pk: int):
    scenario = published_scenarios().filter(pk=pk).first()
    if scenario is None:
        raise Http404(_("No published scenario IP has this number."))
    return render(
        request,
        "opportunities/open/scenario.html",
        {
            "nav_open": "scenarios",
            "scenario": scenario,
            "versions": published().filter(scenario=scenario).order_by("-published_at"),
            "enterprises": scenario.enterprises.order_by("name"),
            "today": timezone.localdate(),
        },
    )


class OpportunityFeed(Feed):
    """The published opportunities as an Atom feed, narrowed by the list's filters."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return request

    def title(self, request):
        return _("Opportunity lists of the industrial zones")

    def link(self, request):
        query = request.GET.urlencode()
        return reverse("open_opportunity_list") + (f"?{query}" if query else "")

    def subtitle(self, request):
        return _("Published opportunities, newest first.")

    def items(self, request):
        _filterset, versions = _filtered(request)
        return versions[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return richtext.plain(item.description)[:500]

    def item_link(self, item):
        return reverse("open_opportunity_detail", args=[item.opportunity_id])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.field.name, item.kind.name]

    def item_author_name(self, item):
        return item.opportunity.unit.name


portal_feed = public_page(OpportunityFeed())


def portal_respond(request, pk: int):
    """The public answer form of a published, open opportunity (揭榜); a refusal is answered
    with its reason in the sender's words, and nothing of the answer is kept."""
    from accounts.addresses import client_address

    from .forms import ResponseForm
    from .models import Opportunity
    from .services import ResponseRefused, consent_text, respond

    version = published().filter(opportunity_id=pk).first()
    if version is None:
        # Withdrawn: say so (and count a sending); never published: as if it did not exist.
        was = Opportunity.objects.filter(pk=pk, versions__published_at__isnull=False).first()
        if was is None:
            raise Http404(_("No published opportunity has this number."))
        if request.method == "POST":
            try:
                respond(opportunity_id=pk, values={}, address=client_address(request),
                        opened_at=None, honeypot="")  # fmt: skip
            except ResponseRefused:
                pass
        return render(
            request,
            "opportunities/open/withdrawn.html",
            {"nav_open": "opportunities"},
            status=410,
        )
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = ResponseForm(request.POST, request.FILES)
        form.is_valid()  # the service checks the values; this reads them
        values = {k: form.data.get(k, "") for k in form.fields}
        values["consent"] = form.data.get("consent") in ("on", "true", "1")
        try:
            respond(
                opportunity_id=pk,
                values=values,
                address=client_address(request),
                opened_at=form.opened_at(),
                honeypot=form.data.get("website", ""),
                upload=request.FILES.get("file"),
            )
        except ResponseRefused as refused:
            for key, message in refused.problems:
                form.add_error(key if key in form.fields else None, message)
            if not refused.problems:
                form.add_error(None, str(refused))
            status = 429 if refused.reason.endswith("_limit") else 400
        else:
            return render(
                request,
                "opportunities/open/responded.html",
                {"nav_open": "opportunities", "v": version},
            )
    else:
        form = ResponseForm()
    return render(
        request,
        "opportunities/open/respond.html",
        {
            "nav_open": "opportunities",
            "v": version,
            "form": form,
            "consent": consent_text(),
            "closed": version.deadline < today,
            "today": today,
        },
        status=status,
    )


JSON_PAGE = 50


def _item(version, today) -> dict:
    unit = version.opportunity.unit
    district = unit.parent if unit.kind == UnitKind.ZONE else None
    return {
        "id": version.opportunity_id,
        "title": version.title,
        "unit": {"code": unit.code, "name": unit.name, "name_en": unit.name_en},
        "district": {"code": district.code, "name": district.name} if district else None,
        "field": {"code": version.field.code, "name": version.field.name},
        "kind": {"code": version.kind.code, "name": version.kind.name},
        "sought": version.sought,
        "description": richtext.plain(version.description),
        "amount_yuan": None if version.amount_yuan is None else str(version.amount_yuan),
        "area_m2": None if version.area_m2 is None else str(version.area_m2),
        "count": version.count,
        "deadline": version.deadline.isoformat(),
        "open": version.deadline >= today,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "contact": version.contact_role,
        "phone": version.contact_phone if version.phone_public else None,
        "url": reverse("open_opportunity_detail", args=[version.opportunity_id]),
        "demo": version.opportunity.is_demo,
    }


@public_page
def portal_json(request):
    """The published opportunities of the list's filters as JSON, 50 a page (`page`); amounts
    in yuan and areas in m², as exact decimals in strings."""
    from django.http import JsonResponse

    _filterset, versions = _filtered(request)
    page = Paginator(versions, JSON_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    query = request.GET.copy()
    following = None
    if page.has_next():
        query["page"] = page.next_page_number()
        following = reverse("open_opportunity_json") + "?" + query.urlencode()
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "next": following,
            "results": [_item(v, today) for v in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )
