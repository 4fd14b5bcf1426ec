"""Pages in a real browser: Debian's chromium driven by Playwright against the live server."""

import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from core.browser import CHROMIUM_ARGS, CHROMIUM_PATH

# Playwright's sync API keeps an event loop in this thread; the live server and the test's
# own database calls are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, loaded_data):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server.url
    yield page
    context.close()


def log_in(page, username: str) -> None:
    page.goto(f"{page.base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "zoneplan-demo")
    page.click("form button[type=submit].btn-primary")


def test_an_official_logs_in_in_chinese_and_switches_to_english(page):
    log_in(page, "admin")
    expect(page.locator("h2.page-title")).to_have_text("2020年产业生态圈和产业功能区建设工作计划")
    expect(page.locator("#main-nav")).to_contain_text("功能区")
    expect(page.locator("[data-figure=remainder]")).to_have_text("20 万平方米")
    page.click("#language-switch button[value=en]")
    expect(page.locator("h2.page-title")).to_have_text(
        "2020 Work Plan for Industrial Ecosystems and Industrial Function Zones"
    )
    expect(page.locator("#main-nav")).to_contain_text("Zones")
    page.goto(f"{page.base}/plan/")
    expect(page.locator("#target-scitech-city")).to_contain_text("10,000,000 m²")
    page.click("#language-switch button[value=zh-hans]")
    expect(page.locator("#target-scitech-city")).to_contain_text("1,000 万平方米")


def test_typing_in_the_zone_search_filters_the_table_in_place(page):
    log_in(page, "viewer")
    page.goto(f"{page.base}/zones/")
    expect(page.locator("#zone-count")).to_have_text("66 个功能区")
    page.fill("#id_q", "医学")
    expect(page.locator("#zone-count")).to_have_text("1 个功能区")
    expect(page.locator("#zone-table")).to_contain_text("成都医学城")
    expect(page).to_have_url(re.compile(r"q=%E5%8C%BB%E5%AD%A6"))  # can be bookmarked and shared
    page.select_option("#id_district", label="高新区")
    expect(page.locator("#no-zones")).to_be_visible()
    page.fill("#id_q", "")
    expect(page.locator("#zone-count")).to_contain_text("个功能区")
    expect(page.locator("#zone-table")).to_contain_text("成都新经济活力区")
    expect(page.locator("#zone-table")).not_to_contain_text("成都医学城")


def test_a_zone_officer_sees_the_own_zone_and_not_a_neighbour(page):
    log_in(page, "bailuwan")
    page.goto(f"{page.base}/zones/")
    expect(page.locator("#zone-count")).to_have_text("1 个功能区")
    page.click("text=白鹭湾新经济总部功能区")
    expect(page.locator("#zone-targets")).to_contain_text(
        "白鹭湾新经济总部功能区嵌入5G应用与网络视听等应用场景"
    )
    response = page.goto(f"{page.base}/zones/z-new-economy/")
    assert response.status == 404


def test_an_officer_draws_the_core_area_confirms_the_size_warning_and_it_is_saved(page):
    from territory.models import ZoneShape

    ZoneShape.objects.filter(zone__code="z-new-economy").delete()
    ZoneShape.objects.all().delete()  # the demo's squares would overlap a hand-drawn shape
    log_in(page, "xinjingji")
    page.goto(f"{page.base}/zones/z-new-economy/shape/core_area/")
    page.click(".leaflet-draw-draw-polygon")
    box = page.locator("#draw-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((0, 0), (40, 0), (40, 30), (0, 30)):
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(300)  # as a person clicks: quick clicks count as one double click
    expect(page.locator(".leaflet-draw-tooltip")).to_contain_text("单击第一个点以闭合图形")
    page.click(".leaflet-draw-actions a:has-text('完成')")
    expect(page.locator("#draw-status")).to_contain_text("已绘制")
    page.click("#shape-form button[type=submit]")
    expect(page.locator('[data-level="warning"]')).to_contain_text("以1平方公里范围起步")
    assert not ZoneShape.objects.filter(zone__code="z-new-economy").exists()
    page.check("input[name=confirm]")
    page.click("#shape-form button[type=submit]")
    expect(page.locator("#zone-shapes")).to_contain_text("平方公里")
    assert ZoneShape.objects.get(zone__code="z-new-economy").source_crs == "wgs84"


def test_the_whole_reporting_chain_runs_in_the_browser(page):
    from plans.models import ReportedValue
    from reporting.tests.factories import last_month_end, make_data_set

    make_data_set()
    period_end = last_month_end()

    def as_user(username):
        page.context.clear_cookies()
        log_in(page, username)
        page.goto(url)

    def step(label, comment=""):
        if comment:
            page.fill("#id_comment", comment)
        page.click(f"#submission-form button:has-text('{label}')")

    log_in(page, "xinjingji")
    page.click("#main-nav >> text=数据填报")
    page.select_option("#period-1", period_end.isoformat())
    page.click("#open-submission button")
    url = page.url
    page.fill("input[name='value:output']", "12.5万")
    step("保存")
    expect(page.locator("input[name='value:output']")).to_have_value(
        "12.5万"
    )  # shown back as typed, in 万
    step("提交")
    expect(page.locator("#submission-state")).to_contain_text("已提交")

    as_user("gaoxin")
    step("退回", "产值请按万元核实")
    expect(page.locator("#submission-state")).to_contain_text("已退回")
    as_user("xinjingji")
    expect(page.locator("#submission-events")).to_contain_text("产值请按万元核实")
    page.fill("input[name='value:output']", "13万")
    step("保存")
    step("提交")
    as_user("gaoxin")
    step("审核通过（区级）")
    as_user("admin")
    step("审核通过（市级）")
    expect(page.locator("#locked")).to_be_visible()
    assert ReportedValue.objects.get(indicator__code="output").value == 130_000

    as_user("xinjingji")
    expect(page.locator("input[name='value:output']")).to_have_count(0)  # locked: no input
    step("申请解锁", "漏报了一个项目")
    as_user("admin")
    step("解锁")
    as_user("xinjingji")
    expect(page.locator("#submission-state")).to_contain_text("已退回")
    expect(page.locator("input[name='value:output']")).to_have_value("13万")


def test_the_default_scheme_runs_on_demo_data_and_is_published(page, worker):
    log_in(page, "admin")
    page.goto(f"{page.base}/assessment/")
    page.fill("#id_year", "2020")
    page.fill("#id_samples", "200")
    page.click("#start-run button[type=submit]")
    # A worker process runs it; the page follows the job and then shows the results.
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#results")).to_be_visible(timeout=90_000)
    rows = page.locator("#results tbody tr")
    assert rows.count() > 60
    expect(page.locator("#rank-chart svg")).to_be_visible()
    expect(page.locator("#sensitivity")).to_contain_text("权重")
    first = rows.first.locator("a").inner_text()
    rows.first.locator("a").click()
    expect(page.locator("h2.page-title")).to_contain_text(first)
    expect(page.locator("#scorecard-dimensions")).to_contain_text("核心起步区建设")
    page.go_back()
    if page.locator("input[name=confirm_fragile]").count():
        page.check("input[name=confirm_fragile]")
    page.click("#publication button[value=publish]")
    expect(page.locator("#publication")).to_contain_text("已发布")
    page.goto(f"{page.base}/results/")
    expect(page.locator("#public-results")).to_contain_text(first)


def test_a_district_officer_reads_a_chain_map_changes_scope_and_opens_a_node(page):
    log_in(page, "gaoxin")
    page.click("#main-nav >> text=产业链")
    expect(page.locator("#id_unit")).to_have_value("hi-tech-zone")
    page.click("#chain-table >> text=智能制造产业链（演示）")
    chart = page.locator("#chain-map svg")
    expect(chart).to_contain_text("核心零部件（演示）")
    expect(chart).to_contain_text("上游")
    # The map and the table say the same: each node's count beside its name.
    count = page.locator('#node-table tr[data-node="parts"] [data-local]').inner_text()
    expect(chart).to_contain_text(f"核心零部件（演示） · {count}")
    # Choosing a zone of the district counts its enterprises only (the page reloads).
    page.select_option("#id_unit", "z-new-economy")
    expect(page).to_have_url(re.compile(r"unit=z-new-economy"))
    page.locator("#chain-map svg text", has_text="伺服系统（演示）").click()
    expect(page).to_have_url(
        re.compile(r"/chains/demo-smart-manufacturing/nodes/servo/\?unit=z-new-economy")
    )
    expect(page.locator("#node-status")).to_contain_text("成都新经济活力区在链数")


def test_a_zone_officer_keeps_the_zones_two_maps_and_list_and_downloads_them(page):
    import io

    import openpyxl
    from docx import Document

    log_in(page, "xinjingji")
    page.goto(f"{page.base}/chains/demo-smart-manufacturing/nodes/servo/?unit=z-new-economy")
    page.click("#add-target")
    # The form opens on the zone and the node the officer came from.
    expect(page.locator("#id_zone option:checked")).to_have_text("成都新经济活力区")
    expect(page.locator("#id_node option:checked")).to_have_text(
        "智能制造产业链（演示） · 伺服系统（演示）"
    )
    page.fill("#id_enterprise_name", "浏览器目标有限公司")
    page.fill("#id_reason", "补链：伺服系统")
    page.fill("#id_follower", "招商一组")
    page.fill("#id_due_on", "2020-11-30")
    page.click("form button[type=submit].btn-primary")
    expect(page.locator("body")).to_contain_text("补链：伺服系统")
    # The chain map places it on its node (重点企业招引图), and so does the table under it.
    page.goto(f"{page.base}/chains/demo-smart-manufacturing/?unit=z-new-economy")
    expect(page.locator('#node-table tr[data-node="servo"] [data-targets]')).to_have_text("1")
    expect(page.locator("#chain-map svg")).to_contain_text("目标 1")
    page.goto(f"{page.base}/attraction/")
    expect(page.locator("#list-table")).to_contain_text("浏览器目标有限公司")
    with page.expect_download() as xlsx:
        page.click("#export-link")
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(xlsx.value.path(), "rb").read()), read_only=True)
    cells = {c for row in book.active.iter_rows(values_only=True) for c in row if c}
    assert "浏览器目标有限公司" in cells and "demo-smart-manufacturing.servo" in cells
    with page.expect_download() as docx:
        page.click("#docx-link")
    assert docx.value.suggested_filename == "招引清单.docx"
    document = Document(io.BytesIO(open(docx.value.path(), "rb").read()))
    texts = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "浏览器目标有限公司" in texts and "补链：伺服系统" in texts


def test_the_city_finds_a_conflict_between_zones_and_makes_it_joint(page):
    from django.db.models import Count

    from investment.models import Conflict

    log_in(page, "admin")
    page.click("#registries-menu")
    page.click("text=招商冲突")
    page.click("#search-now")
    # The search runs as background work; its page links back to the list.
    expect(page.locator("body")).to_contain_text("招商冲突查找")
    expect(page.locator("body")).to_contain_text("新发现冲突")
    page.goto(f"{page.base}/conflicts/")
    expect(page.locator("#open-count")).not_to_contain_text("0 起")
    conflict = (
        Conflict.objects.annotate(n=Count("members")).filter(n=2, status="open").order_by("pk")
    ).first()
    zones = sorted(conflict.members.values_list("project__zone_id", flat=True))
    page.goto(f"{page.base}/conflicts/{conflict.pk}/")
    expect(page.locator("#conflict-projects")).to_contain_text("首谈")
    page.check("input[name=decision][value=joint]")
    page.fill(f"#id_share_{zones[0]}", "60")
    page.fill(f"#id_share_{zones[1]}", "30")
    page.click("#decide-form button[type=submit]")
    expect(page.locator("#decide-form .alert-danger")).to_contain_text(
        "各功能区份额合计为 90%，应为 100%。"
    )
    page.fill(f"#id_share_{zones[1]}", "40")
    page.fill("#id_note", "两区共同招引")
    page.click("#decide-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("已记录决定")
    expect(page.locator("#conflict-status")).to_have_text("联合招引")
    shares = page.locator("#conflict-projects [data-share]").all_inner_texts()
    assert sorted(shares) == ["40.0%", "60.0%"]
    expect(page.locator("#conflict-history")).to_contain_text("两区共同招引")
