"""What every registry promises, checked on each through its own pages: messy but clear
files import, hostile files are refused, exports cannot smuggle formulas, templates carry
their instructions, and outsiders are sent to log in."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import msoffcrypto.format.ooxml
import openpyxl
import pytest
from django.urls import reverse

from carriers.models import Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform
from chains.models import AttractionTarget, Chain, ChainNode
from investment.creditcode import check_character
from investment.models import Enterprise, InvestmentProject
from territory.models import Unit

ZONE = "成都新经济活力区"
_BODY = "91510100MA6C07777"
CODE = _BODY + check_character(_BODY)


def _setup(db):
    zone = Unit.objects.get(code="z-new-economy")
    Carrier.objects.get_or_create(
        zone=zone, kind="scitech_space", name="公共科创大厦", defaults={"floor_area_m2": 1}
    )
    ServiceItem.objects.get_or_create(
        code="t-clinic",
        defaults={"category": ServiceCategory.objects.get(code="medical"), "name": "社区医院"},
    )
    chain, _created = Chain.objects.get_or_create(code="t-common", defaults={"name": "通用链"})
    ChainNode.objects.get_or_create(
        chain=chain, code="n", defaults={"name": "通用节点", "segment": "upstream"}
    )
    return zone


# prefix: (model, messy header row, messy data row, how to find the row written, a text field for formula tests)
REGISTRIES = {
    "carrier": (
        Carrier,
        [" 所在功能区 ", "载体类型", "项目名称", "建筑面积（平方米）", "实际开工日期"],
        [ZONE, "人才公寓", " 杂乱公寓 ", "１２，５００", "2020年6月1日"],
        {"name": "杂乱公寓"},
        "name",
    ),
    "platform": (
        TechPlatform,
        ["所在功能区", "所在科创空间", "平台类型", " 平台名称", "投用日期"],
        [ZONE, "公共科创大厦", "中试", "杂乱平台", 43983],
        {"name": "杂乱平台"},
        "name",
    ),
    "service": (
        ServiceProject,
        ["所在功能区", "项目名称", "项目类型", "总投资（亿元）", "实际开工日期"],
        [ZONE, "杂乱医院", "社区医院", "0.5", "2020/6/1"],
        {"name": "杂乱医院"},
        "name",
    ),
    "enterprise": (
        Enterprise,
        ["统一社会信用代码", "企业名称", "所在功能区", "企业类型"],
        [CODE.lower(), "杂乱公司", ZONE, "科创企业，新经济企业"],
        {"name": "杂乱公司"},
        "name",
    ),
    "project": (
        InvestmentProject,
        ["所在功能区", "项目名称", "项目类别", "投资额（万元）", "签约日期"],
        [ZONE, "杂乱项目", "核心关键配套项目", "12.5万", "2020.6.1"],
        {"name": "杂乱项目"},
        "name",
    ),
    "target": (
        AttractionTarget,
        [" 所在功能区 ", "节点", "目标企业名称", "招引理由", "责任人", "时限"],
        [ZONE, "T-COMMON.N", " 杂乱目标 ", "补链", "一组", "2020年6月1日"],
        {"enterprise_name": "杂乱目标"},
        "enterprise_name",
    ),
}


def _xlsx(rows, title=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _post(client, prefix, data, name="台账.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse(f"{prefix}_import"), {"file": file})


def _count(model):
    return model.objects.count(), model.history.count()


@pytest.mark.parametrize("prefix", REGISTRIES)
def test_a_messy_but_clear_file_imports(login, prefix):
    _setup(True)
    model, header, row, lookup, _field = REGISTRIES[prefix]
    client = login("xinjingji")
    preview = _post(client, prefix, _xlsx([header, row], title="2020年台账（演示）"))
    assert preview.status_code == 200, re.findall(
        r"<td>\d+</td><td>[^<]*</td><td>[^<]*</td>", preview.content.decode()
    )
    token = re.search(r"/import/([\w-]+)/commit", preview.content.decode()).group(1)
    client.post(reverse(f"{prefix}_import_commit", args=[token]))
    written = model.objects.get(**lookup)
    assert written.history.get().history_change_reason == "导入 台账.xlsx"
    if prefix == "carrier":
        assert written.floor_area_m2 == Decimal(12_500) and written.actual_start == dt.date(
            2020, 6, 1
        )
    if prefix == "platform":
        assert written.opened_on == dt.date(2020, 6, 1)
    if prefix == "service":
        assert written.investment_yuan == Decimal(50_000_000)
    if prefix == "enterprise":
        assert written.credit_code == CODE and written.is_scitech and written.is_new_economy
    if prefix == "project":
        # "12.5万" is 12.5万 yuan whatever the column's unit (it was once 12.5万 × 万元).
        assert written.investment_yuan == Decimal(125_000) and written.signed_on == dt.date(
            2020, 6, 1
        )


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(40):
                sheet.write(b" " * (1024 * 1024))
    return buffer.getvalue()


def _encrypted(rows) -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(_xlsx(rows))).encrypt("123456", out)
    return out.getvalue()


@pytest.mark.parametrize("prefix", REGISTRIES)
@pytest.mark.parametrize("hostile", ["bomb", "encrypted", "not a workbook", "too many rows"])
def test_a_hostile_file_is_refused_and_nothing_is_written(login, settings, prefix, hostile):
    _setup(True)
    model, header, row, _lookup, _field = REGISTRIES[prefix]
    settings.ZONEPLAN_IMPORT_MAX_BYTES = 1024 * 1024
    settings.ZONEPLAN_IMPORT_MAX_ROWS = 20
    data, message = {
        "bomb": (_bomb, "疑似压缩炸弹"),
        "encrypted": (lambda: _encrypted([header, row]), "文件设有密码"),
        "not a workbook": (lambda: b"%PDF-1.7 not a workbook", "不是 Excel（.xlsx）或 CSV 文件"),
        "too many rows": (lambda: _xlsx([header] + [row] * 200), "行数过多"),
    }[hostile]
    before = _count(model)
    response = _post(login("xinjingji"), prefix, data())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _count(model) == before


@pytest.mark.parametrize("prefix", REGISTRIES)
def test_exported_text_cannot_run_as_a_formula(login, prefix):
    zone = _setup(True)
    model = REGISTRIES[prefix][0]
    evil = '=HYPERLINK("http://evil.example","看")'
    space = Carrier.objects.get(name="公共科创大厦")
    make = {
        "carrier": lambda: Carrier.objects.create(
            zone=zone, kind="standard_factory", name=evil, floor_area_m2=1
        ),
        "platform": lambda: TechPlatform.objects.create(carrier=space, kind="other", name=evil),
        "service": lambda: ServiceProject.objects.create(
            zone=zone, item=ServiceItem.objects.get(code="t-clinic"), name=evil
        ),
        "enterprise": lambda: Enterprise.objects.create(credit_code=CODE, name=evil, zone=zone),
        "project": lambda: InvestmentProject.objects.create(zone=zone, name=evil, tier="other"),
        "target": lambda: AttractionTarget.objects.create(
            zone=zone,
            node=ChainNode.objects.get(chain__code="t-common"),
            enterprise_name=evil,
            reason=evil,
            follower="一组",
        ),
    }
    make[prefix]()
    ws = openpyxl.load_workbook(
        io.BytesIO(login("xinjingji").get(reverse(f"{prefix}_export")).content)
    ).active
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert "'" + evil in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert model.objects.filter(**{REGISTRIES[prefix][4]: evil}).exists()


@pytest.mark.parametrize("prefix", REGISTRIES)
def test_the_template_has_required_headers_in_red_and_instructions(login, prefix):
    wb = openpyxl.load_workbook(
        io.BytesIO(login("xinjingji").get(reverse(f"{prefix}_template")).content)
    )
    first = wb.worksheets[0]
    red = [
        c.value
        for c in first[1]
        if c.font.color is not None and str(c.font.color.rgb).endswith("C00000")
    ]
    assert red, prefix
    assert "填写说明" in wb.sheetnames
    assert wb["填写说明"]["A1"].value.endswith("填报模板")


@pytest.mark.parametrize("prefix", REGISTRIES)
def test_an_anonymous_visitor_is_sent_to_log_in_from_every_page(client, db, prefix):
    for name in ("list", "create", "export", "template", "import"):
        response = client.get(reverse(f"{prefix}_{name}"))
        assert response.status_code == 302 and "/login/" in response["Location"], (prefix, name)


def test_an_import_is_seen_at_once_by_the_cached_cockpit(login):
    _setup(True)
    admin = login("admin")
    row_of = lambda page: page[page.index('id="progress-scitech-city"') :].split("</tr>")[0]  # noqa: E731
    before = row_of(admin.get(reverse("cockpit")).content.decode())  # computed and cached
    client = login("xinjingji")
    header = ["所在功能区", "载体类型", "项目名称", "建筑面积（平方米）", "实际开工日期"]
    preview = _post(
        client,
        "carrier",
        _xlsx([header, [ZONE, "高品质科创空间", "新科创楼", "500000", "2020-06-01"]]),
    )
    token = re.search(r"/import/([\w-]+)/commit", preview.content.decode()).group(1)
    client.post(reverse("carrier_import_commit", args=[token]))
    assert Carrier.objects.filter(name="新科创楼").exists()
    after = row_of(login("admin").get(reverse("cockpit")).content.decode())
    assert after != before  # bulk writes move the data version on (core.bulk.rows_written)


def test_an_enterprise_sheet_names_its_sci_tech_space_within_its_zone(login):
    _setup(True)
    client = login("xinjingji")
    header = ["统一社会信用代码", "企业名称", "所在功能区", "所在科创空间"]
    bad = _post(client, "enterprise", _xlsx([header, [CODE, "入驻公司", ZONE, "不存在的空间"]]))
    assert bad.status_code == 400
    assert f"功能区“{ZONE}”没有名为“不存在的空间”的高品质科创空间" in bad.content.decode()
    assert not Enterprise.objects.filter(credit_code=CODE).exists()
    good = _post(client, "enterprise", _xlsx([header, [CODE, "入驻公司", ZONE, "公共科创大厦"]]))
    token = re.search(r"/import/([\w-]+)/commit", good.content.decode()).group(1)
    client.post(reverse("enterprise_import_commit", args=[token]))
    assert Enterprise.objects.get(credit_code=CODE).carrier.name == "公共科创大厦"
