"""`load_plan`: the shipped 2020 plan, idempotence, and every way a plan file can be wrong.

Each bad file must give a message in Chinese naming the file, the line and the key, and must
leave the database exactly as it was."""

from __future__ import annotations

import io
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.models import Indicator, Milestone, Plan, Section, Target
from territory.models import (
    Belt,
    Ecosystem,
    IndustryGroup,
    Stage,
    Unit,
    UnitSuccession,
    UnitVersion,
)

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED = [DATA / "territory-chengdu.yaml", DATA / "plan-2020.yaml"]
MODELS = [
    Unit,
    UnitVersion,
    UnitSuccession,
    Ecosystem,
    IndustryGroup,
    Stage,
    Belt,
    Plan,
    Section,
    Indicator,
    Target,
    Milestone,
]


def state() -> dict:
    """Everything load_plan may write, including the change history."""
    snapshot = {m.__name__: sorted(map(repr, m.objects.values_list())) for m in MODELS}
    snapshot["unit_history"] = Unit.history.count()
    snapshot["target_history"] = Target.history.count()
    return snapshot


def load(*paths) -> str:
    out = io.StringIO()
    call_command("load_plan", *paths, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GOOD = """
format: zoneplan/1
plan:
  code: t-plan
  title: 测试计划
  year: 2021
  starts_on: "2021-01-01"
  ends_on: "2021-12-31"
sections:
  - {code: s1, title: 第一部分}
indicators:
  - {code: t_area, name: 测试面积, kind: reported, measure: area}
targets:
  - code: whole
    section: s1
    title: 全市面积
    unit: "510100"
    indicator: t_area
    comparator: gte
    value: 100
    display_unit: 万平方米
    deadline: "2021-12-31"
    clause: 全市不低于100万平方米
    milestones:
      - {due_on: "2021-06-30", value: 40}
  - {code: part, parent: whole, section: s1, title: 锦江区面积, unit: "510104", indicator: t_area, comparator: gte, value: 30, display_unit: 万平方米, deadline: "2021-12-31", clause: 锦江区30万平方米}
  - {code: words, section: s1, title: 非量化目标, unit: "510100", clause: 提高入驻率, tracking: 按入驻率跟踪}
"""


# ── The shipped plan ──


def test_the_shipped_plan_holds_every_commitment(db):
    plan = Plan.objects.get(code="cd-2020")
    targets = plan.targets
    assert (
        targets.count() == 63
    )  # the 60 of earlier counts, with three the plan states inside other clauses
    assert targets.exclude(value=None).count() == 29
    city = targets.get(code="scitech-city")
    assert city.value == Decimal(10_000_000)
    assert city.parts.count() == 3 + 10 + 9
    assert sum(p.value for p in city.parts.all()) == Decimal(9_800_000)
    assert targets.get(code="high-tier-projects").value == 270
    assert targets.get(code="high-tier-projects").strength == "strive"
    assert targets.get(code="standard-factories").value == Decimal(8_000_000)
    assert targets.get(code="professional-buildings").value == 28
    assert targets.get(code="talent-apartments").value == Decimal(3_000_000)
    assert targets.get(code="service-projects").value == 659
    assert targets.get(code="core-areas").value == 66


def test_every_clause_is_quoted_verbatim_from_the_plan_text(db):
    text = (DATA / "work-plan-2020.zh.txt").read_text(encoding="utf-8")
    for clause in Target.objects.values_list("clause", flat=True):
        assert clause in text


def test_every_commitment_without_a_number_says_how_it_is_tracked(db):
    for target in Target.objects.filter(value=None):
        assert target.tracking and target.tracking_en, target.code


def test_loading_the_shipped_plan_again_changes_nothing(db):
    before = state()
    output = load(*SHIPPED)
    assert "数据库未发生变化" in output
    assert state() == before


def test_a_new_file_loads_and_a_second_load_changes_nothing(db, tmp_path):
    path = write(tmp_path, GOOD)
    assert "目标任务：新建 3" in load(path)
    whole = Target.objects.get(plan__code="t-plan", code="whole")
    assert whole.value == Decimal(1_000_000)
    assert whole.parts.get().unit.code == "510104"
    assert list(whole.milestones.values_list("value", flat=True)) == [Decimal(400_000)]
    before = state()
    assert "数据库未发生变化" in load(path)
    assert state() == before


def test_a_changed_value_updates_the_target_and_records_history(db, tmp_path):
    load(write(tmp_path, GOOD))
    history = Target.history.filter(code="whole").count()
    load(write(tmp_path, GOOD.replace("value: 100", "value: 120")))
    assert Target.objects.get(code="whole", plan__code="t-plan").value == Decimal(1_200_000)
    assert Target.history.filter(code="whole").count() == history + 1


# ── Bad files: a clear message, nothing written ──

BAD = [
    ("wrong type", GOOD.replace("value: 100", 'value: "一百"'), 19, "targets[0].value", "应为数字"),
    (
        "unknown unit",
        GOOD.replace('unit: "510100"\n    indicator', 'unit: "999999"\n    indicator'),
        16,
        "whole.unit",
        "单位 999999 不存在",
    ),
    (
        "unknown indicator",
        GOOD.replace("indicator: t_area\n    comparator", "indicator: nope\n    comparator"),
        17,
        "whole.indicator",
        "指标 nope 不存在",
    ),
    (
        "negative value",
        GOOD.replace("value: 100", "value: -5"),
        19,
        "targets[0].value",
        "不能为负数",
    ),
    ("missing value", GOOD.replace("    value: 100\n", ""), 13, "targets[0].value", "缺少目标值"),
    (
        "duplicated code",
        GOOD.replace("code: words", "code: part"),
        26,
        "part.code",
        "代码 part 重复",
    ),
    (
        "missing parent",
        GOOD.replace("parent: whole", "parent: nowhere"),
        25,
        "part.parent",
        "所属总目标 nowhere 不存在",
    ),
    (
        "impossible date",
        GOOD.replace('deadline: "2021-12-31"\n    clause', 'deadline: "2021-02-30"\n    clause'),
        21,
        "targets[0].deadline",
        "日期 2021-02-30 不存在",
    ),
    (
        "badly written date",
        GOOD.replace('starts_on: "2021-01-01"', "starts_on: 2021/01/01"),
        6,
        "plan.starts_on",
        "格式应为 YYYY-MM-DD",
    ),
    (
        "unknown key",
        GOOD.replace(
            "    clause: 全市不低于100万平方米", "    clause: 全市不低于100万平方米\n    valeu: 3"
        ),
        23,
        "targets[0].valeu",
        "未知的键",
    ),
    (
        "display unit of another measure",
        GOOD.replace("display_unit: 万平方米\n    deadline", "display_unit: 个\n    deadline"),
        20,
        "whole.display_unit",
        "量纲不符",
    ),
    (
        "unknown display unit",
        GOOD.replace("display_unit: 万平方米\n    deadline", "display_unit: 亩\n    deadline"),
        20,
        "targets[0].display_unit",
        "未知的计量单位",
    ),
    (
        "deadline before the plan starts",
        GOOD.replace('deadline: "2021-12-31"\n    clause', 'deadline: "2020-12-31"\n    clause'),
        21,
        "whole.deadline",
        "早于计划开始日期",
    ),
    (
        "no number and no tracking",
        GOOD.replace(", tracking: 按入驻率跟踪", ""),
        26,
        "words.tracking",
        "须说明如何跟踪",
    ),
    (
        "part with another indicator",
        GOOD.replace(
            "indicators:\n",
            "indicators:\n  - {code: t_count, name: 个数, kind: derived, measure: count}\n",
        ).replace(
            'parent: whole, section: s1, title: 锦江区面积, unit: "510104", indicator: t_area, comparator: gte, value: 30, display_unit: 万平方米',
            'parent: whole, section: s1, title: 锦江区面积, unit: "510104", indicator: t_count, comparator: gte, value: 30, display_unit: 个',
        ),
        26,
        "part.parent",
        "指标须与总目标",
    ),
    (
        "duplicate key",
        GOOD.replace("  year: 2021\n", "  year: 2021\n  year: 2022\n"),
        6,
        "",
        "键 year 重复出现",
    ),
    (
        "YAML syntax error",
        GOOD.replace("  - {code: s1, title: 第一部分}", "  - {code: s1, title: 第一部分"),
        10,
        "",
        "YAML 语法错误",
    ),
    (
        "alias (expansion bomb)",
        GOOD.replace("  title: 测试计划", "  title: &t 测试计划\n  title_en: *t"),
        5,
        "",
        "不允许使用 YAML 别名",
    ),
    (
        "wrong format",
        GOOD.replace("format: zoneplan/1", "format: zoneplan/9"),
        1,
        "format",
        "应为 zoneplan/1",
    ),
    (
        "targets without a plan",
        "format: zoneplan/1\ntargets:\n  - just text\n",
        1,
        "plan",
        "需要同一文件中的 plan",
    ),
    ("an item that is not a mapping", GOOD + "  - just text\n", 27, "targets[3]", "应为一个映射"),
]


@pytest.mark.parametrize(("case", "text", "line", "key", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_plan_file_is_refused_with_file_line_and_key(
    db, tmp_path, case, text, line, key, message
):
    path = write(tmp_path, text, name="坏计划.yaml")
    before = state()
    with pytest.raises(CommandError) as exc:
        load(path)
    error = str(exc.value)
    assert "未写入任何数据" in error
    assert "坏计划.yaml" in error
    wanted = [row for row in error.splitlines() if message in row]
    assert wanted, error
    if line:
        assert f"第 {line} 行" in wanted[0], error
    if key:
        assert key in wanted[0], error
    assert state() == before


def _units_file(tmp_path, units: str) -> Path:
    return write(
        tmp_path, "format: zoneplan/1\nunits:\n" + textwrap.dedent(units), name="units.yaml"
    )


def test_a_unit_tree_with_a_cycle_is_refused(db, tmp_path):
    path = _units_file(
        tmp_path,
        """\
      - {code: d-a, kind: development_unit, parent: d-b, name: 甲}
      - {code: d-b, kind: development_unit, parent: d-a, name: 乙}
    """,
    )
    before = state()
    with pytest.raises(CommandError, match=r"单位树存在循环：d-a → d-b → d-a"):
        load(path)
    assert state() == before


def test_a_unit_under_a_parent_of_the_wrong_kind_or_missing_is_refused(db, tmp_path):
    path = _units_file(
        tmp_path,
        """\
      - {code: z-x, kind: zone, parent: "510100", name: 直属市的功能区}
      - {code: z-y, kind: zone, parent: no-such, name: 无上级}
      - {code: z-z, kind: zone, parent: "510104", districts: ["510104", z-x], name: 重复主属区}
    """,
    )
    before = state()
    with pytest.raises(CommandError) as exc:
        load(path)
    error = str(exc.value)
    assert "units.yaml 第 3 行，z-x.parent：功能区（z-x）不能以 510100 为上级" in error
    assert "z-y.parent：上级单位 no-such 不存在" in error
    assert "510104 已是主属区" in error and "z-x 不是已知的区（市）县" in error
    assert state() == before


def test_one_bad_file_among_several_writes_none_of_them(db, tmp_path):
    good = write(tmp_path, GOOD, name="good.yaml")
    bad = write(
        tmp_path,
        GOOD.replace("t-plan", "t-plan-2").replace("value: 100", "value: -1"),
        name="bad.yaml",
    )
    before = state()
    with pytest.raises(CommandError, match=re.escape("bad.yaml")):
        load(good, bad)
    assert state() == before


def test_a_clause_not_in_the_source_text_is_refused(db, tmp_path):
    (tmp_path / "source.txt").write_text(
        "全市不低于100万平方米。锦江区30万平方米。", encoding="utf-8"
    )
    text = GOOD.replace(
        '  ends_on: "2021-12-31"', '  ends_on: "2021-12-31"\n  source_text: source.txt'
    )
    load(write(tmp_path, text.replace("clause: 提高入驻率", "clause: 全市不低于100万平方米")))
    with pytest.raises(CommandError, match="条款未在计划原文中逐字出现"):
        load(write(tmp_path, text.replace("clause: 锦江区30万平方米", "clause: 锦江区40万平方米")))


def test_a_source_text_outside_the_plan_folder_is_refused(db, tmp_path):
    text = GOOD.replace(
        '  ends_on: "2021-12-31"', '  ends_on: "2021-12-31"\n  source_text: ../../etc/passwd'
    )
    with pytest.raises(CommandError, match="原文文件须与计划文件在同一目录"):
        load(write(tmp_path, text))


def test_an_oversized_file_is_refused_before_it_is_read(db, tmp_path, settings):
    settings.ZONEPLAN_PLAN_FILE_MAX_BYTES = 2048
    path = write(tmp_path, GOOD + "#" + "x" * 4000 + "\n")
    with pytest.raises(CommandError, match=r"文件过大（.*上限 2,048 字节）"):
        load(path)


def test_a_file_that_is_not_text_or_not_there_is_refused(db, tmp_path):
    binary = tmp_path / "plan.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    with pytest.raises(
        CommandError, match=re.escape("plan.xlsx 第 1 行，不是 UTF-8 编码的文本文件")
    ):
        load(binary)
    with pytest.raises(CommandError, match=re.escape("missing.yaml 文件不存在或无法读取")):
        load(tmp_path / "missing.yaml")


def test_a_python_object_tag_is_refused_not_executed(db, tmp_path):
    marker = tmp_path / "pwned"
    tag = f"!!python/object/apply:os.system ['touch {marker}']"
    path = write(tmp_path, GOOD.replace("  title: 测试计划", f"  title: {tag}"))
    with pytest.raises(CommandError, match="YAML 语法错误"):
        load(path)
    assert not marker.exists()


def test_the_docs_list_of_commitments_is_the_shipped_one():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "plan_doc", DATA.parents[1] / "scripts/plan_doc.py"
    )
    plan_doc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plan_doc)
    assert plan_doc.main(write=False) == plan_doc.DOC.read_text(encoding="utf-8"), (
        "docs/plan-2020.md is stale: run .venv/bin/python scripts/plan_doc.py"
    )
