"""Chain files as workbooks (docs/chains.md, "Chain workbooks"): the same chain as the YAML
test file loads the same rows, and a bad workbook is refused with its file, sheet and row,
writing nothing."""

from __future__ import annotations

import openpyxl
import pytest

from chains.tests.test_chain_file import GOOD, load, refused, state, write

CHAINS = [
    ["代码", "名称", "产业生态圈", "“有”的门槛", "“强”的门槛"],
    ["t-ic", "集成电路（测试）", "eco-smart-manufacturing", 2, 4],
]
NODES = [
    ["产业链", "代码", "名称", "环节", "上级节点"],
    ["t-ic", "design", "芯片设计", "上游", None],
    ["t-ic", "eda", "EDA工具", None, "design"],
    ["t-ic", "ip-cpu", "处理器IP", None, "ip"],  # its parent comes later: rows need no order
    ["t-ic", "ip", "IP核", None, "design"],
    ["t-ic", "wafer", "晶圆制造", "中游", None],
    ["t-ic", "package", "封装测试", "下游", None],
]
LINKS = [
    ["产业链", "从", "到", "类型"],
    ["t-ic", "design", "wafer", "上下游"],
    ["t-ic", "wafer", "package", None],
]


def book(tmp_path, *, chains=CHAINS, nodes=NODES, links=LINKS, name="chains.xlsx"):
    workbook = openpyxl.Workbook()
    workbook.active.title = "产业链"
    for row in chains:
        workbook["产业链"].append(row)
    for title, rows in (("节点", nodes), ("关联", links)):
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_a_workbook_loads_the_same_chain_as_the_yaml_file_and_again_writes_nothing(db, tmp_path):
    load(write(tmp_path, GOOD))
    from_yaml = state()[:3]
    from chains.models import Chain

    Chain.objects.filter(code="t-ic").delete()
    path = book(tmp_path)
    assert "新建 6" in load(path)
    assert state()[:3] == from_yaml
    before = state()
    assert "数据库未发生变化" in load(path)
    assert state() == before


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            {"nodes": [*NODES[:3], ["t-ic", "ip-cpu", "处理器IP", None, "nowhere"]]},
            "chains.xlsx “节点”表第 4 行，上级节点：不是产业链 t-ic 的节点：nowhere",
        ),
        (
            {"nodes": [*NODES[:2], ["t-ic", "a", "甲", None, "b"], ["t-ic", "b", "乙", None, "a"]]},
            "chains.xlsx “节点”表第 3 行，上级节点：节点 a 经“上级节点”成为自身的上级",
        ),
        (
            {"nodes": [*NODES, ["t-ic", "wafer", "晶圆制造二", "中游", None]]},
            "chains.xlsx “节点”表第 8 行，代码：节点 wafer 重复（首次出现在第 6 行）",
        ),
        (
            {"nodes": [*NODES, ["t-xx", "x", "无链节点", "上游", None]]},
            "chains.xlsx “节点”表第 8 行，产业链：不是“产业链”表中的产业链：t-xx",
        ),
        (
            {"links": [*LINKS, ["t-ic", "package", "design", None]]},
            "成环",
        ),
        (
            {"links": [*LINKS, ["t-ic", "wafer", "ghost", "上下游"]]},
            "ghost",
        ),
        (
            {"chains": [[*CHAINS[0], "颜色"], [*CHAINS[1], "红"]]},
            "chains.xlsx “产业链”表第 1 行，颜色：未知的列",
        ),
        (
            {
                "nodes": [
                    *NODES[:1],
                    ["t-ic", "design", "<script>alert(1)</script>" * 20, "上游", None],
                ]
            },
            "“节点”表第 2 行，名称：过长（500 字，最多 200 字）",
        ),
    ],
)
def test_a_bad_workbook_is_refused_with_its_sheet_and_row(db, tmp_path, change, expected):
    message = refused(book(tmp_path, **change))
    assert expected in message


def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path):
    fake = tmp_path / "chains.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "chains.xlsx 文件已损坏，或不是有效的 Excel（.xlsx）文件" in refused(fake)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "empty.xlsx 文件是空的" in refused(empty)
    other = openpyxl.Workbook()
    other.active.title = "Sheet1"
    other.save(tmp_path / "other.xlsx")
    assert "没有名为“产业链”的工作表" in refused(tmp_path / "other.xlsx")
