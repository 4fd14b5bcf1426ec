"""A real composite indicator nobody here made (COINr's ASEM example) goes through the engine
whole: 51 units, 49 indicators, 8 pillars, 2 sub-indexes, groups, denominators, missing
values and negative directions; every method builds an index; the docs show the result."""

from pathlib import Path

import numpy as np
import pytest

from assessment.engine import run
from assessment.framework import AssessmentError
from assessment.tables import read_tables

ASEM = Path(__file__).resolve().parents[1] / "data" / "asem"
DATA, META = (ASEM / "iData.csv").read_bytes(), (ASEM / "iMeta.csv").read_bytes()


@pytest.fixture(scope="module")
def asem():
    return read_tables(DATA, META)


def test_the_whole_data_set_is_taken_in(asem):
    fw = asem.framework
    assert len(asem.units) == 51 and len(fw.indicators) == 49
    levels = dict((node.code, level) for node, level in fw.aggregates_bottom_up())
    assert sum(1 for v in levels.values() if v == 1) == 8  # pillars
    assert sorted(c.code for c in fw.children["Index"]) == ["Conn", "Sust"]
    assert sorted(asem.groups) == ["EurAsia_group", "GDP_group", "GDPpc_group", "Pop_group"]
    assert np.isnan(asem.data).sum() > 0  # missing values kept as missing
    assert {n.code for n in fw.indicators if n.direction == -1} >= {"PubDebt", "NEET", "CO2"}
    # Flights is per head: Austria's 29.01725 thousand seats over 8,735.453 thousand people
    austria, flights = asem.units.index("AUT"), [n.code for n in fw.indicators].index("Flights")
    assert asem.data[austria, flights] == pytest.approx(29.01725 / 8735.453)


@pytest.mark.parametrize(
    ("normalisation", "aggregation"),
    [
        ("goalposts", "arithmetic"),
        ("goalposts", "geometric"),
        ("minmax", "arithmetic"),
        ("minmax", "geometric"),
        ("zscore", "arithmetic"),
        ("rank", "arithmetic"),
        ("rank", "geometric"),
    ],
)
def test_every_method_builds_an_index_of_every_unit(asem, normalisation, aggregation):
    from assessment.framework import Method

    result = run(
        asem.with_targets(),
        Method(normalisation=normalisation, aggregation=aggregation),
        asem.data,
        asem.units,
        groups=asem.groups["GDP_group"],
    )
    assert not np.isnan(result.index).any()
    assert sorted(result.ranks.astype(int).tolist()) == list(range(1, 52))
    assert set(result.scores) == {n.code for n, _level in asem.framework.aggregates_bottom_up()}


def test_the_docs_show_what_the_engine_computes():
    import sys

    sys.path.insert(0, str(ASEM.parents[2]))
    from scripts.assessment_doc import BEGIN, DOC, END, ranking_table

    shown = DOC.read_text(encoding="utf-8").split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert shown == ranking_table(), "run scripts/assessment_doc.py"


@pytest.mark.parametrize(
    ("data", "meta", "message"),
    [
        (DATA, b"iCode,iName\nA,B\n", "指标元数据表缺少列：Level"),
        (DATA.replace(b'"LPI",', b'"LPX",', 1), META, "指标数据表缺少列：LPI"),
        (DATA.replace(b"4.097985", b"four", 1), META, "指标数据表第 2 行“LPI”列不是数字：“four”"),
        (DATA.replace(b'"BEL"', b'"AUT"', 1), META, "单位代码“AUT”重复"),
        (DATA, META.replace(b'"Indicator"', b'"Widget"', 1), "Type 应为"),
        (b"\xff\xfe\x00bad", META, "不是 UTF-8 编码"),
        (b"x" * (5 * 1024 * 1024 + 1), META, "指标数据表过大"),
        (b"", META, "指标数据表是空的"),
    ],
    ids=[
        "meta-columns",
        "data-column",
        "not-a-number",
        "duplicate",
        "type",
        "encoding",
        "size",
        "empty",
    ],
)
def test_a_bad_table_is_refused_with_where_and_why(data, meta, message):
    with pytest.raises(AssessmentError, match=message):
        read_tables(data, meta)


def _command(*args):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("assess_tables", *args, stdout=out)
    return out.getvalue()


def test_the_command_ranks_the_tables_as_the_docs_show():
    printed = _command(str(ASEM / "iData.csv"), str(ASEM / "iMeta.csv"), "--top", "3")
    lines = printed.splitlines()
    assert lines[0] == "51 个单位 × 49 项指标；minmax · arithmetic"
    first = lines[1].split()
    from scripts.assessment_doc import ranking_table

    assert first[1] == ranking_table().splitlines()[2].split("|")[3].split()[0]  # 最小-最大·算术


def test_the_command_refuses_bad_files_with_a_message(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="无法读取"):
        _command(str(tmp_path / "none.csv"), str(ASEM / "iMeta.csv"))
    broken = tmp_path / "data.csv"
    broken.write_bytes(DATA.replace(b"4.097985", b"four", 1))
    with pytest.raises(CommandError, match="第 2 行“LPI”列不是数字"):
        _command(str(broken), str(ASEM / "iMeta.csv"))
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="文件过大"):
        _command(str(huge), str(ASEM / "iMeta.csv"))
    with pytest.raises(CommandError, match="invalid choice"):
        _command(str(ASEM / "iData.csv"), str(ASEM / "iMeta.csv"), "--normalisation", "magic")
