"""Importing carriers from real files: good, messy, bad and hostile ones, the marked-up
workbook an officer gets back, exports and the template."""

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

from carriers.models import Carrier

HEADER = [
    "所在功能区",
    "载体类型",
    "项目名称",
    "建筑面积（万平方米）",
    "实际开工日期",
    "实际竣工日期",
    "入驻率",
]


def xlsx(rows: list[list], *, title: str | None = None) -> bytes:
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


def upload(client, data: bytes, name: str = "载体.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("carrier_import"), {"file": file})


def token_of(response) -> str:
    match = re.search(r"/carriers/import/([\w-]+)/(commit|errors)", response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def count(response, kind: str) -> int:
    return int(re.search(rf'data-count="{kind}">(\d+)<', response.content.decode()).group(1))


def snapshot():
    return sorted(
        Carrier.objects.values_list("zone_id", "kind", "name", "floor_area_m2", "actual_start")
    ), Carrier.history.count()


GOOD_ROWS = [
    HEADER,
    ["成都新经济活力区", "高品质科创空间", "导入科创中心A", 12.5, dt.date(2020, 3, 1), None, None],
    ["z-new-economy", "标准厂房", "导入标准厂房B", 8, "2019-6-1", "2020-06-30", "85%"],
]


# ── Good files ──


def test_a_good_workbook_is_previewed_then_written_with_history(login, users):
    client = login("xinjingji")
    before = snapshot()
    preview = upload(client, xlsx(GOOD_ROWS))
    assert preview.status_code == 200
    assert (count(preview, "create"), count(preview, "update"), count(preview, "errors")) == (
        2,
        0,
        0,
    )
    assert snapshot() == before  # a preview writes nothing
    response = client.post(reverse("carrier_import_commit", args=[token_of(preview)]), follow=True)
    assert "新建 2 条" in response.content.decode()
    a = Carrier.objects.get(name="导入科创中心A")
    assert a.floor_area_m2 == Decimal(125_000)
    b = Carrier.objects.get(name="导入标准厂房B")
    assert b.actual_start == dt.date(2019, 6, 1) and b.occupancy_rate == Decimal("0.85")
    record = a.history.get()
    assert record.history_user == users["xinjingji"]
    assert record.history_change_reason == "导入 载体.xlsx"


def test_uploading_the_same_file_again_changes_nothing_and_a_changed_row_updates(login):
    client = login("xinjingji")
    first = upload(client, xlsx(GOOD_ROWS))
    client.post(reverse("carrier_import_commit", args=[token_of(first)]))
    again = upload(client, xlsx(GOOD_ROWS))
    assert (count(again, "create"), count(again, "update"), count(again, "unchanged")) == (0, 0, 2)
    changed = [row[:] for row in GOOD_ROWS]
    changed[1][3] = 13
    preview = upload(client, xlsx(changed))
    assert (count(preview, "update"), count(preview, "unchanged")) == (1, 1)
    assert "建筑面积（万平方米） 12.5 万平方米 → 13 万平方米" in preview.content.decode()
    client.post(reverse("carrier_import_commit", args=[token_of(preview)]))
    assert Carrier.objects.get(name="导入科创中心A").floor_area_m2 == Decimal(130_000)
    assert Carrier.objects.get(name="导入科创中心A").history.count() == 2


def test_messy_but_clear_input_is_accepted(login):
    rows = [
        [
            "所在功能区 ",
            " 载体类型",
            "项目名称",
            "建筑面积（平方米）",
            "实际开工日期",
            "实际竣工日期",
            "入驻率",
        ],
        ["成都新经济活力区", "高品质科创空间", "  全角数字楼 ", "１２，５００", 43983, None, None],
        [
            "成都新经济活力区",
            "标准厂房",
            "万字面积厂房",
            "12.5万",
            "2020/06/01",
            "2020年9月1日",
            0.9,
        ],
        ["成都新经济活力区", "人才公寓", "月份日期公寓", "3,000", "2020.6", None, None],
        [None, None, None, None, None, None, None],
        ["成都新经济活力区", "专业楼宇", "点分日期楼", "20000", "2020.6.1", None, None],
    ]
    client = login("xinjingji")
    preview = upload(
        client, xlsx(rows, title="2020年成都新经济活力区产业载体统计表（单位：平方米）")
    )
    assert count(preview, "errors") == 0, preview.content.decode()
    client.post(reverse("carrier_import_commit", args=[token_of(preview)]))
    assert Carrier.objects.get(name="全角数字楼").floor_area_m2 == Decimal(12_500)
    assert Carrier.objects.get(name="全角数字楼").actual_start == dt.date(2020, 6, 1)
    assert Carrier.objects.get(name="万字面积厂房").floor_area_m2 == Decimal(125_000)
    assert Carrier.objects.get(name="月份日期公寓").actual_start == dt.date(2020, 6, 1)
    assert Carrier.objects.get(name="点分日期楼").actual_start == dt.date(2020, 6, 1)


def test_a_gbk_csv_from_excel_is_read(login):
    text = '所在功能区,载体类型,项目名称,建筑面积（万平方米）,实际开工日期\n成都新经济活力区,人才公寓,CSV公寓,"1,2",2020-01-05\n'
    client = login("xinjingji")
    preview = upload(client, text.replace('"1,2"', "1.2").encode("gb18030"), name="载体.csv")
    assert count(preview, "create") == 1, preview.content.decode()
    client.post(reverse("carrier_import_commit", args=[token_of(preview)]))
    assert Carrier.objects.get(name="CSV公寓").floor_area_m2 == Decimal(12_000)


# ── Bad rows: every problem named, nothing written, the workbook comes back marked ──

BAD_ROWS = [
    HEADER,
    ["不存在的功能区", "高品质科创空间", "甲", 1, None, None, None],  # row 2
    [
        "白鹭湾新经济总部功能区",
        "高品质科创空间",
        "乙",
        1,
        None,
        None,
        None,
    ],  # row 3: not the officer's zone
    ["成都新经济活力区", "写字楼", "丙", 1, None, None, None],  # row 4: unknown kind
    ["成都新经济活力区", "标准厂房", "丁", "约十万", None, None, None],  # row 5: text in a number
    ["成都新经济活力区", "标准厂房", "戊", -3, None, None, None],  # row 6: negative area
    ["成都新经济活力区", "标准厂房", "己", 1, "2020-02-30", None, None],  # row 7: no such date
    [
        "成都新经济活力区",
        "标准厂房",
        "庚",
        1,
        "2020-06-01",
        "2020-05-01",
        None,
    ],  # row 8: completion before start
    ["成都新经济活力区", "标准厂房", "辛", None, None, None, None],  # row 9: missing area
    ["成都新经济活力区", "标准厂房", "壬", 1, None, None, None],  # row 10
    ["成都新经济活力区", "标准厂房", "壬", 2, None, None, None],  # row 11: duplicate of row 10
    [
        "成都新经济活力区",
        "标准厂房",
        "癸",
        1,
        "2020-01-01",
        None,
        "80%",
    ],  # row 12: occupancy before completion
]
EXPECTED = [
    (2, "所在功能区", "功能区“不存在的功能区”不存在"),
    (3, "所在功能区", "您无权向功能区“白鹭湾新经济总部功能区”填报数据"),
    (4, "载体类型", "“写字楼”不是可选值"),
    (5, "建筑面积（万平方米）", "“约十万”不是数字"),
    (6, "建筑面积（万平方米）", "不能为负数"),
    (7, "实际开工日期", "日期“2020-02-30”不存在"),
    (8, "实际竣工日期", "实际竣工日期早于实际开工日期"),
    (9, "建筑面积（万平方米）", "必填，不能为空"),
    (11, "项目名称", "与第 10 行重复"),
    (12, "入驻率", "只有已建成"),
]


def test_every_bad_row_is_named_and_nothing_is_written(login):
    client = login("xinjingji")
    before = snapshot()
    preview = upload(client, xlsx(BAD_ROWS))
    assert preview.status_code == 400
    body = preview.content.decode()
    assert count(preview, "errors") == len(EXPECTED)
    for row, column, message in EXPECTED:
        assert re.search(
            rf"<td>{row}</td><td>{re.escape(column)}</td><td>[^<]*{re.escape(message)}", body
        ), (row, message)
    assert 'id="commit-import"' not in body
    # Forcing the commit anyway writes nothing.
    response = client.post(reverse("carrier_import_commit", args=[token_of(preview)]))
    assert response.status_code == 400
    assert snapshot() == before


def test_the_marked_workbook_highlights_each_bad_cell_with_a_comment(login):
    client = login("xinjingji")
    preview = upload(client, xlsx(BAD_ROWS, title="载体台账"))
    response = client.get(reverse("carrier_import_errors", args=[token_of(preview)]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "%E9%94%99%E8%AF%AF%E6%A0%87%E6%B3%A8" in response["Content-Disposition"]  # 错误标注
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header_row = 2  # the title row stays where the officer put it
    headers = [c.value for c in ws[header_row]]
    assert headers[: len(HEADER)] == HEADER and headers[len(HEADER)] == "错误说明"
    for row, column, message in EXPECTED:
        excel_row = row + 1  # one title row above the header
        message = message.replace("与第 10 行", "与第 11 行")  # row numbers are the sheet's own
        cell = ws.cell(row=excel_row, column=HEADER.index(column) + 1)
        assert cell.fill.fgColor.rgb.endswith("FFC7CE"), (row, column)
        assert message in cell.comment.text, (row, cell.comment.text)
        assert message in ws.cell(row=excel_row, column=len(HEADER) + 1).value
    good = ws.cell(row=11, column=3)  # row 10 of the upload: 壬, fine on its own
    assert good.comment is None
    assert ws.cell(row=1, column=1).value == "载体台账"


def test_a_file_without_the_required_columns_is_refused_as_a_whole(login):
    client = login("xinjingji")
    response = upload(client, xlsx([["名称", "面积"], ["甲", 1]]))
    assert response.status_code == 400
    assert "缺少必填列：所在功能区、载体类型、建筑面积（万平方米）" in response.content.decode()
    response = upload(client, xlsx([["随便", "什么"], ["甲", 1]]))
    assert "找不到表头行" in response.content.decode()
    response = upload(client, xlsx([HEADER]))
    assert "表头下面没有数据行" in response.content.decode()


def test_a_header_unit_of_another_measure_is_refused(login):
    rows = [[*HEADER[:3], "建筑面积（万元）"], ["成都新经济活力区", "标准厂房", "甲", 1]]
    response = upload(login("xinjingji"), xlsx(rows))
    assert "单位应为平方米、万平方米、平方公里之一" in response.content.decode()


def test_a_row_that_became_wrong_after_the_preview_is_not_written(login, users):
    from accounts.models import Membership
    from territory.models import Unit

    officer = users["xinjingji"]
    client = login("xinjingji")
    preview = upload(client, xlsx(GOOD_ROWS))
    token = token_of(preview)
    # Between preview and commit the officer is moved to another zone.
    Membership.objects.create(
        user=officer, unit=Unit.objects.get(code="z-bailuwan"), role="zone_officer"
    )
    officer.memberships.filter(unit__code="z-new-economy").delete()
    response = login("xinjingji").post(reverse("carrier_import_commit", args=[token]))
    assert response.status_code == 400
    assert "您无权向功能区“成都新经济活力区”填报数据" in response.content.decode()
    assert not Carrier.objects.filter(name="导入科创中心A").exists()


def test_a_token_is_the_uploaders_own(login):
    preview = upload(login("xinjingji"), xlsx(GOOD_ROWS))
    token = token_of(preview)
    response = login("gaoxin").post(reverse("carrier_import_commit", args=[token]))
    assert "已过期或不存在" in response.content.decode()
    assert not Carrier.objects.filter(name="导入科创中心A").exists()
    forged = login("gaoxin").post(reverse("carrier_import_commit", args=["..%2F..%2Fetc%2Fpasswd"]))
    assert forged.status_code == 400 and "已过期或不存在" in forged.content.decode()


# ── Hostile files ──


def _bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(chunk)
    return buffer.getvalue()


def _encrypted() -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(xlsx(GOOD_ROWS))).encrypt("密码123", out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (
            lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
            "载体.xlsx",
            "不是 Excel（.xlsx）或 CSV 文件",
        ),
        (lambda: b"PK\x03\x04garbage-not-a-zip", "载体.xlsx", "文件已损坏"),
        (_encrypted, "载体.xlsx", "文件设有密码"),
        (
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "旧表.xls",
            "旧版 Excel（.xls）",
        ),
        (lambda: _bomb(60), "载体.xlsx", "疑似压缩炸弹"),
        (lambda: b"", "空.xlsx", "文件是空的"),
        (lambda: "名称\x00\x00".encode("utf-16"), "载体.csv", "CSV"),
    ],
    ids=["not a workbook", "broken zip", "password", "old xls", "zip bomb", "empty", "binary csv"],
)
def test_a_hostile_file_is_refused_quickly_with_a_clear_message(
    login, settings, make, name, message
):
    settings.ZONEPLAN_IMPORT_MAX_BYTES = 1024 * 1024  # the bomb inflates past 20 MB from ~60 KB
    before = snapshot()
    response = upload(login("xinjingji"), make(), name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_an_oversized_file_is_refused_before_it_is_read(login, settings):
    settings.ZONEPLAN_IMPORT_MAX_BYTES = 2048
    response = upload(login("xinjingji"), xlsx(GOOD_ROWS * 50))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_too_many_rows_are_refused(login, settings):
    settings.ZONEPLAN_IMPORT_MAX_ROWS = 10
    rows = [HEADER] + [
        ["成都新经济活力区", "标准厂房", f"厂房{i}", 1, None, None, None] for i in range(100)
    ]
    response = upload(login("xinjingji"), xlsx(rows))
    assert response.status_code == 400
    assert "行数过多" in response.content.decode()
    response = upload(
        login("xinjingji"), "\n".join(",".join(map(str, r)) for r in rows).encode(), name="x.csv"
    )
    assert "行数过多" in response.content.decode()


def test_no_file_is_a_clear_message(login):
    response = login("xinjingji").post(reverse("carrier_import"), {})
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()


# ── Export and template ──


def test_the_export_neutralises_formulas_and_follows_the_filters(login, users):
    zone_id = users["xinjingji"].memberships.get().unit_id
    Carrier.objects.create(
        zone_id=zone_id,
        kind="scitech_space",
        name='=HYPERLINK("http://evil","点我")',
        floor_area_m2=Decimal(10_000),
    )
    Carrier.objects.create(
        zone_id=zone_id, kind="standard_factory", name="普通厂房", floor_area_m2=Decimal(25_000)
    )
    response = login("xinjingji").get(reverse("carrier_export"), {"kind": "scitech_space"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[2].value for row in ws.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil","点我")' in names
    assert all(n is None or not n.startswith("=") for n in names)
    assert "普通厂房" not in names
    assert [c.value for c in ws[1]][:4] == [
        "所在功能区",
        "载体类型",
        "项目名称",
        "建筑面积（万平方米）",
    ]
    row = next(r for r in ws.iter_rows(min_row=2) if r[2].value.startswith("'="))
    assert (
        row[0].value == "成都新经济活力区"
        and row[1].value == "高品质科创空间"
        and row[3].value == 1
    )


def test_an_outsider_exports_nothing_of_the_zone(login, users):
    zone_id = users["xinjingji"].memberships.get().unit_id
    Carrier.objects.create(zone_id=zone_id, kind="scitech_space", name="机密楼", floor_area_m2=1)
    ws = openpyxl.load_workbook(
        io.BytesIO(login("jinjiang").get(reverse("carrier_export")).content)
    ).active
    assert "机密楼" not in [r[2].value for r in ws.iter_rows(min_row=2)]


def test_the_template_has_units_drop_downs_and_instructions(login):
    response = login("xinjingji").get(reverse("carrier_template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["产业载体"]
    headers = [c.value for c in ws[1]]
    assert "建筑面积（万平方米）" in headers and "所在功能区" in headers
    validations = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation
    }
    options = wb["选项"]
    kind_col = headers.index("载体类型") + 1
    kind_values = [options.cell(row=r, column=kind_col).value for r in range(1, 5)]
    assert kind_values == ["高品质科创空间", "标准厂房", "专业楼宇", "人才公寓"]
    zone_col = headers.index("所在功能区") + 1
    assert options.cell(row=1, column=zone_col).value == "成都新经济活力区"
    assert options.cell(row=2, column=zone_col).value is None  # only the officer's own zone
    kind_letter = openpyxl.utils.get_column_letter(kind_col)
    assert validations[f"{kind_letter}2"] == f"=选项!${kind_letter}$1:${kind_letter}$4"
    assert "填写说明" in wb.sheetnames
    assert any("红色列名为必填" in (row[0].value or "") for row in wb["填写说明"].iter_rows())


def test_the_filled_in_template_imports(login):
    client = login("xinjingji")
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("carrier_template")).content))
    ws = wb["产业载体"]
    headers = [c.value for c in ws[1]]
    values = {
        "所在功能区": "成都新经济活力区",
        "载体类型": "人才公寓",
        "项目名称": "模板公寓",
        "建筑面积（万平方米）": 2.5,
        "实际开工日期": dt.date(2020, 2, 3),
    }
    for column, value in values.items():
        ws.cell(row=2, column=headers.index(column) + 1, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = upload(client, buffer.getvalue())
    assert count(preview, "create") == 1, preview.content.decode()


def test_the_preview_shows_totals_and_rows_as_they_will_be_stored(login):
    """A 10,000× slip shows before commit: "12.5万" in a 万平方米 column is 12.5万 m²."""
    rows = [
        HEADER,
        [
            "成都新经济活力区",
            "高品质科创空间",
            "预览科创中心（一期）",
            "12.5万",
            "2020-03-01",
            None,
            None,
        ],
        ["成都新经济活力区", "标准厂房", "预览厂房", "30000平方米", "2020-03-01", None, None],
    ]
    preview = upload(login("xinjingji"), xlsx(rows))
    body = preview.content.decode()
    assert preview.status_code == 200
    total = re.search(r'id="import-totals">(.*?)</div></div></div>', body, re.S).group(1)
    assert "建筑面积（万平方米），全部行合计" in total and "15.5 万平方米" in total
    table = re.search(r'id="import-rows">(.*?)</table>', body, re.S).group(1)
    assert "预览科创中心（一期）" in table  # stored as typed, full-width brackets kept
    assert "12.5 万平方米" in table and "3 万平方米" in table
    assert Carrier.objects.filter(name__startswith="预览").count() == 0  # nothing written yet


def test_the_preview_speaks_english_to_an_english_reader(login):
    client = login("xinjingji")
    client.cookies["django_language"] = "en"
    rows = [HEADER, ["成都新经济活力区", "标准厂房", "Preview hall", "2", None, None, None]]
    body = upload(client, xlsx(rows)).content.decode()
    assert "20,000 m²" in re.search(r'id="import-values">(.*?)</table>', body, re.S).group(1)
