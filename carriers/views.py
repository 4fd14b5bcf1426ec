import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.registry import ScopedRegistryPages
from accounts.scoping import restrict, visible_units
from core.quantities import format_quantity
from core.templatetags.zoneplan import localized
from territory.choices import UnitKind
from territory.selectors import districts

from . import selectors
from .calendar import WorkingCalendar
from .choices import HOLDER_KINDS, CarrierKind, PlatformKind
from .filtersets import CarrierFilter, PlatformFilter, ServiceProjectFilter
from .forms import CarrierForm, PlatformForm, ServiceProjectForm
from .models import (
    Carrier,
    ScheduleTemplate,
    ServiceCategory,
    ServiceItem,
    ServiceProject,
    TechPlatform,
)
from .registry import PLATFORM_REGISTRY, REGISTRY, SERVICE_REGISTRY
from .schedules import late_or_due, schedule_of
from .services import (
    delete_carrier,
    delete_platform,
    delete_service_project,
    save_carrier,
    save_platform,
    save_service_project,
)
from .status import Status


def _area(value) -> str:
    """万平方米 with the exact m² beside it in Chinese; plain m² in English."""
    if translation.get_language().startswith("zh"):
        return f"{format_quantity(value, '万平方米')}（{format_quantity(value, '平方米')}）"
    return format_quantity(value, "平方米")


def _date(value) -> str:
    return value.isoformat() if value else "—"


class CarrierPages(ScopedRegistryPages):
    model = Carrier
    holder_kinds = HOLDER_KINDS
    spreadsheet = REGISTRY
    form_class = CarrierForm
    filterset_class = CarrierFilter
    prefix = "carrier"
    title = "产业载体"
    nav = "carriers"
    list_template = "carriers/carrier_list.html"
    table_template = "carriers/_carrier_table.html"
    detail_extra_template = "carriers/_carrier_platforms.html"
    instructions = [
        "每行一个载体（科创空间、标准厂房、专业楼宇、人才公寓）。红色列名为必填。",
        "同一功能区、同一类型、同一名称的行视为同一载体：再次上传即更新它。",
        "日期可写 2020-06-01、2020/6/1 或 2020年6月1日；面积可写 12.5 或 12.5万。",
        "状态（新开工、续建、已建成）由实际开工和竣工日期自动得出，无需填写。",
        "上传后先预览，确认后一次性写入；有任何错误则不写入，并可下载标注了错误的原表。",
    ]

    def objects(self):
        return Carrier.objects.select_related("zone", "zone__parent")

    def list_context(self, request):
        units = visible_units(request.user)
        return {
            "zones": units.filter(kind__in=HOLDER_KINDS).order_by("kind", "order", "code"),
            "districts": districts(units),
            "kinds": CarrierKind.choices,
            "statuses": Status.choices,
        }

    def totals(self, qs):
        return selectors.totals(qs)

    def save(self, *, user, obj):
        return save_carrier(user=user, carrier=obj)

    def delete(self, *, user, obj):
        delete_carrier(user=user, carrier=obj)

    def export_row(self, obj):
        return {c.key: getattr(obj, c.key) for c in REGISTRY.columns} | {"zone": obj.zone.name}

    def detail_fields(self, obj, *, user=None):
        location = f"{obj.longitude}, {obj.latitude}" if obj.longitude is not None else "—"
        occupancy = (
            format_quantity(obj.occupancy_rate, "%") if obj.occupancy_rate is not None else "—"
        )
        return [
            (_("Zone or development unit"), localized(obj.zone), unit_url(obj.zone)),
            (_("Kind"), obj.get_kind_display(), None),
            (_("Status today"), obj.status_label, None),
            (_("Floor area"), _area(obj.floor_area_m2), None),
            (_("Developer or owner"), obj.developer or "—", None),
            (_("Address"), obj.address or "—", None),
            (_("Location"), location, None),
            (_("Planned start"), _date(obj.planned_start), None),
            (_("Actual start"), _date(obj.actual_start), None),
            (_("Planned completion"), _date(obj.planned_completion), None),
            (_("Actual completion"), _date(obj.actual_completion), None),
            (_("Occupancy"), occupancy, None),
            (_("Note"), obj.note or "—", None),
        ]

    def detail_context(self, request, obj):
        return {
            "platforms": obj.platforms.all() if obj.kind == CarrierKind.SCITECH_SPACE else None,
            "schedule": schedule_of(obj, today=timezone.localdate()),
        }


PAGES = CarrierPages()


class PlatformPages(ScopedRegistryPages):
    model = TechPlatform
    via = "carrier__zone"
    spreadsheet = PLATFORM_REGISTRY
    form_class = PlatformForm
    filterset_class = PlatformFilter
    prefix = "platform"
    title = "公共技术平台"
    nav = "registries"
    list_template = "carriers/platform_list.html"
    table_template = "carriers/_platform_table.html"
    instructions = [
        "每行一个公共技术平台（原型机建模、中试、检验检测等），须设在已登记的高品质科创空间内。红色列名为必填。",
        "同一科创空间中同名的平台视为同一平台：再次上传即更新它。",
        "上传后先预览，确认后一次性写入；有任何错误则不写入，并可下载标注了错误的原表。",
    ]

    def objects(self):
        return TechPlatform.objects.select_related("carrier", "carrier__zone")

    def list_context(self, request):
        return {
            "zones": visible_units(request.user)
            .filter(kind=UnitKind.ZONE)
            .order_by("order", "code"),
            "kinds": PlatformKind.choices,
        }

    def save(self, *, user, obj):
        return save_platform(user=user, platform=obj)

    def delete(self, *, user, obj):
        delete_platform(user=user, platform=obj)

    def export_row(self, obj):
        return {
            "zone": obj.carrier.zone.name,
            "carrier": obj.carrier.name,
            "kind": obj.kind,
            "name": obj.name,
            "operator": obj.operator,
            "opened_on": obj.opened_on,
            "note": obj.note,
        }

    def detail_fields(self, obj, *, user=None):
        return [
            (
                _("Zone"),
                localized(obj.carrier.zone),
                unit_url(obj.carrier.zone),
            ),
            (
                _("Sci-tech space"),
                obj.carrier.name,
                reverse("carrier_detail", args=[obj.carrier.pk]),
            ),
            (_("Kind"), obj.get_kind_display(), None),
            (_("Operator"), obj.operator or "—", None),
            (_("Opened on"), _date(obj.opened_on), None),
            (_("Note"), obj.note or "—", None),
        ]


PLATFORM_PAGES = PlatformPages()


class ServiceProjectPages(ScopedRegistryPages):
    model = ServiceProject
    spreadsheet = SERVICE_REGISTRY
    form_class = ServiceProjectForm
    filterset_class = ServiceProjectFilter
    prefix = "service"
    title = "公共服务配套项目"
    nav = "registries"
    list_template = "carriers/service_list.html"
    table_template = "carriers/_service_table.html"
    instructions = [
        "每行一个公共服务配套项目（教育、医疗、文化等8类18项）。红色列名为必填。",
        "“项目类型”须为管理员已配置的18项之一；同名项目类型在多个类别中时请同时填写“类别”。",
        "同一功能区中同名的项目视为同一项目：再次上传即更新它。投资默认单位万元。",
        "上传后先预览，确认后一次性写入；有任何错误则不写入，并可下载标注了错误的原表。",
    ]

    def objects(self):
        return ServiceProject.objects.select_related("zone", "item", "item__category")

    def list_context(self, request):
        return {
            "zones": visible_units(request.user)
            .filter(kind=UnitKind.ZONE)
            .order_by("order", "code"),
            "categories": ServiceCategory.objects.all(),
            "statuses": Status.choices,
            "taxonomy": {
                "categories": ServiceCategory.objects.count(),
                "items": ServiceItem.objects.count(),
            },
        }

    def save(self, *, user, obj):
        return save_service_project(user=user, project=obj)

    def delete(self, *, user, obj):
        delete_service_project(user=user, project=obj)

    def export_row(self, obj):
        return {
            "zone": obj.zone.name,
            "name": obj.name,
            "category": obj.item.category.name,
            "item": obj.item.name,
            **{
                k: getattr(obj, k)
                for k in (
                    "investment_yuan",
                    "developer",
                    "planned_start",
                    "actual_start",
                    "planned_completion",
                    "actual_completion",
                    "note",
                )
            },
        }

    def detail_fields(self, obj, *, user=None):
        investment = (
            format_quantity(obj.investment_yuan, "万元") if obj.investment_yuan is not None else "—"
        )
        return [
            (_("Zone"), localized(obj.zone), reverse("zone_detail", args=[obj.zone.code])),
            (_("Category"), localized(obj.item.category), None),
            (_("Item"), localized(obj.item), None),
            (_("Status today"), obj.status_label, None),
            (_("Total investment"), investment, None),
            (_("Developer or owner"), obj.developer or "—", None),
            (_("Planned start"), _date(obj.planned_start), None),
            (_("Actual start"), _date(obj.actual_start), None),
            (_("Planned completion"), _date(obj.planned_completion), None),
            (_("Actual completion"), _date(obj.actual_completion), None),
            (_("Note"), obj.note or "—", None),
        ]


SERVICE_PAGES = ServiceProjectPages()


SCHEDULE_PAGE_SIZES = (20, 50, 100)


@login_required
def schedule_list(request):
    """Carriers late on a milestone of their backward schedule, or due within 10 working days."""
    today = timezone.localdate()
    raw = request.GET.get("day", "")
    warning = ""
    try:
        day = dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        day, warning = today, _("The date should be written YYYY-MM-DD; today was used.")
    size = request.GET.get("size", "")
    size = int(size) if size.isdigit() and int(size) in SCHEDULE_PAGE_SIZES else 50
    carriers = restrict(Carrier.objects.all(), request.user, via="zone")
    schedules = late_or_due(carriers, today=day)
    page = Paginator(schedules, size).get_page(request.GET.get("page"))
    return render(
        request,
        "carriers/schedule_list.html",
        {
            "nav": "registries",
            "schedules": page.object_list,
            "page": page,
            "size": size,
            "sizes": SCHEDULE_PAGE_SIZES,
            "day": day,
            "warning": warning,
            "templates_missing": not ScheduleTemplate.objects.exists(),
            "calendar_note": WorkingCalendar().note
            if not schedules
            else schedules[0].calendar_note,
        },
    )


def unit_url(unit) -> str:
    """A zone's page, or the cockpit of a development unit (which has no zone page)."""
    if unit.kind == UnitKind.ZONE:
        return reverse("zone_detail", args=[unit.code])
    return reverse("cockpit_unit", args=[unit.code])
