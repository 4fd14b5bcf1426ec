"""Spreadsheets of enterprises and investment projects."""

from __future__ import annotations

from django.utils import timezone

from accounts.scoping import is_city_admin, zone_lookup
from core import bulk
from core.quantities import INVESTMENT_MAX_YUAN
from core.tabular.cells import match_key
from core.tabular.engine import RegistryBase
from core.tabular.spec import Column, RowResult, zone_column

from .choices import CHAIN_ACTION_ZH, ENTERPRISE_KINDS, STAGE_DATE_ZH, TIER_ZH
from .creditcode import normalise
from .creditcode import problem as credit_code_problem
from .models import Enterprise, InvestmentProject
from .services import may_change_enterprise, project_problems

KIND_FIELDS = [field for field, _zh, _en in ENTERPRISE_KINDS]

ENTERPRISE_COLUMNS = [
    Column(
        "credit_code",
        "统一社会信用代码",
        "Credit code",
        "text",
        required=True,
        max_length=40,
        aliases=("信用代码",),
        help="18 位，按 GB 32100-2015 校验最后一位；已登记的代码再次上传即更新该企业。",
    ),
    Column("name", "企业名称", "Name", "text", required=True, aliases=("名称",)),
    zone_column("企业所在并负责维护其信息的功能区；不填则由市级维护。", required=False),
    Column(
        "kinds",
        "企业类型",
        "Kinds",
        "multichoice",
        choices=tuple((f, zh) for f, zh, _en in ENTERPRISE_KINDS),
        help="可填多个，用顿号分隔：头部企业研发机构、科创企业、独角兽企业、新经济企业、500强企业。",
    ),
    Column(
        "carrier",
        "所在科创空间",
        "Sci-tech space",
        "text",
        aliases=("入驻科创空间",),
        help="企业入驻的高品质科创空间名称（须为所在功能区已登记的科创空间）；未入驻则不填。",
    ),
    Column(
        "settled_on",
        "入驻日期",
        "Settled on",
        "date",
        help="入驻科创空间的日期；不填则视为一直在此。",
    ),
    Column("note", "备注", "Note", "text", max_length=2000),
]


class EnterpriseRegistry(RegistryBase):
    name = "enterprises"
    columns = ENTERPRISE_COLUMNS
    key_columns = ("credit_code",)
    model = Enterprise
    natural_key = ("credit_code",)

    def lookups(self, user) -> dict:
        return {"zone": zone_lookup(user, shared=True), "user": user, "city": is_city_admin(user)}

    def check(self, row: RowResult, context: dict) -> None:
        code = normalise(row.values["credit_code"])
        message = credit_code_problem(code)
        if message:
            row.errors["credit_code"] = message
            return
        row.values["credit_code"] = code
        if row.values.get("zone") is None and "zone" in row.values and not context["city"]:
            row.errors["zone"] = "请填写所在功能区（不属于任何功能区的企业由市级登记）"
        if "carrier" in row.values:
            name = row.values["carrier"]
            if not name:
                row.values["carrier"] = None
            elif row.values.get("zone") is None:
                row.errors["carrier"] = "填写所在科创空间时须同时填写所在功能区"
            else:
                space = _scitech_space(row.values["zone"], name, context)
                if space is None:
                    row.errors["carrier"] = (
                        f"功能区“{row.values['zone'].name}”没有名为“{name}”的高品质科创空间"
                    )
                row.values["carrier"] = space

    def check_existing(self, row: RowResult, obj: Enterprise, context: dict) -> None:
        if not may_change_enterprise(context["user"], obj):
            keeper = obj.zone.name if obj.zone_id else "市级"
            row.errors["credit_code"] = (
                f"该企业已由{keeper}登记，您无权修改；如需更正请联系登记单位"
            )

    def changes(self, obj: Enterprise, values: dict) -> dict:
        changed = {}
        for key in ("name", "zone", "carrier", "settled_on", "note"):
            if key in values:
                new = "" if values[key] is None and key == "note" else values[key]
                if getattr(obj, key) != new:
                    changed[key] = (getattr(obj, key), new)
        if "kinds" in values:
            wanted = set(values["kinds"] or [])
            for field in KIND_FIELDS:
                if getattr(obj, field) != (field in wanted):
                    changed[field] = (getattr(obj, field), field in wanted)
        return changed

    def write(self, rows: list[RowResult], existing: dict, *, user, reason: str) -> None:
        creates, updates = [], []
        for row in rows:
            values = {"credit_code": row.values["credit_code"], "name": row.values["name"]}
            if "zone" in row.values:
                values["zone_id"] = row.values["zone"].pk if row.values["zone"] else None
            if "note" in row.values:
                values["note"] = row.values["note"] or ""
            if "carrier" in row.values:
                values["carrier_id"] = row.values["carrier"].pk if row.values["carrier"] else None
            if "settled_on" in row.values:
                values["settled_on"] = row.values["settled_on"]
            if "kinds" in row.values:
                values.update(
                    {field: field in (row.values["kinds"] or []) for field in KIND_FIELDS}
                )
            if row.action == "create":
                creates.append(values)
            else:
                enterprise = existing[row.key]
                current = {
                    f.attname: getattr(enterprise, f.attname)
                    for f in Enterprise._meta.concrete_fields
                }
                updates.append(current | values)
        bulk.save_rows(
            Enterprise,
            creates=creates,
            updates=updates,
            user=user,
            reason=reason,
        )


def _scitech_space(zone, name: str, context: dict):
    """The sci-tech space of that name in the zone (matched folded), read once per zone."""
    from carriers.models import Carrier

    spaces = context.setdefault("spaces", {})
    if zone.pk not in spaces:
        spaces[zone.pk] = {
            match_key(c.name): c
            for c in Carrier.objects.filter(zone=zone, kind="scitech_space").only("pk", "name")
        }
    return spaces[zone.pk].get(match_key(name))


ENTERPRISE_REGISTRY = EnterpriseRegistry()


PROJECT_COLUMNS = [
    zone_column(),
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
        "enterprise",
        "企业统一社会信用代码",
        "Enterprise credit code",
        "text",
        max_length=40,
        aliases=("统一社会信用代码", "信用代码"),
        help="投资企业的统一社会信用代码，须已在企业名录中登记。",
    ),
    Column(
        "tier",
        "项目类别",
        "Tier",
        "choice",
        required=True,
        choices=tuple(TIER_ZH.items()),
        help="500强企业项目、细分行业领军企业项目、核心关键配套项目计入高能级产业化项目。",
    ),
    Column(
        "chain_action",
        "建链强链补链",
        "Chain action",
        "choice",
        choices=tuple(CHAIN_ACTION_ZH.items()),
        aliases=("招引目的",),
    ),
    Column("chain", "所属产业链", "Chain", "text", aliases=("产业链",)),
    Column(
        "investment_yuan",
        "投资额",
        "Investment",
        "decimal",
        unit="亿元",
        max_base=INVESTMENT_MAX_YUAN,
        aliases=("总投资", "协议投资额"),
        help="默认单位亿元；表头写“投资额（万元）”则按万元读取。",
    ),
    *[Column(field, label, field, "date") for field, label in STAGE_DATE_ZH.items()],
    Column(
        "contract_production_on",
        "合同约定投产日期",
        "Production due by contract",
        "date",
        aliases=("约定投产日期",),
        help="合同约定的投产日期；过期仍未投产即计为未履约（履约率）。",
    ),
    Column("longitude", "经度", "Longitude", "decimal", help="WGS84/CGCS2000 经度，例如 104.06。"),
    Column("latitude", "纬度", "Latitude", "decimal", help="WGS84/CGCS2000 纬度，例如 30.65。"),
    Column("note", "备注", "Note", "text", max_length=2000),
]


class ProjectRegistry(RegistryBase):
    model = InvestmentProject
    natural_key = ("zone_id", "name")
    text_fields = ("chain_action", "chain", "note")
    name = "investment_projects"
    columns = PROJECT_COLUMNS
    key_columns = ("zone", "name")

    def lookups(self, user) -> dict:
        return {"zone": zone_lookup(user), "today": timezone.localdate(), "enterprises": {}}

    def check(self, row: RowResult, context: dict) -> None:
        code = row.values.get("enterprise")
        if code:
            code = normalise(code)
            message = credit_code_problem(code)
            if message:
                row.errors["enterprise"] = message
                return
            cache = context["enterprises"]
            if code not in cache:
                cache[code] = Enterprise.objects.filter(credit_code=code).first()
            if cache[code] is None:
                row.errors["enterprise"] = (
                    f"企业名录中没有统一社会信用代码为 {code} 的企业，请先登记该企业"
                )
                return
            row.values["enterprise"] = cache[code]
        for key, message in project_problems(row.values, today=context["today"]):
            row.errors.setdefault(key, message)


PROJECT_REGISTRY = ProjectRegistry()
