"""The whole way of an opportunity in a real browser: a zone drafts it, its district and the
city review it, it is published, the public finds it logged out by a Chinese search, an
enterprise answers, and the zone turns the answer into a lead."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.test_browser import browser, log_in, page  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser

TITLE = "蓉城揭榜测试场景征集"


def _log_out_and_in(page, username: str | None) -> None:  # noqa: F811
    page.context.clear_cookies()
    if username:
        log_in(page, username)


def test_an_opportunity_from_draft_to_a_lead(page, settings):  # noqa: F811
    settings.ZONEPLAN_RESPONSE_MIN_SECONDS = 0
    log_in(page, "xinjingji")
    page.goto(f"{page.base}/opportunities/new/")
    page.select_option("#id_unit", label="成都新经济活力区")
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", label="场景")
    page.select_option("#id_field", label="人工智能+")
    page.fill(
        "#id_description", "<p>征集<strong>视觉质检</strong>方案<script>alert(1)</script></p>"
    )
    page.fill("#id_sought", "具备视觉识别能力的企业")
    page.fill("#id_area_m2", "5.2万")
    deadline = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    page.fill("#id_deadline", deadline)
    page.fill("#id_contact_role", "投资服务局招商科")
    page.click("#opportunity-form button[type=submit]")
    expect(page.locator("#latest-status")).to_have_text("草稿")
    expect(page.locator("#opportunity-scale")).to_contain_text("52,000 平方米")
    page.click("#submit-opportunity")
    expect(page.locator("#latest-status")).to_have_text("审核中 (区级审核)")

    _log_out_and_in(page, "gaoxin")
    page.goto(f"{page.base}/opportunities/")
    page.click(f"#awaiting-review >> text={TITLE}")
    page.select_option("#id_decision", "approve")
    page.click("#review-submit")
    expect(page.locator("#latest-status")).to_have_text("审核中 (市级审核)")

    _log_out_and_in(page, "admin")
    page.goto(f"{page.base}/opportunities/")
    page.click(f"#awaiting-review >> text={TITLE}")
    page.fill("#id_note", "同意发布")
    page.click("#review-submit")
    expect(page.locator("#latest-status")).to_have_text("已发布")

    _log_out_and_in(page, None)
    page.goto(f"{page.base}/open/")
    page.fill("#portal-search input[name=q]", "揭榜 测试")
    page.click("#portal-search button[type=submit]")
    expect(page.locator("#result-count")).to_have_text("1 条机会")
    page.click(f"#portal-results >> text={TITLE}")
    expect(page.locator("#opportunity-description")).to_contain_text("视觉质检")
    expect(page.locator("#opportunity-description strong")).to_have_text("视觉质检")
    page.click("#respond-link")
    page.fill("#id_organisation", "蓉城视觉科技有限公司")
    page.fill("#id_credit_code", "91510100MA6CU77770")  # a wrong check character
    page.fill("#id_contact_name", "王工")
    page.fill("#id_contact_phone", "028-61234567")
    page.fill("#id_message", "我们提供工业视觉质检方案。")
    page.check("#id_consent")
    page.click("#send-response")
    expect(page.locator('[data-error-for="credit_code"]')).to_contain_text("校验位错误")
    from investment.creditcode import check_character

    page.fill("#id_credit_code", "91510100MA6CU7777" + check_character("91510100MA6CU7777"))
    page.check("#id_consent")
    page.click("#send-response")
    expect(page.locator("#response-sent")).to_contain_text("成都新经济活力区已收到")

    _log_out_and_in(page, "xinjingji")
    page.goto(f"{page.base}/responses/")
    expect(page.locator("#new-count")).to_have_text("1 条新揭榜")
    page.click("#response-table >> text=蓉城视觉科技有限公司")
    page.click("#make-lead")
    expect(page.locator("h2.page-title")).to_contain_text("蓉城视觉科技有限公司")
    expect(page.locator("body")).to_contain_text("线索")
