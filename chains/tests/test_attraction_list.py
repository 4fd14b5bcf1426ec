"""The attraction list (招引清单): a zone's officer keeps it, the district and the city read
it, another district's officer never sees it; every rule refuses with its message and writes
nothing; a spreadsheet imports, re-imports unchanged and updates; the .docx holds the rows."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

from chains.models import AttractionTarget
from investment.models import InvestmentProject


@pytest.fixture
def target(chain):
    return AttractionTarget.objects.create(
        zone=chain["x"],
        node=chain["nodes"]["b"],
        enterprise_name="测试目标有限公司",
        reason="补链：本地尚无中游企业",
        follower="招商一组",
        due_on=dt.date(2020, 9, 30),
    )


def _form(chain, **changes) -> dict:
    values = {
        "zone": chain["x"].pk,
        "node": chain["nodes"]["c"].pk,
        "enterprise_name": "新目标有限公司",
        "credit_code": "",
        "reason": "补链",
        "follower": "招商二组",
        "project": "",
        "next_step": "拜访",
        "due_on": "2020-10-31",
        "note": "",
    }
    return values | changes


def _xlsx(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "清单.xlsx"
    return buffer


def _preview(client, rows):
    return client.post(reverse("target_import"), {"file": _xlsx(rows)})


def _commit(client, preview):
    token = re.search(r"/attraction/import/([\w-]+)/commit", preview.content.decode()).group(1)
    return client.post(reverse("target_import_commit", args=[token]))


HEADER = ["所在功能区", "产业链节点", "目标企业", "招引理由", "跟进人", "完成时限"]


def test_the_zone_keeps_its_list_the_district_and_city_read_it_and_an_outsider_does_not(
    login, target
):
    detail = reverse("target_detail", args=[target.pk])
    edit = reverse("target_edit", args=[target.pk])
    for username in ("xinjingji", "gaoxin", "viewer", "admin"):
        html = login(username).get(reverse("target_list")).content.decode()
        assert "测试目标有限公司" in html, username
        assert login(username).get(detail).status_code == 200, username
    assert login("xinjingji").get(edit).status_code == 200
    assert login("gaoxin").get(edit).status_code == 200
    assert login("viewer").get(edit).status_code == 404
    for outsider in ("jinjiang", "bailuwan"):
        assert (
            "测试目标有限公司" not in login(outsider).get(reverse("target_list")).content.decode()
        )
        assert login(outsider).get(detail).status_code == 404
    html = login("xinjingji").get(detail).content.decode()
    assert "补链：本地尚无中游企业" in html and "尚未接洽" in html and "2020-09-30" in html


def test_a_zone_officer_adds_a_target_and_its_history_names_them(login, chain, users):
    client = login("xinjingji")
    response = client.post(reverse("target_create"), _form(chain))
    assert response.status_code == 302
    target = AttractionTarget.objects.get(enterprise_name="新目标有限公司")
    assert target.node == chain["nodes"]["c"] and target.due_on == dt.date(2020, 10, 31)
    assert target.history.get().history_user == users["xinjingji"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"credit_code": "91350100M000100Y44"}, "校验位错误（最后一位应为 3）"),
        ({"enterprise_name": ""}, "这个字段是必填项"),
        ({"reason": ""}, "这个字段是必填项"),
        ({"node": "999999"}, "选择一个有效的选项"),
        ({"due_on": "2020-02-30"}, "输入一个有效的日期"),
        ({"enterprise_name": "长" * 201}, "确保该变量包含不超过 200 字符"),
    ],
    ids=["credit-code", "no-enterprise", "no-reason", "unknown-node", "bad-date", "too-long"],
)
def test_a_bad_form_is_refused_with_its_message_and_writes_nothing(login, chain, changes, message):
    before = AttractionTarget.objects.count()
    response = login("xinjingji").post(reverse("target_create"), _form(chain, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AttractionTarget.objects.count() == before


def test_a_project_of_another_zone_or_an_outsiders_zone_is_refused(login, chain):
    other = InvestmentProject.objects.create(zone=chain["w"], name="别区项目", tier="other")
    client = login("gaoxin")  # may change both zones of 高新区
    response = client.post(reverse("target_create"), _form(chain, project=other.pk))
    assert response.status_code == 400
    assert "招商项目须为本功能区的项目（成都新经济活力区）" in response.content.decode()
    response = login("bailuwan").post(reverse("target_create"), _form(chain))
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    assert not AttractionTarget.objects.filter(enterprise_name="新目标有限公司").exists()


def test_the_stage_is_the_projects_once_talks_begin(chain, target):
    project = InvestmentProject.objects.create(
        zone=chain["x"], name="测试目标项目", tier="other", negotiating_on=dt.date(2020, 5, 1)
    )
    target.project = project
    target.save()
    assert target.stage_label == "洽谈"


def test_a_list_imports_re_imports_unchanged_and_updates(login, chain):
    client = login("xinjingji")
    rows = [
        HEADER,
        ["成都新经济活力区", "t-chain.b", "导入目标一有限公司", "补链", "一组", "2020-11-30"],
        ["成都新经济活力区", "C", "导入目标二有限公司", "强链", "二组", None],
    ]
    preview = _preview(client, rows)
    assert preview.status_code == 200
    assert AttractionTarget.objects.filter(enterprise_name__startswith="导入目标").count() == 0
    _commit(client, preview)
    second = AttractionTarget.objects.get(enterprise_name="导入目标二有限公司")
    assert second.node == chain["nodes"]["c"]  # found by its name, unique among the chains
    assert second.history.get().history_change_reason == "导入 清单.xlsx"
    again = _preview(client, rows)
    assert (
        "未变 2" in re.sub(r"\s+", " ", again.content.decode())
        or "未变</" in again.content.decode()
    )
    rows[2][4] = "三组"
    _commit(client, _preview(client, rows))
    second.refresh_from_db()
    assert second.follower == "三组" and second.history.count() == 2


def test_bad_rows_are_refused_each_with_its_message_and_nothing_is_written(login, chain):
    InvestmentProject.objects.create(zone=chain["x"], name="已有项目", tier="other")
    before = AttractionTarget.objects.count()
    rows = [
        [*HEADER, "关联招商项目"],
        ["成都新经济活力区", "no.such", "甲有限公司", "补链", "一组", None, None],
        ["成都新经济活力区", "t-chain.b", "乙有限公司", "补链", "一组", None, "没有的项目"],
        ["白鹭湾新经济总部功能区", "t-chain.b", "丙有限公司", "补链", "一组", None, None],
        ["成都新经济活力区", "t-chain.b", "丁有限公司", None, "一组", "2020-13-01", "已有项目"],
    ]
    html = _preview(login("xinjingji"), rows).content.decode()
    assert re.search(r'data-count="errors">4<', html)
    assert "没有任何产业链有节点“no.such”" in html
    assert "功能区“成都新经济活力区”中没有名为“没有的项目”的招商项目" in html
    assert "白鹭湾新经济总部功能区" in html
    assert AttractionTarget.objects.count() == before


def test_a_node_name_shared_by_two_chains_asks_for_the_code(login, chain):
    from chains.models import Chain, ChainNode

    other = Chain.objects.create(code="t-other", name="另一链")
    ChainNode.objects.create(chain=other, code="b2", name="B", segment="midstream")
    rows = [HEADER, ["成都新经济活力区", "B", "戊有限公司", "补链", "一组", None]]
    html = _preview(login("xinjingji"), rows).content.decode()
    assert "“B”对应多条产业链的节点（t-chain.b、t-other.b2），请填写节点代码" in html


def test_the_word_list_holds_the_rows_of_the_users_scope(login, chain, target):
    response = login("xinjingji").get(reverse("target_docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "招引清单" in text and "成都新经济活力区" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "测试目标有限公司" in cells and "招商一组" in cells and "2020-09-30" in cells
    assert "测试链 · B" in cells and "尚未接洽" in cells
    outsider = Document(io.BytesIO(login("bailuwan").get(reverse("target_docx")).content))
    assert "测试目标有限公司" not in [
        c.text for t in outsider.tables for row in t.rows for c in row.cells
    ]
