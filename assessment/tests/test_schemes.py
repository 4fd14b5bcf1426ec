"""Scheme files: the shipped one loads with every reason kept; a bad one is refused whole with
where and why, and the scheme already stored is left as it was."""

import pytest

from assessment.framework import AssessmentError
from assessment.models import Scheme
from assessment.schemes import load_scheme
from conftest import SCHEME_FILE

SCHEME = SCHEME_FILE.read_text(encoding="utf-8")


def test_the_shipped_scheme_stresses_core_areas_and_sci_tech_space(db):
    scheme = Scheme.objects.get(code="default-2020")  # loaded with the shipped data
    weights = {n.code: n.weight for n in scheme.nodes.filter(parent=None)}
    assert weights == {"core-area": 35, "scitech-space": 35, "projects": 15, "supporting": 15}
    assert all(n.reason for n in scheme.nodes.all())  # every weight and goalpost says why
    assert [g.name for g in scheme.grades.all()] == ["优秀", "良好", "达标", "不达标"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight: 35\n", "weight: -35\n"), "dimensions[0].weight：权重不能为负数"),
        (
            (
                "    weight: 15\n    reason: 计划其余量化任务（",
                "    weight: 0\n    reason: 计划其余量化任务（",
            ),
            None,
        ),
        (("high: 1\n", "high: 0\n"), "两个门槛值相同（0）"),
        (("source: scene_kinds", "source: no_such_thing"), "没有名为“no_such_thing”的数据来源"),
        (("format: zoneplan-scheme/1", "format: other"), "format: zoneplan-scheme/1"),
        (("code: default-2020", "code: default-2020\nstages: [nope]"), "没有代码为“nope”的记录"),
        (("high: 200000", "high: 二十万"), "应为数字，现为“二十万”"),
        (
            ("  - {name: 良好, min_score: 70}", "  - {name: 良好, min_score: 90}"),
            "等次的最低分应从高到低",
        ),
        (("name: 2020年产业功能区考核默认方案", "name: [unclosed"), "不是有效的 YAML"),
    ],
    ids=[
        "negative",
        "one-zero-ok",
        "goalposts",
        "source",
        "format",
        "stage",
        "text",
        "bands",
        "yaml",
    ],
)
def test_a_bad_scheme_is_refused_whole(db, change, message):
    before = Scheme.objects.get(code="default-2020").nodes.count()
    text = SCHEME.replace(*change, 1)
    assert text != SCHEME
    if message is None:  # a zero weight on one dimension is allowed: it just does not count
        load_scheme(text)
        return
    with pytest.raises(
        AssessmentError,
        match=message.replace("[", r"\[")
        .replace("]", r"\]")
        .replace("(", r"\(")
        .replace(")", r"\)"),
    ):
        load_scheme(text)
    assert Scheme.objects.get(code="default-2020").nodes.count() == before


def test_all_weights_zero_and_oversized_files_are_refused(db):
    zero = SCHEME
    for w in ("35", "15"):
        zero = zero.replace(f"    weight: {w}\n", "    weight: 0\n")
    with pytest.raises(AssessmentError, match="各维度权重全为 0"):
        load_scheme(zero)
    with pytest.raises(AssessmentError, match="方案文件过大"):
        load_scheme(b"#" * (1024 * 1024 + 1))


def test_the_command_loads_a_file_and_refuses_a_bad_one_with_where_and_why(db, tmp_path):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("load_scheme", str(SCHEME_FILE), stdout=out)
    assert "已载入考核方案：2020年产业功能区考核默认方案" in out.getvalue()
    with pytest.raises(CommandError, match="无法读取"):
        call_command("load_scheme", str(tmp_path / "none.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCHEME.replace("weight: 35\n", "weight: -35\n", 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.yaml：dimensions\[0\]\.weight：权重不能为负数"):
        call_command("load_scheme", str(bad))
    assert Scheme.objects.get(code="default-2020").nodes.get(code="core-area").weight == 35
