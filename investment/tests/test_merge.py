"""Merging duplicate enterprise records (docs/conflicts.md, Merging): every reference moves to
the survivor with history, a row that would repeat one of the survivor's is removed and kept,
and undoing brings all of it back. An enterprise is never merged into itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chains.models import AttractionTarget, ChainNode, NodeEnterprise
from core.refusals import Forbidden
from investment.models import Enterprise, EnterpriseMerge, InvestmentProject
from investment.services import MergeRefused, merge_enterprises, undo_merge
from investment.tests.test_conflicts import _enterprise
from plans.tests.trees import small_tree


@pytest.fixture
def t(db):
    """天府芯材 twice: the survivor with one project and a node; the duplicate with two
    projects, the same node (a repeat) and another, and a line of 甲一's attraction list."""
    tree = small_tree()
    tree.keep = _enterprise("0002", "天府芯材股份有限公司")
    tree.dup = _enterprise("0003", "天府芯材（成都）有限公司")
    for zone, name, enterprise in [
        (tree.za, "芯材一期", tree.keep),
        (tree.zb, "芯材二期", tree.dup),
        (tree.zc, "芯材三期", tree.dup),
    ]:
        InvestmentProject.objects.create(
            zone=zone, name=name, enterprise=enterprise, tier="other", lead_on=dt.date(2020, 3, 1)
        )
    tree.node_a, tree.node_b = ChainNode.objects.order_by("pk")[:2]
    NodeEnterprise.objects.create(node=tree.node_a, enterprise=tree.keep, is_leader=True)
    NodeEnterprise.objects.create(node=tree.node_a, enterprise=tree.dup, note="重复")
    NodeEnterprise.objects.create(node=tree.node_b, enterprise=tree.dup)
    tree.line = AttractionTarget.objects.create(
        zone=tree.za,
        node=tree.node_b,
        enterprise_name="天府芯材",
        credit_code=tree.dup.credit_code,
        reason="补链",
    )
    return tree


def _state(t):
    return {
        "projects": sorted(
            InvestmentProject.objects.filter(name__startswith="芯材").values_list(
                "name", "enterprise__credit_code"
            )
        ),
        "nodes": sorted(
            NodeEnterprise.objects.filter(enterprise__name__startswith="天府芯材").values_list(
                "node_id", "enterprise__credit_code", "is_leader", "note"
            )
        ),
        "line": AttractionTarget.objects.get(pk=t.line.pk).credit_code,
        "enterprises": sorted(
            Enterprise.objects.filter(name__startswith="天府芯材").values_list("pk", "credit_code")
        ),
    }


def test_a_merge_moves_every_reference_and_undo_brings_it_all_back(t, users):
    before = _state(t)
    merge = merge_enterprises(user=users["admin"], survivor=t.keep, duplicate=t.dup, note="同一家")
    keep = t.keep.credit_code
    assert _state(t) == {
        "projects": [("芯材一期", keep), ("芯材三期", keep), ("芯材二期", keep)],
        "nodes": sorted([(t.node_a.pk, keep, True, ""), (t.node_b.pk, keep, False, "")]),
        "line": keep,
        "enterprises": [(t.keep.pk, keep)],
    }
    assert len(merge.moved) == 4 and len(merge.removed) == 1  # the repeat on node A
    project = InvestmentProject.objects.get(name="芯材二期")
    last = project.history.latest()
    assert last.history_user == users["admin"] and last.history_change_reason == f"并入 {keep}"
    restored = undo_merge(user=users["admin"], merge=merge)
    assert restored.pk == t.dup.pk and restored.name == "天府芯材（成都）有限公司"
    assert _state(t) == before
    merge.refresh_from_db()
    assert merge.undone_by == users["admin"] and merge.undone_at is not None
    with pytest.raises(MergeRefused) as again:
        undo_merge(user=users["admin"], merge=merge)
    assert str(again.value) == "该合并已撤销。"


def test_a_merge_into_itself_is_refused_and_nothing_is_written(t, users):
    before = _state(t)
    with pytest.raises(MergeRefused) as refused:
        merge_enterprises(user=users["admin"], survivor=t.keep, duplicate=t.keep)
    assert str(refused.value) == "企业不能并入其自身。"
    with pytest.raises(MergeRefused) as long_note:
        merge_enterprises(user=users["admin"], survivor=t.keep, duplicate=t.dup, note="长" * 501)
    assert str(long_note.value) == "说明最多 500 个字符。"
    for name in ("viewer", "gaoxin", "xinjingji"):
        with pytest.raises(Forbidden):
            merge_enterprises(user=users[name], survivor=t.keep, duplicate=t.dup)
    assert _state(t) == before and not EnterpriseMerge.objects.exists()


def test_an_undo_that_would_clash_is_refused(t, users):
    merge = merge_enterprises(user=users["admin"], survivor=t.keep, duplicate=t.dup)
    Enterprise.objects.create(credit_code=merge.merged_code, name="后来登记的同码企业")
    with pytest.raises(MergeRefused) as refused:
        undo_merge(user=users["admin"], merge=merge)
    assert str(refused.value) == (
        f"后来登记的同码企业（{merge.merged_code}）现已占用被合并记录的编号或统一社会信用代码，"
        "不能撤销。"
    )
    assert InvestmentProject.objects.filter(enterprise=t.keep).count() == 3


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "这个字段是必填项。"),
        ("91510100MA6CU0009X", "统一社会信用代码校验位错误（最后一位应为 J），请核对"),
        ("91510100MA6CU0009J", "没有统一社会信用代码为 91510100MA6CU0009J 的企业。"),
        (
            "<script>alert(1)</script>",
            "统一社会信用代码应为 18 位（“<SCRIPT>ALERT(1)</SCRIPT>”为 25 位）",
        ),
        ("9" * 41, "确保该变量包含不超过 40 字符 (目前字符数 41)。"),
    ],
)
def test_the_merge_form_refuses_bad_input_with_its_message(t, login, code, message):
    from django.utils.html import escape

    client = login("admin")
    before = _state(t)
    response = client.post(reverse("enterprise_merge", args=[t.keep.pk]), {"credit_code": code})
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert _state(t) == before


def test_the_city_merges_and_undoes_in_the_pages_and_no_one_else_may(t, login):
    client = login("admin")
    page = client.get(reverse("enterprise_detail", args=[t.keep.pk])).content.decode()
    assert "并入本记录" in page
    itself = client.post(
        reverse("enterprise_merge", args=[t.keep.pk]), {"credit_code": t.keep.credit_code}
    )
    assert itself.status_code == 400 and "企业不能并入其自身。" in itself.content.decode()
    done = client.post(
        reverse("enterprise_merge", args=[t.keep.pk]),
        {"credit_code": t.dup.credit_code.lower(), "note": "同一家"},
        follow=True,
    )
    assert "天府芯材（成都）有限公司已并入本企业" in done.content.decode()
    merge = EnterpriseMerge.objects.get()
    officer = login("gaoxin")
    assert officer.post(reverse("enterprise_merge_undo", args=[merge.pk])).status_code == 403
    assert (
        officer.post(
            reverse("enterprise_merge", args=[t.keep.pk]), {"credit_code": "x"}
        ).status_code
        == 403
    )
    client = login("admin")
    undone = client.post(reverse("enterprise_merge_undo", args=[merge.pk]), follow=True)
    assert "已撤销合并：天府芯材（成都）有限公司已恢复。" in undone.content.decode()
    assert Enterprise.objects.filter(pk=t.dup.pk).exists()
