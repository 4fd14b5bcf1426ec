"""`export_registry` and `import_registry`: the pages' engine from the command line, for a
city moving its old ledgers in. Checked whole; nothing is written on an error or a dry run."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from carriers.models import Carrier

HEADER = ["所在功能区", "载体类型", "项目名称", "建筑面积（万平方米）"]
ZONE = "成都新经济活力区"


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _state():
    return sorted(
        Carrier.objects.values_list("zone_id", "kind", "name", "floor_area_m2")
    ), Carrier.history.count()


def test_import_writes_the_rows_and_says_so_in_json(db, tmp_path):
    path = _xlsx(
        tmp_path / "旧台账.xlsx",
        [HEADER, [ZONE, "标准厂房", "一号厂房", "12.5万"], [ZONE, "人才公寓", "人才公寓A", 3]],
    )
    output = _run("import_registry", "carriers", path, "--format", "json")
    assert json.loads(output.strip().splitlines()[-1]) == {
        "new": 2,
        "changed": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert Carrier.objects.get(name="一号厂房").floor_area_m2 == Decimal(125_000)  # 12.5万 m²
    record = Carrier.objects.get(name="人才公寓A").history.get()
    assert record.history_change_reason == "导入 旧台账.xlsx（命令行）"


def test_a_dry_run_and_a_file_with_an_error_write_nothing(db, tmp_path):
    good = _xlsx(tmp_path / "a.xlsx", [HEADER, [ZONE, "标准厂房", "一号厂房", 2]])
    before = _state()
    output = _run("import_registry", "carriers", good, "--dry-run", "--format", "json")
    assert json.loads(output.strip().splitlines()[-1])["new"] == 1
    assert _state() == before
    bad = _xlsx(
        tmp_path / "b.xlsx",
        [HEADER, [ZONE, "标准厂房", "二号厂房", 2], [ZONE, "标准厂房", "三号厂房", "5000元"]],
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_registry", "carriers", bad, "--format", "json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["errors"] == [
        {
            "row": 3,
            "column": "建筑面积（万平方米）",
            "message": "“5000元”是金额，本栏填写面积（万平方米）",
        }
    ]
    assert _state() == before


def test_the_users_rights_decide_what_may_be_written(db, tmp_path):
    path = _xlsx(tmp_path / "c.xlsx", [HEADER, [ZONE, "标准厂房", "越权厂房", 2]])
    before = _state()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_registry",
            "carriers",
            path,
            "--user",
            "bailuwan",
            "--format",
            "json",
            stdout=out,
        )
    errors = json.loads(out.getvalue().strip().splitlines()[-1])["errors"]
    assert errors[0]["message"] == f"您无权向功能区“{ZONE}”填报数据"
    assert _state() == before


def test_an_export_re_imported_untouched_writes_nothing(db, tmp_path):
    path = tmp_path / "载体.xlsx"
    assert "行写入" in _run("export_registry", "carriers", path) and path.exists()
    before = _state()
    result = json.loads(
        _run("import_registry", "carriers", path, "--format", "json").strip().splitlines()[-1]
    )
    assert (result["new"], result["changed"], result["errors"]) == (0, 0, [])
    assert result["unchanged"] == Carrier.objects.count()
    assert _state() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import_registry", "nothing", "x.xlsx"), "nothing"),
        (("import_registry", "carriers", "/no/such/file.xlsx"), "/no/such/file.xlsx"),
        (("import_registry", "carriers", "FILE", "--user", "nobody"), "nobody"),
        (("export_registry", "carriers", "out.txt"), ".xlsx"),
        (("export_registry", "carriers", "/no/such/dir/out.xlsx"), "/no/such/dir/out.xlsx"),
    ],
    ids=["unknown registry", "missing file", "unknown user", "not xlsx", "unwritable"],
)
def test_bad_arguments_are_refused_with_a_message(db, tmp_path, args, message):
    args = [str(_xlsx(tmp_path / "f.xlsx", [HEADER])) if a == "FILE" else a for a in args]
    before = _state()
    with pytest.raises(CommandError) as exc:
        _run(*args)
    assert message in str(exc.value)
    assert _state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel"),
        (b"PK\x03\x04 not really a zip", r"无法读取|不是有效"),
        (b"#!/bin/sh\nrm -rf /\n", "不是 Excel"),
    ],
    ids=["empty", "xls", "broken zip", "script"],
)
def test_a_hostile_file_is_refused_and_writes_nothing(db, tmp_path, content, message):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(content)
    before = _state()
    with pytest.raises(CommandError, match=message):
        _run("import_registry", "carriers", path)
    assert _state() == before


def test_an_oversized_file_is_refused_before_it_is_read(db, tmp_path, settings):
    settings.ZONEPLAN_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.csv"
    path.write_bytes(b"a," * 1000)
    with pytest.raises(CommandError, match="文件过大"):
        _run("import_registry", "carriers", path)
