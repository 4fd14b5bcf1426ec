from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.choices import Action
from accounts.scoping import restrict, visible_units
from core.registry_views import (
    ImportPage,
    import_commit_view,
    import_errors_view,
    import_view,
    xlsx_response,
)
from core.tabular.report import export_workbook, template_workbook
from territory.choices import UnitKind
from territory.selectors import districts

from . import selectors
from .choices import CarrierKind
from .forms import CarrierForm
from .models import Carrier
from .registry import COLUMNS, REGISTRY
from .services import delete_carrier, save_carrier
from .status import Status

PER_PAGE = 50
PAGE = ImportPage(title="产业载体", url_prefix="carrier")


def _int(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _can_write(user) -> bool:
    return visible_units(user, Action.CHANGE).filter(kind=UnitKind.ZONE).exists()


def _require_writer(user) -> None:
    if not _can_write(user):
        raise PermissionDenied("您没有可填报的功能区")


def _filtered(request):
    day = timezone.localdate()
    filters = {
        "zone_id": _int(request, "zone"),
        "district_id": _int(request, "district"),
        "kind": request.GET.get("kind", "")
        if request.GET.get("kind") in CarrierKind.values
        else "",
        "status": request.GET.get("status", "")
        if request.GET.get("status") in Status.values
        else "",
        "search": request.GET.get("q", "")[:100],
    }
    qs = selectors.carriers(
        restrict(Carrier.objects.all(), request.user, via="zone"), day=day, **filters
    )
    return qs, filters


@login_required
def carrier_list(request):
    qs, filters = _filtered(request)
    units = visible_units(request.user)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "nav": "carriers",
        "page": page,
        "filters": filters,
        "totals": selectors.totals(qs),
        "zones": units.filter(kind=UnitKind.ZONE).order_by("order", "code"),
        "districts": districts(units),
        "kinds": CarrierKind.choices,
        "statuses": Status.choices,
        "query": params.urlencode(),
        "can_write": _can_write(request.user),
    }
    template = (
        "carriers/_carrier_table.html"
        if request.headers.get("HX-Request")
        else "carriers/carrier_list.html"
    )
    return render(request, template, context)


def _get(request, pk: int, action=Action.VIEW) -> Carrier:
    qs = restrict(
        Carrier.objects.select_related("zone", "zone__parent"), request.user, action, via="zone"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
def carrier_detail(request, pk: int):
    carrier = _get(request, pk)
    records = list(
        carrier.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    history = []
    for index, newer in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = newer.diff_against(older).changes if older is not None else []
        history.append({"record": newer, "changes": changes})
    can_change = restrict(
        Carrier.objects.filter(pk=pk), request.user, Action.CHANGE, via="zone"
    ).exists()
    return render(
        request,
        "carriers/carrier_detail.html",
        {
            "nav": "carriers",
            "carrier": carrier,
            "history": history,
            "can_change": can_change,
            "platforms": carrier.platforms.all(),
            "fields": {f.name: f.verbose_name for f in Carrier._meta.fields},
        },
    )


def _edit(request, carrier: Carrier | None):
    form = CarrierForm(request.POST or None, instance=carrier, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_carrier(user=request.user, carrier=form.save(commit=False))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"已保存：{saved.name}")
            return redirect("carrier_detail", pk=saved.pk)
    return render(
        request,
        "carriers/carrier_form.html",
        {"nav": "carriers", "form": form, "carrier": carrier},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def carrier_create(request):
    _require_writer(request.user)
    return _edit(request, None)


@login_required
def carrier_edit(request, pk: int):
    return _edit(request, _get(request, pk, Action.CHANGE))


@login_required
def carrier_delete(request, pk: int):
    carrier = _get(request, pk, Action.CHANGE)
    if request.method == "POST":
        try:
            delete_carrier(user=request.user, carrier=carrier)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("carrier_detail", pk=pk)
        messages.success(request, f"已删除：{carrier.name}")
        return redirect("carrier_list")
    return render(
        request, "carriers/carrier_confirm_delete.html", {"nav": "carriers", "carrier": carrier}
    )


@login_required
def carrier_export(request):
    qs, _filters = _filtered(request)
    rows = (
        {c.key: getattr(carrier, c.key) for c in COLUMNS} | {"zone": carrier.zone.name}
        for carrier in qs.iterator(chunk_size=2000)
    )
    content = export_workbook(COLUMNS, rows, sheet="产业载体")
    return xlsx_response(content, f"产业载体-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def carrier_template(request):
    zones = (
        visible_units(request.user, Action.CHANGE)
        .filter(kind=UnitKind.ZONE)
        .order_by("order", "code")
    )
    content = template_workbook(
        COLUMNS,
        sheet="产业载体",
        title="产业载体填报模板",
        lists={"zone": list(zones.values_list("name", flat=True))},
        instructions=[
            "每行一个载体（科创空间、标准厂房、专业楼宇、人才公寓）。红色列名为必填。",
            "同一功能区、同一类型、同一名称的行视为同一载体：再次上传即更新它。",
            "日期可写 2020-06-01、2020/6/1 或 2020年6月1日；面积可写 12.5 或 12.5万。",
            "状态（新开工、续建、已建成）由实际开工和竣工日期自动得出，无需填写。",
            "上传后先预览，确认后一次性写入；有任何错误则不写入，并可下载标注了错误的原表。",
        ],
    )
    return xlsx_response(content, "产业载体填报模板.xlsx")


@login_required
def carrier_import(request):
    _require_writer(request.user)
    return import_view(request, registry=REGISTRY, page=PAGE)


@login_required
@require_POST
def carrier_import_commit(request, token: str):
    _require_writer(request.user)
    return import_commit_view(request, token, registry=REGISTRY, page=PAGE)


@login_required
def carrier_import_errors(request, token: str):
    return import_errors_view(request, token, registry=REGISTRY, page=PAGE)
