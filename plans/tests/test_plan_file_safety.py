"""Plan files that do no harm: a key left out keeps what is stored, an empty one clears it;
what cannot be right is refused with file and line and writes nothing; what may be wrong is
loaded with a warning that names file and line. Dated changes of the tree load once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError

from plans.models import Indicator, Target
from plans.tests.test_load_plan import GOOD, load, state, write
from territory.history import Tree
from territory.models import Unit, UnitSuccession


def _refused(path) -> str:
    before = state()
    with pytest.raises(CommandError) as exc:
        load(path)
    assert state() == before, "a refused file wrote something"
    assert "未写入任何数据" in str(exc.value)
    return str(exc.value)


# ── A key left out keeps its value ──


def test_renaming_a_unit_keeps_every_field_the_entry_leaves_out(db, tmp_path):
    zone = Unit.objects.get(code="z-medical-city")
    assert zone.lead_industry and zone.source and zone.name_en
    before = (zone.lead_industry, zone.source, zone.note, zone.name_en, zone.parent_id)
    ecosystems = set(zone.ecosystems.values_list("pk", flat=True))
    path = write(
        tmp_path,
        """
        format: zoneplan/1
        units:
          - {code: z-medical-city, kind: zone, name: 成都医学城（更名）}
        """,
    )
    assert "单位：更新 1" in load(path)
    zone.refresh_from_db()
    assert zone.name == "成都医学城（更名）"
    assert (zone.lead_industry, zone.source, zone.note, zone.name_en, zone.parent_id) == before
    assert set(zone.ecosystems.values_list("pk", flat=True)) == ecosystems


def test_an_explicit_empty_value_clears_the_field(db, tmp_path):
    path = write(
        tmp_path,
        """
        format: zoneplan/1
        units:
          - {code: z-medical-city, kind: zone, name: 成都医学城, name_en: "", note: ~, industry_groups: []}
        """,
    )
    load(path)
    zone = Unit.objects.get(code="z-medical-city")
    assert zone.name_en == "" and zone.note == ""
    assert not zone.industry_groups.exists()


def test_a_target_entry_that_leaves_out_its_number_keeps_it(db, tmp_path):
    load(write(tmp_path, GOOD))
    path = write(
        tmp_path,
        """
        format: zoneplan/1
        plan: {code: t-plan, title: 测试计划, year: 2021, starts_on: "2021-01-01", ends_on: "2021-12-31"}
        targets:
          - {code: whole, section: s1, title: 全市面积（改题）, unit: "510100", clause: 全市不低于100万平方米}
        """,
        name="again.yaml",
    )
    load(path)
    whole = Target.objects.get(plan__code="t-plan", code="whole")
    assert whole.title == "全市面积（改题）"
    assert whole.value == Decimal(1_000_000) and whole.indicator.code == "t_area"
    assert whole.milestones.count() == 1 and whole.parts.count() == 1


# ── Refused ──


def test_a_target_on_a_unit_closed_on_its_deadline_is_refused(db, tmp_path):
    text = GOOD.replace(
        "sections:",
        'units:\n  - {code: t-closing, kind: zone, parent: "510104", name: 将撤销的功能区, valid_to: "2021-06-30"}\nsections:',
    ).replace('unit: "510104", indicator: t_area', "unit: t-closing, indicator: t_area")
    error = _refused(write(tmp_path, text, name="closed.yaml"))
    assert "closed.yaml 第" in error
    assert (
        "part.unit：单位 t-closing 在截止日期 2021-12-31 时不在存续期内（… 至 2021-06-30）" in error
    )


def test_a_target_on_a_unit_merged_away_before_its_deadline_is_refused(db, tmp_path):
    text = GOOD.replace(
        "sections:",
        'changes:\n  - {merge: [z-new-economy], from: "2021-07-01", into: z-electronics}\nsections:',
    ).replace('unit: "510104", indicator: t_area', "unit: z-new-economy, indicator: t_area")
    error = _refused(write(tmp_path, text, name="merged.yaml"))
    assert "单位 z-new-economy 在截止日期 2021-12-31 时不在存续期内" in error


def test_a_derived_indicator_with_no_source_is_refused(db, tmp_path):
    text = GOOD.replace("kind: reported, measure: area", "kind: derived, measure: area")
    error = _refused(write(tmp_path, text, name="derived.yaml"))
    assert "derived.yaml 第 11 行，t_area.kind：派生指标 t_area 没有数据来源" in error


def test_a_file_for_a_plan_with_a_text_must_name_the_text(db, tmp_path):
    text = (
        "format: zoneplan/1\n"
        'plan: {code: cd-2020, title: 2020年产业生态圈和产业功能区建设工作计划, year: 2020, starts_on: "2020-01-01", ends_on: "2020-12-31"}\n'
        "targets:\n"
        '  - {code: extra, section: overall, title: 新增, unit: "510100", clause: 原文中没有的句子, tracking: 人工跟踪}\n'
    )
    error = _refused(write(tmp_path, text, name="no-text.yaml"))
    assert "cd-2020.source_text：计划 cd-2020 已声明原文 work-plan-2020.zh.txt" in error


def test_a_ratio_needs_its_parts_and_they_must_exist(db, tmp_path):
    half = "  - {code: t_share, name: 比例, kind: reported, measure: ratio, rollup: ratio, numerator: t_area"
    text = GOOD.replace("indicators:\n", "indicators:\n" + half + "}\n")
    error = _refused(write(tmp_path, text, name="ratio.yaml"))
    assert (
        "ratio.yaml 第 11 行，indicators[0].denominator：比值指标（rollup: ratio）须写明分子和分母指标"
        in error
    )
    text = GOOD.replace("indicators:\n", "indicators:\n" + half + ", denominator: nowhere}\n")
    error = _refused(write(tmp_path, text, name="ratio.yaml"))
    assert "t_share.denominator：指标 nowhere 不存在" in error


# ── Warned, and loaded ──


def test_a_deadline_after_the_plan_ends_loads_with_a_warning(db, tmp_path):
    text = GOOD.replace('deadline: "2021-12-31"\n    clause', 'deadline: "2022-06-30"\n    clause')
    output = load(write(tmp_path, text, name="late.yaml"))
    assert (
        "提醒：late.yaml 第 21 行，whole.deadline：截止日期 2022-06-30 晚于计划结束日期 2021-12-31"
        in output
    )
    assert Target.objects.get(plan__code="t-plan", code="whole").deadline == dt.date(2022, 6, 30)


def test_parts_larger_than_the_whole_load_with_a_warning_that_names_the_remainder(db, tmp_path):
    text = GOOD.replace("value: 30, display_unit: 万平方米", "value: 140, display_unit: 万平方米")
    output = load(write(tmp_path, text, name="over.yaml"))
    assert (
        "提醒：over.yaml 第 19 行，whole.value：分解目标之和 140 万平方米 超过总目标 100 万平方米，余量为 -40 万平方米"
        in output
    )


def test_a_plan_without_its_text_loads_with_a_warning_that_clauses_went_unchecked(db, tmp_path):
    output = load(write(tmp_path, GOOD))
    assert "未提供计划原文（source_text），3 个目标的条款未核对" in output


# ── Dated changes of the tree ──

CHANGES = """
format: zoneplan/1
units:
  - {code: t-merged, kind: zone, parent: "510112", name: 合并后的功能区, valid_from: "2021-07-01"}
  - {code: t-north, kind: zone, parent: "510115", name: 北区, valid_from: "2021-07-01"}
  - {code: t-south, kind: zone, parent: "510115", name: 南区, valid_from: "2021-07-01"}
changes:
  - {move: z-bailuwan, from: "2021-07-01", parent: "510112"}
  - {rename: z-jiaozi-park, from: "2021-07-01", name: 交子公园金融商务区（新名）, name_en: Jiaozi New}
  - {merge: [z-new-economy, z-electronics], from: "2021-07-01", into: t-merged}
  - {split: z-medical-city, from: "2021-07-01", into: [t-north, t-south]}
"""


def test_moves_renames_merges_and_splits_load_once(db, tmp_path):
    path = write(tmp_path, CHANGES, name="changes.yaml")
    bailuwan = Unit.objects.get(code="z-bailuwan")
    old_district = bailuwan.parent_id
    output = load(path)
    assert "单位变更：新建 4" in output
    before, after = Tree.on(dt.date(2021, 6, 30)), Tree.on(dt.date(2021, 7, 1))
    assert before.parent(bailuwan.pk) == old_district
    assert after.parent(bailuwan.pk) == Unit.objects.get(code="510112").pk
    jiaozi = Unit.objects.get(code="z-jiaozi-park")
    assert (
        before.name(jiaozi.pk) == "交子公园金融商务区"
        and jiaozi.name == "交子公园金融商务区（新名）"
    )
    merged = Unit.objects.get(code="t-merged")
    assert after.counts_for(Unit.objects.get(code="z-new-economy").pk) == merged.pk
    assert Unit.objects.get(code="z-electronics").valid_to == dt.date(2021, 6, 30)
    split = UnitSuccession.objects.filter(predecessor__code="z-medical-city").order_by("-primary")
    assert [(s.successor.code, s.primary) for s in split] == [("t-north", True), ("t-south", False)]
    snapshot = state()
    assert "数据库未发生变化" in load(path)
    assert state() == snapshot


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('{move: nowhere, from: "2021-07-01", parent: "510112"}', "单位 nowhere 不存在"),
        ('{move: z-bailuwan, from: "2021-07-01", parent: z-biotown}', "不能以 z-biotown 为上级"),
        (
            '{merge: [z-bailuwan], from: "2021-07-01", into: "510112"}',
            "承继单位 510112 与原单位的类型不同",
        ),
        (
            '{split: z-bailuwan, from: "2021-07-01", into: [z-biotown]}',
            "拆分须列出至少两个承继单位",
        ),
        ('{move: z-bailuwan, rename: z-bailuwan, from: "2021-07-01"}', "每项变更须且只能有"),
        ('{move: z-bailuwan, from: "2021-02-30", parent: "510112"}', "日期 2021-02-30 不存在"),
    ],
    ids=["unknown", "zone under zone", "other kind", "split into one", "two kinds", "bad date"],
)
def test_a_bad_change_is_refused_with_its_line(db, tmp_path, change, message):
    path = write(tmp_path, f"format: zoneplan/1\nchanges:\n  - {change}\n", name="bad-change.yaml")
    error = _refused(path)
    assert "bad-change.yaml 第 3 行" in error and message in error


def test_indicators_declare_how_they_roll_up(db, tmp_path):
    text = GOOD.replace(
        "indicators:\n",
        "indicators:\n  - {code: t_rev, name: 营收, kind: reported, measure: money, level: district, periods: cumulative}\n"
        "  - {code: t_rd, name: 研发, kind: reported, measure: money, rollup: own}\n"
        "  - {code: t_intensity, name: 研发强度, kind: reported, measure: ratio, rollup: ratio, numerator: t_rd, denominator: t_rev}\n",
    )
    load(write(tmp_path, text))
    intensity = Indicator.objects.get(code="t_intensity")
    assert (intensity.rollup, intensity.numerator.code, intensity.denominator.code) == (
        "ratio",
        "t_rd",
        "t_rev",
    )
    revenue = Indicator.objects.get(code="t_rev")
    assert (revenue.level, revenue.periods, revenue.rollup) == ("district", "cumulative", "sum")
