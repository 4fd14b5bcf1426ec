"""The monthly briefing: opened as Word and Excel files, its figures are the cockpit's."""

import io
import re

import openpyxl
from django.urls import reverse
from docx import Document

from tests.factories import city_briefing

DAY = "2020-09-30"


def _cockpit_value(body: str, code: str) -> tuple[str, str]:
    row = re.search(rf'id="progress-{code}".*?</tr>', body, flags=re.S).group(0)
    value = re.search(r'<td class="text-end text-nowrap">([^<]+)<div', row).group(1).strip()
    status = re.search(r'data-status="(\w+)"', row).group(1)
    return value, status


def test_the_word_briefing_has_the_cockpits_figures(login):
    client = login("viewer")
    page = client.get(reverse("cockpit"), {"day": DAY}).content.decode()
    response = city_briefing(
        client, reverse("briefing_unit", args=["510100", "docx"]), {"day": DAY}
    )
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "产业功能区建设工作简报（2020年9月）" in text
    assert "本简报含演示数据" in text
    rows = {
        t.rows[i].cells[0].text: [c.text for c in t.rows[i].cells]
        for t in document.tables
        for i in range(len(t.rows))
    }
    for code, title in (
        ("scitech-city", "全市科创空间总建筑面积不低于1000万平方米"),
        ("high-tier-projects", "引进高能级产业化项目270个以上"),
    ):
        value, status = _cockpit_value(page, code)
        cells = rows[title]
        assert cells[2] == value, (code, cells)
        assert (
            cells[5]
            == {
                "met": "已达成",
                "on_track": "进度正常",
                "at_risk": "存在风险",
                "behind": "进度滞后",
                "missed": "未完成",
            }[status]
        )
    counted, ruled = re.search(r"量化目标 (\d+) 项、按规则跟踪的任务 (\d+) 项", text).groups()
    assert int(counted) == len(
        re.findall(r'data-status="(?!qualitative|no_data)\w+" data-level', page)
    )
    # Every commitment of the plan tracked by a rule, as many as the plan file names.
    from plans.models import Target

    in_plan = Target.objects.filter(plan__code="cd-2020").exclude(rule="").count()
    assert int(ruled) == page.count(" data-rule ") == in_plan


def test_the_excel_briefing_lists_the_same_values_in_the_plans_units(login):
    client = login("viewer")
    response = city_briefing(
        client, reverse("briefing_unit", args=["510100", "xlsx"]), {"day": DAY}
    )
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["目标进展"]
    header_row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "章节")
    rows = [
        r
        for r in ws.iter_rows(values_only=True)
        if r[1] == "全市科创空间总建筑面积不低于1000万平方米"
    ]
    assert header_row[3] == "当前值" and rows
    page = client.get(reverse("cockpit"), {"day": DAY}).content.decode()
    value, _status = _cockpit_value(page, "scitech-city")
    assert f"{rows[0][3]:,g}".rstrip("0").rstrip(".") + " 万平方米" == value
    assert rows[0][4] == 1000 and rows[0][5] == "万平方米"


def test_a_district_officer_gets_the_districts_briefing_and_not_anothers(login):
    client = login("gaoxin")
    document = Document(
        io.BytesIO(
            client.get(
                reverse("briefing_unit", args=["hi-tech-zone", "docx"]), {"day": DAY}
            ).content
        )
    )
    assert "高新区" in "\n".join(p.text for p in document.paragraphs)
    assert client.get(reverse("briefing_unit", args=["510104", "docx"])).status_code == 404


def test_only_word_and_excel_are_offered(login):
    assert login("viewer").get(reverse("briefing_unit", args=["510100", "pdf"])).status_code == 404


def test_both_briefings_carry_the_commitments_computed_by_rules(login):
    client = login("viewer")
    page = client.get(reverse("cockpit"), {"day": DAY}).content.decode()
    basis = re.search(r'id="progress-core-area-scenes".*?data-basis>([^<]+)<', page, re.S).group(1)
    assert "个核心起步区三类场景齐全" in basis
    docx = city_briefing(client, reverse("briefing_unit", args=["510100", "docx"]), {"day": DAY})
    cells = {
        row.cells[0].text: [c.text for c in row.cells]
        for table in Document(io.BytesIO(docx.content)).tables
        for row in table.rows
    }
    assert cells["生产、生活、生态场景在核心起步区集中融合呈现"][2] == basis
    xlsx = city_briefing(client, reverse("briefing_unit", args=["510100", "xlsx"]), {"day": DAY})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["目标进展"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "章节")
    row = next(
        r
        for r in sheet.iter_rows(values_only=True)
        if r[1] == "生产、生活、生态场景在核心起步区集中融合呈现"
    )
    assert row[header.index("计算依据")] == basis


def test_the_city_briefing_is_made_by_a_job_whose_page_offers_the_file(login):
    client = login("viewer")
    response = client.get(reverse("briefing_unit", args=["510100", "docx"]), {"day": DAY})
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert 'id="job-file"' in page and "下载 工作简报-成都市-2020年09月.docx" in page
    assert "简报 工作简报-成都市-2020年09月.docx 已生成" in page
    assert client.get(job_url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    assert login("bailuwan").get(job_url + "file").status_code == 404  # not theirs
    zone = login("xinjingji").get(reverse("briefing_unit", args=["z-new-economy", "docx"]))
    assert zone.status_code == 200 and zone["Content-Type"].startswith("application/vnd")
