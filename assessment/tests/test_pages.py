"""The assessment's pages: a city administrator starts a run and watches it; results, a
scorecard, the report and the workbook agree; publication needs fragile grades reviewed;
others cannot start or publish, and a district officer sees only the district's zones."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from assessment.models import Run
from assessment.tasks import run_assessment
from conftest import QUEUE_ONLY


@pytest.fixture
def finished(login, users, settings):
    # The run is queued, not run, so the page can be seen following it; then the task runs
    # here as a worker would run it (tests/test_worker.py has a real worker process).
    settings.TASKS = QUEUE_ONLY
    admin = login("admin")
    response = admin.post(reverse("assessment_runs"), {"year": "2020", "samples": "60"})
    run = Run.objects.get()
    assert response["Location"] == reverse("assessment_run", args=[run.pk])
    page = admin.get(response["Location"]).content.decode()
    assert 'id="run-progress"' in page and "排队中" in page  # queued, followed by the page
    partial = admin.get(response["Location"], headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    run_assessment.call(job_id=str(run.job.pk), attempt=1)
    assert admin.get(response["Location"], headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    return Run.objects.get(pk=run.pk)


def _rows(html: str) -> list[tuple[str, str]]:
    body = html[html.index('id="results"') :]
    return re.findall(
        r'data-zone="([^"]+)".*?<span class="badge bg-blue-lt">([^<]+)</span>', body, re.S
    )


def test_results_report_and_workbook_agree(finished, login):
    admin = login("admin")
    page = admin.get(reverse("assessment_run", args=[finished.pk])).content.decode()
    rows = _rows(page)
    assert len(rows) == finished.results.count() > 60
    assert 'id="rank-chart"' in page and "rank-data" in page
    document = Document(
        io.BytesIO(admin.get(reverse("assessment_report", args=[finished.pk, "docx"])).content)
    )
    table = document.tables[0]
    names = {r.unit.code: r.unit.name for r in finished.results.select_related("unit")}
    assert [(c.cells[1].text, c.cells[5].text) for c in table.rows[1:]] == [
        (names[code], grade) for code, grade in rows
    ]
    assert "演示数据" in "\n".join(p.text for p in document.paragraphs)
    book = openpyxl.load_workbook(
        io.BytesIO(admin.get(reverse("assessment_report", args=[finished.pk, "xlsx"])).content)
    )
    sheet = [r for r in book.active.iter_rows(values_only=True)]
    header = sheet.index(next(r for r in sheet if r[0] == "全市排名"))
    assert [(r[1], r[5]) for r in sheet[header + 1 :]] == [(names[c], g) for c, g in rows]


def test_a_scorecard_explains_the_score_and_what_would_raise_the_grade(finished, login):
    result = finished.results.exclude(grade="优秀").exclude(score=None).order_by("rank").first()
    page = (
        login("admin")
        .get(reverse("assessment_zone", args=[finished.pk, result.unit.code]))
        .content.decode()
    )
    assert result.unit.name in page and "核心起步区建设" in page and "科创空间总建筑面积" in page
    assert "分即可达到" in page or "单靠一项指标无法弥补" in page
    assert "得 0 分" not in page  # goalposts are shown as numbers, not labels
    assert 'id="scorecard-probabilities"' in page
    # Values in the plan's units: an area in 万平方米, a share in %, never the raw base number.
    table = page[page.index('id="scorecard-indicators"') :]
    raw = re.findall(r'data-value="([^"]+)">([^<]+)<', table)
    assert raw and "万平方米" in table and "%" in table
    for value, shown in raw:
        if float(value) >= 10_000:
            assert value not in shown and "万" in shown, (value, shown)
    # A count to reach is a whole number: 2.83 projects is not a target anyone can meet.
    from assessment.scorecard import scorecard

    card = scorecard(finished, result)
    measures = {r["name"]: r["measure"] for r in card["indicators"]}
    for option in (card["next_grade"] or {}).get("options", []):
        if measures[option["name"]] == "count":
            assert float(option["to"]).is_integer(), option


def test_a_value_is_shown_in_the_plans_units_in_either_language():
    from django.utils import translation

    from assessment.sources import shown

    with translation.override("zh-hans"):
        assert shown(340000.0, "area") == "34 万平方米"
        assert shown(0.83, "ratio") == "83%"
        assert shown(1.25e9, "money") == "12.5 亿元"
        assert shown(3, "count") == "3 个"
        assert shown(2.5, "") == "2.5" and shown(None, "area") == "—"
    with translation.override("en"):
        assert shown(340000.0, "area") == "340,000 m²"
        assert shown(0.83, "ratio") == "83%"


def test_publication_needs_the_fragile_grades_reviewed_then_the_public_sees_it(
    finished, login, client
):
    admin = login("admin")
    fragile = finished.results.filter(robust=False).count()
    url = reverse("assessment_publish", args=[finished.pk])
    if fragile:
        page = admin.post(url, {"action": "publish"}, follow=True).content.decode()
        assert f"有 {fragile} 个功能区的等次不稳健" in page
        assert Run.objects.get(pk=finished.pk).published_at is None
    admin.post(url, {"action": "publish", "confirm_fragile": "yes"})
    assert Run.objects.get(pk=finished.pk).published_at is not None
    client.logout()
    public = client.get(reverse("assessment_public")).content.decode()
    assert "2020年考核结果" in public or "2020" in public
    top = finished.results.select_related("unit").order_by("rank").first()
    assert top.unit.name in public
    admin = login("admin")
    admin.post(url, {"action": "withdraw"})
    client.logout()
    assert "尚未发布考核结果" in client.get(reverse("assessment_public")).content.decode()


@pytest.mark.parametrize("who", ["gaoxin", "xinjingji", "viewer"])
def test_only_a_city_administrator_starts_or_publishes(login, who, finished):
    officer = login(who)
    assert officer.post(reverse("assessment_runs"), {"year": "2020"}).status_code == 403
    assert officer.post(reverse("assessment_publish", args=[finished.pk])).status_code == 403
    assert Run.objects.count() == 1 and Run.objects.get().published_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "二〇二〇"}, "考核年度和抽样次数应为整数"),
        ({"year": "1900"}, "考核年度应在 2000–2100 之间"),
        ({"year": "2020", "samples": "5"}, "抽样次数应在 10 到 100,000 之间"),
        ({"year": "2020", "samples": "9" * 30}, "抽样次数应在 10 到 100,000 之间"),
    ],
)
def test_a_bad_request_to_run_is_refused_with_a_message(login, data, message):
    page = login("admin").post(reverse("assessment_runs"), data, follow=True).content.decode()
    assert message in page and not Run.objects.exists()


def test_a_district_officer_sees_only_the_districts_zones(finished, login):
    page = login("gaoxin").get(reverse("assessment_run", args=[finished.pk])).content.decode()
    shown = {code for code, _grade in _rows(page)}
    expected = set(
        finished.results.filter(
            unit__path__startswith=finished.results.get(unit__code="z-new-economy").unit.parent.path
        ).values_list("unit__code", flat=True)
    )
    assert shown and shown <= expected and "z-bailuwan" not in shown


def test_the_city_can_check_a_run_reproduces_and_tampering_shows(finished, login):
    assert login("gaoxin").post(reverse("assessment_verify", args=[finished.pk])).status_code == 403
    viewer = login("viewer")
    url = reverse("assessment_verify", args=[finished.pk])
    assert "结果与存档完全一致" in viewer.post(url, follow=True).content.decode()
    outputs = finished.outputs
    zone = next(iter(outputs["schemes"]["default-2020"]["zones"]))
    outputs["schemes"]["default-2020"]["zones"][zone]["score"] = 99.9  # edited in the database
    Run.objects.filter(pk=finished.pk).update(outputs=outputs)
    assert "与存档不一致" in viewer.post(url, follow=True).content.decode()


def test_the_admin_lists_schemes_runs_and_proposals(finished, login):
    admin = login("admin")
    scheme = finished.inputs["schemes"]["default-2020"]["scheme"]
    from assessment.models import Scheme

    change = admin.get(
        reverse("admin:assessment_scheme_change", args=[Scheme.objects.get(code=scheme["code"]).pk])
    )
    assert change.status_code == 200 and "核心起步区建设" in change.content.decode()
    assert admin.get(reverse("admin:assessment_run_changelist")).status_code == 200
    assert admin.get(reverse("admin:assessment_consequence_changelist")).status_code == 200
    # A frozen run may be deleted, never edited; a decision is neither.
    assert admin.get(reverse("admin:assessment_run_delete", args=[finished.pk])).status_code == 200
    assert admin.get(reverse("admin:assessment_run_add")).status_code == 403
    proposal = finished.consequences.first()
    assert (
        admin.get(reverse("admin:assessment_consequence_delete", args=[proposal.pk])).status_code
        == 403
    )


def test_every_officer_can_read_how_zones_are_assessed(login):
    page = login("xinjingji").get(reverse("assessment_schemes")).content.decode()
    scheme = page[page.index('id="scheme-default-2020"') :]
    assert "2020年产业功能区考核默认方案" in scheme and "适用于全部功能区" in scheme
    assert "核心起步区建设" in scheme and "35%" in scheme  # the plan's stress, as a share
    assert "0 → 200000" in scheme and "20万平方米" in scheme  # goalposts and their reason
    assert "优秀 ≥ 85（至多占功能区的 20%）" in scheme


def test_a_zones_page_shows_its_grade_once_published(finished, login):
    officer = login("xinjingji")
    url = reverse("zone_detail", args=["z-new-economy"])
    assert 'id="zone-assessment"' not in officer.get(url).content.decode()  # not yet published
    Run.objects.filter(pk=finished.pk).update(published_at=timezone.now())
    page = officer.get(url).content.decode()
    result = finished.results.get(unit__code="z-new-economy")
    card = page[page.index('id="zone-assessment"') :]
    assert "2020 年度考核" in card and result.grade in card and f"全市第 {result.rank} 名" in card
    assert reverse("assessment_zone", args=[finished.pk, "z-new-economy"]) in card


def test_a_new_run_defaults_to_the_plans_last_year_and_a_bad_year_is_refused(login):
    admin = login("admin")
    page = admin.get(reverse("assessment_runs")).content.decode()
    assert 'name="year" id="id_year" value="2020"' in page  # the 2020 plan, not last year
    refused = admin.post(
        reverse("assessment_runs"), {"year": "二〇二〇", "samples": "60"}, follow=True
    )
    assert "考核年度和抽样次数应为整数。" in refused.content.decode()
    assert not Run.objects.exists()
