"""The carriers registry's spreadsheet: its columns, checks, natural key and writes.

The same column list makes the template, reads uploads and writes exports.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.scoping import zone_lookup
from core.quantities import FLOOR_AREA_MAX_M2, INVESTMENT_MAX_YUAN
from core.tabular.engine import RegistryBase
from core.tabular.spec import Column, RowResult, zone_column

from .choices import CARRIER_KIND_ZH, HOLDER_KINDS, PLATFORM_KIND_ZH, CarrierKind
from .models import Carrier, ServiceItem, ServiceProject, TechPlatform
from .services import (
    carrier_problems,
    normalise_rate,
    service_project_problems,
)

COLUMNS = [
    zone_column("填写功能区或片区开发单元的全称或代码，须在您的权限范围内。"),
    Column(
        "kind",
        "载体类型",
        "Kind",
        "choice",
        required=True,
        choices=tuple(CARRIER_KIND_ZH.items()),
        aliases=("类型",),
        help="高品质科创空间、标准厂房、专业楼宇或人才公寓。",
    ),
    Column(
        "name",
        "项目名称",
        "Name",
        "text",
        required=True,
        aliases=("名称", "载体名称"),
        help="同一功能区、同一类型中名称唯一；再次上传同名项目即更新它。",
    ),
    Column(
        "floor_area_m2",
        "建筑面积",
        "Floor area",
        "decimal",
        required=True,
        unit="万平方米",
        max_base=FLOOR_AREA_MAX_M2,
        aliases=("总建筑面积",),
        help="默认单位万平方米；表头写“建筑面积（平方米）”则按平方米读取。可写 12.5 或 12.5万。",
    ),
    Column("developer", "建设单位", "Developer", "text", aliases=("业主单位", "建设/业主单位")),
    Column("address", "地址", "Address", "text", max_length=300),
    Column("longitude", "经度", "Longitude", "decimal", help="WGS84/CGCS2000 经度，例如 104.06。"),
    Column("latitude", "纬度", "Latitude", "decimal", help="WGS84/CGCS2000 纬度，例如 30.65。"),
    Column("planned_start", "计划开工日期", "Planned start", "date"),
    Column(
        "actual_start",
        "实际开工日期",
        "Actual start",
        "date",
        aliases=("开工日期",),
        help="已开工的填写；状态（新开工、续建、已建成）由日期自动得出。",
    ),
    Column("planned_completion", "计划竣工日期", "Planned completion", "date"),
    Column("actual_completion", "实际竣工日期", "Actual completion", "date", aliases=("竣工日期",)),
    Column(
        "occupancy_rate",
        "入驻率",
        "Occupancy",
        "decimal",
        help="仅已建成载体填写：85、85% 或 0.85 均可。",
    ),
    Column("note", "备注", "Note", "text", max_length=2000),
]


class CarrierRegistry(RegistryBase):
    model = Carrier
    natural_key = ("zone_id", "kind", "name")
    existing_related = ("zone",)
    text_fields = ("developer", "address", "note")
    name = "carriers"
    columns = COLUMNS
    key_columns = ("zone", "kind", "name")

    def lookups(self, user) -> dict:
        return {"zone": zone_lookup(user, HOLDER_KINDS), "today": timezone.localdate()}

    def check(self, row: RowResult, context: dict) -> None:
        row.values["occupancy_rate"] = normalise_rate(row.values.get("occupancy_rate"))
        for key, message in carrier_problems(row.values, today=context["today"]):
            row.errors.setdefault(key, message)

    def store_constants(self) -> dict:
        return {"updated_at": timezone.now()}


REGISTRY = CarrierRegistry()


PLATFORM_COLUMNS = [
    zone_column("科创空间所在的功能区（全称或代码）。"),
    Column(
        "carrier",
        "所在科创空间",
        "Sci-tech space",
        "text",
        required=True,
        aliases=("科创空间",),
        help="该功能区中已登记的高品质科创空间名称。",
    ),
    Column(
        "kind",
        "平台类型",
        "Kind",
        "choice",
        required=True,
        choices=tuple(PLATFORM_KIND_ZH.items()),
        help="原型机建模、中试、检验检测或其他。",
    ),
    Column(
        "name",
        "平台名称",
        "Name",
        "text",
        required=True,
        aliases=("名称",),
        help="同一科创空间中名称唯一；再次上传同名平台即更新它。",
    ),
    Column("operator", "运营单位", "Operator", "text"),
    Column("opened_on", "投用日期", "Opened on", "date"),
    Column("note", "备注", "Note", "text", max_length=2000),
]


class PlatformRegistry(RegistryBase):
    model = TechPlatform
    natural_key = ("carrier_id", "name")
    text_fields = ("operator", "note")
    name = "platforms"
    columns = PLATFORM_COLUMNS
    key_columns = ("carrier", "name")

    def lookups(self, user) -> dict:
        return {"zone": zone_lookup(user), "today": timezone.localdate(), "spaces": {}}

    def check(self, row: RowResult, context: dict) -> None:
        zone, name = row.values["zone"], row.values["carrier"]
        spaces = context["spaces"]
        if zone.pk not in spaces:
            spaces[zone.pk] = {
                c.name: c for c in Carrier.objects.filter(zone=zone, kind=CarrierKind.SCITECH_SPACE)
            }
        carrier = spaces[zone.pk].get(name)
        if carrier is None:
            row.errors["carrier"] = f"功能区“{zone.name}”中没有名为“{name}”的高品质科创空间"
            return
        row.values["carrier"] = carrier
        opened = row.values.get("opened_on")
        if opened and opened > context["today"]:
            row.errors["opened_on"] = f"投用日期晚于今天（{context['today']}）"


PLATFORM_REGISTRY = PlatformRegistry()


SERVICE_COLUMNS = [
    zone_column("填写功能区或片区开发单元的全称或代码，须在您的权限范围内。"),
    Column(
        "name",
        "项目名称",
        "Name",
        "text",
        required=True,
        aliases=("名称",),
        help="同一功能区中名称唯一；再次上传同名项目即更新它。",
    ),
    Column(
        "category",
        "类别",
        "Category",
        "text",
        aliases=("项目类别",),
        help="8 类之一（如教育、医疗、文化）；可不填，由“项目类型”确定。",
    ),
    Column(
        "item",
        "项目类型",
        "Item",
        "text",
        required=True,
        aliases=("项",),
        help="18 项之一，须为系统中已配置的项目类型。",
    ),
    Column(
        "investment_yuan",
        "总投资",
        "Investment",
        "decimal",
        unit="万元",
        max_base=INVESTMENT_MAX_YUAN,
        aliases=("投资额",),
        help="默认单位万元；表头写“总投资（亿元）”则按亿元读取。",
    ),
    Column("developer", "建设单位", "Developer", "text"),
    Column("planned_start", "计划开工日期", "Planned start", "date"),
    Column("actual_start", "实际开工日期", "Actual start", "date"),
    Column("planned_completion", "计划竣工日期", "Planned completion", "date"),
    Column("actual_completion", "实际竣工日期", "Actual completion", "date"),
    Column("note", "备注", "Note", "text", max_length=2000),
]


class ServiceProjectRegistry(RegistryBase):
    model = ServiceProject
    natural_key = ("zone_id", "name")
    text_fields = ("developer", "note")
    name = "service_projects"
    columns = SERVICE_COLUMNS
    key_columns = ("zone", "name")

    def lookups(self, user) -> dict:
        items: dict[str, list[ServiceItem]] = {}
        for item in ServiceItem.objects.select_related("category"):
            items.setdefault(item.name, []).append(item)
        return {"zone": zone_lookup(user), "today": timezone.localdate(), "items": items}

    def check(self, row: RowResult, context: dict) -> None:
        name, category = row.values["item"], row.values.get("category")
        candidates = context["items"].get(name, [])
        if category:
            candidates = [i for i in candidates if i.category.name == category]
        if not candidates:
            where = f"类别“{category}”中" if category else ""
            row.errors["item"] = f"{where}没有名为“{name}”的项目类型（请先由管理员配置）"
            return
        if len(candidates) > 1:
            row.errors["item"] = f"项目类型“{name}”在多个类别中都有，请填写“类别”列"
            return
        row.values["item"] = candidates[0]
        row.values.pop("category", None)
        for key, message in service_project_problems(row.values, today=context["today"]):
            row.errors.setdefault(key, message)


SERVICE_REGISTRY = ServiceProjectRegistry()
