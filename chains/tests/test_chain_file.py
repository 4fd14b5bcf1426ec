"""Chain files: a good file loads with history and loads again without a write; a bad one is
refused with its file and line, names what is wrong, and writes nothing."""

from __future__ import annotations

import io
import textwrap

import pytest
from django.core.management import CommandError, call_command

from chains.models import Chain, ChainLink, ChainNode, NodeEnterprise
from investment.models import Enterprise

GOOD = """
format: zoneplan-chains/1
chains:
  - code: t-ic
    name: 集成电路（测试）
    ecosystem: eco-smart-manufacturing
    thresholds: {present: 2, strong: 4}
    nodes:
      - code: design
        name: 芯片设计
        segment: upstream
        children:
          - {code: eda, name: EDA工具}
          - code: ip
            name: IP核
            children:
              - {code: ip-cpu, name: 处理器IP}
      - {code: wafer, name: 晶圆制造, segment: midstream}
      - {code: package, name: 封装测试, segment: downstream}
    links:
      - {from: design, to: wafer}
      - {from: wafer, to: package}
"""


def write(tmp_path, text: str, name: str = "chains.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(*paths) -> str:
    out = io.StringIO()
    call_command("load_chains", *paths, stdout=out)
    return out.getvalue()


def state() -> tuple:
    return (
        sorted(Chain.objects.values_list("code", "name", "present_from", "strong_from")),
        sorted(ChainNode.objects.values_list("chain__code", "code", "name", "parent__code")),
        sorted(ChainLink.objects.values_list("source__code", "target__code", "kind")),
        sorted(NodeEnterprise.objects.values_list("node__code", "enterprise_id", "is_leader")),
        Chain.history.count() + ChainNode.history.count() + ChainLink.history.count(),
    )


def refused(path) -> str:
    before = state()
    with pytest.raises(CommandError) as exc:
        load(path)
    assert state() == before, "a refused file wrote something"
    message = str(exc.value)
    assert "产业链文件有误，未写入任何数据" in message
    return message


def test_a_good_file_loads_nodes_to_any_depth_with_history_and_again_writes_nothing(db, tmp_path):
    path = write(tmp_path, GOOD)
    out = load(path)
    assert "新建 6" in out  # six nodes
    chain = Chain.objects.get(code="t-ic")
    assert (chain.present_from, chain.strong_from) == (2, 4)
    assert chain.ecosystem.code == "eco-smart-manufacturing"
    cpu = ChainNode.objects.get(chain=chain, code="ip-cpu")
    assert cpu.parent.code == "ip" and cpu.parent.parent.code == "design"
    assert cpu.segment == "upstream", "a node inherits its top node's segment"
    assert ChainNode.history.filter(chain_id=chain.pk, history_type="+").count() == 6
    assert ChainLink.objects.filter(source__chain=chain).count() == 2

    before = state()
    out = load(path)
    assert "数据库未发生变化" in out
    assert state() == before


def test_a_node_left_out_is_deleted_with_its_links_and_a_rename_is_an_update(db, tmp_path):
    load(write(tmp_path, GOOD))
    changed = (
        GOOD.replace("name: 晶圆制造", "name: 晶圆代工")
        .replace("      - {code: package, name: 封装测试, segment: downstream}\n", "")
        .replace("      - {from: wafer, to: package}\n", "")
    )
    out = load(write(tmp_path, changed, "changed.yaml"))
    assert "删除" in out
    assert not ChainNode.objects.filter(code="package", chain__code="t-ic").exists()
    wafer = ChainNode.objects.get(code="wafer", chain__code="t-ic")
    assert wafer.name == "晶圆代工"
    assert wafer.history.count() == 2
    assert ChainNode.history.filter(code="package", history_type="-").count() == 1


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            GOOD.replace(
                "{from: wafer, to: package}",
                "{from: wafer, to: package}\n      - {from: package, to: design}",
            ),
            23,
            "上下游关系成环：t-ic.design → t-ic.wafer → t-ic.package → t-ic.design",
        ),
        (
            GOOD.replace("{code: wafer, name: 晶圆制造", "{code: eda, name: 晶圆制造"),
            18,
            "节点 eda 重复出现（首次在第 13 行）",
        ),
        (
            GOOD.replace("{from: wafer, to: package}", "{from: wafer, to: packing}"),
            22,
            "未知的节点 t-ic.packing",
        ),
        (
            GOOD.replace("{from: wafer, to: package}", "{from: wafer, to: wafer}"),
            22,
            "节点 t-ic.wafer 不能关联到自身",
        ),
        (
            GOOD.replace("{from: wafer, to: package}", "{from: design, to: wafer}"),
            22,
            "关联 t-ic.design → t-ic.wafer 重复出现（首次在第 21 行）",
        ),
        (
            GOOD.replace("eco-smart-manufacturing", "eco-nowhere"),
            6,
            "未知的产业生态圈 eco-nowhere",
        ),
        (
            GOOD.replace("{present: 2, strong: 4}", "{present: 3, strong: 3}"),
            7,
            "应大于 present",
        ),
        (
            GOOD.replace(
                "{code: wafer, name: 晶圆制造, segment: midstream}", "{code: wafer, name: 晶圆制造}"
            ),
            18,
            "segment：缺少必填项",
        ),
        (
            GOOD.replace(
                "{code: eda, name: EDA工具}", "{code: eda, name: EDA工具, segment: downstream}"
            ),
            13,
            "节点应与上级节点在同一环节（upstream）",
        ),
        (
            GOOD.replace("format: zoneplan-chains/1", "format: zoneplan/1"),
            2,
            "应为 zoneplan-chains/1",
        ),
    ],
    ids=[
        "cycle",
        "duplicate-node",
        "unknown-node",
        "self-link",
        "duplicate-link",
        "unknown-ecosystem",
        "thresholds",
        "missing-segment",
        "child-segment",
        "format",
    ],
)
def test_a_bad_file_is_refused_with_file_line_and_message(db, tmp_path, text, line, message):
    error = refused(write(tmp_path, text))
    assert message in error
    assert f"chains.yaml 第 {line} 行" in error.split(message)[0].splitlines()[-1]


def test_a_cycle_across_two_files_and_a_stored_chain_is_named(db, tmp_path):
    load(write(tmp_path, GOOD))
    other = """
    format: zoneplan-chains/1
    chains:
      - code: t-devices
        name: 终端（测试）
        nodes:
          - {code: phones, name: 手机, segment: downstream}
        links:
          - {from: phones, to: t-ic.design}
    """
    load(write(tmp_path, other, "other.yaml"))
    # t-ic now closes the loop back through the stored t-devices chain.
    closing = GOOD.replace(
        "{from: wafer, to: package}",
        "{from: wafer, to: package}\n      - {from: package, to: t-devices.phones}",
    )
    error = refused(write(tmp_path, closing, "closing.yaml"))
    assert "上下游关系成环" in error
    assert "t-ic.package → t-devices.phones" in error
    assert "t-devices.phones → t-ic.design" in error
    assert "closing.yaml 第 23 行" in error


def test_adjacent_links_between_chains_are_not_a_cycle(db, tmp_path):
    text = GOOD + "      - {from: package, to: t-ic.design, kind: adjacent}\n"
    load(write(tmp_path, text))
    assert ChainLink.objects.filter(kind="adjacent", source__chain__code="t-ic").count() == 1


def test_hostile_and_oversized_files_are_refused(db, tmp_path, settings):
    alias = GOOD.replace("name: 集成电路（测试）", "name: &x 集成电路（测试）").replace(
        "name: 芯片设计", "name: *x"
    )
    assert "不允许使用 YAML 别名" in refused(write(tmp_path, alias))
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(GOOD.encode("gbk"))
    assert "gbk.yaml 第 5 行，不是 UTF-8 编码的文本文件" in refused(gbk)
    settings.ZONEPLAN_PLAN_FILE_MAX_BYTES = 200
    assert "文件过大" in refused(write(tmp_path, GOOD))
    settings.ZONEPLAN_PLAN_FILE_MAX_BYTES = 5_000_000
    deep = "format: zoneplan-chains/1\nchains:\n  - code: t-deep\n    name: 深\n    nodes:\n"
    indent = "      "
    for level in range(10):
        deep += f"{indent}- code: n{level}\n{indent}  name: 第{level}层\n"
        deep += f"{indent}  segment: upstream\n" if level == 0 else ""
        deep += f"{indent}  children:\n"
        indent += "    "
    deep += f"{indent}- {{code: leaf, name: 叶}}\n"
    assert "节点最多嵌套 8 层" in refused(write(tmp_path, deep))


def test_enterprises_map_by_credit_code_and_a_node_they_stand_on_cannot_be_dropped(db, tmp_path):
    enterprise = Enterprise.objects.order_by("pk").first()
    mapped = GOOD + (
        "    enterprises:\n"
        f'      - {{node: wafer, credit_code: "{enterprise.credit_code.lower()}", leader: true}}\n'
    )
    load(write(tmp_path, mapped))
    row = NodeEnterprise.objects.get(node__chain__code="t-ic", node__code="wafer")
    assert row.enterprise == enterprise and row.is_leader

    unknown = mapped.replace(enterprise.credit_code.lower(), "91510100MA0000000X")
    assert "企业名录中没有统一社会信用代码为 91510100MA0000000X 的企业" in refused(
        write(tmp_path, unknown, "unknown.yaml")
    )

    dropped = GOOD.replace(
        "      - {code: wafer, name: 晶圆制造, segment: midstream}\n", ""
    ).replace("      - {from: design, to: wafer}\n      - {from: wafer, to: package}\n", "")
    error = refused(write(tmp_path, dropped.replace("    links:\n", ""), "dropped.yaml"))
    assert "文件中缺少节点 t-ic.wafer，但其上仍有 1 家企业、0 个项目和 0 个载体" in error


def test_the_commands_help_reads_in_chinese():
    """`manage.py load_chains --help` once failed on its lazily translated description."""
    from chains.management.commands.load_chains import Command

    text = Command().create_parser("manage.py", "load_chains").format_help()
    assert "载入产业链文件" in text
