"""The submission pages: open a period, enter, submit, review; refusals show the message and
write nothing; out-of-scope users see nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from reporting.models import Submission
from reporting.tests.factories import last_month_end, make_data_set

LAST_MONTH_END = last_month_end()


@pytest.fixture
def data_set(db):
    return make_data_set()


def _open(client):
    response = client.post(
        reverse("submission_open"),
        {"data_set": "monthly", "unit": "z-new-economy", "period_end": LAST_MONTH_END.isoformat()},
    )
    assert response.status_code == 302
    return Submission.objects.get(), response["Location"]


def _post(client, submission, step, **data):
    return client.post(
        reverse("submission_page", args=[submission.pk]),
        {"step": step, "version": Submission.objects.get(pk=submission.pk).version} | data,
    )


def test_a_zone_reports_and_the_district_and_city_approve_through_the_pages(login, data_set):
    zone = login("xinjingji")
    assert "功能区月报" in zone.get(reverse("submission_list")).content.decode()
    submission, url = _open(zone)
    assert _post(zone, submission, "save", **{"value:output": "12.5万"}).status_code == 302
    assert 'value="12.5万"' in zone.get(url).content.decode()  # as it was typed, in 万
    _post(zone, submission, "submit")
    district = login("gaoxin")
    page = district.get(url).content.decode()
    assert (
        "已提交" in page
        and 'value="district_approve"' in page
        and 'name="value:output"' not in page
    )
    _post(district, submission, "district_approve")
    city = login("admin")
    _post(city, submission, "city_approve")
    page = city.get(url).content.decode()
    assert "市级已审核" in page and 'id="locked"' in page and "区级已审核" in page


def test_a_stale_save_is_refused_and_what_was_typed_is_shown_back(login, data_set):
    zone = login("xinjingji")
    submission, url = _open(zone)
    _post(zone, submission, "save", **{"value:output": "100"})
    response = zone.post(url, {"step": "save", "version": 0, "value:output": "200"})
    body = response.content.decode()
    assert response.status_code == 409 and "已被他人修改" in body
    assert 'value="200"' in body  # the second person's figure is still on screen
    assert Submission.objects.get().values.get().value == 100


@pytest.mark.parametrize(
    ("who", "step", "data", "message"),
    [
        ("xinjingji", "district_approve", {}, "无权"),
        ("xinjingji", "save", {"value:output": "一百万元整"}, "不是数字"),
        ("xinjingji", "save", {"value:output": "<script>alert(1)</script>"}, "不是数字"),
        ("xinjingji", "save", {"value:profit": "5"}, "报表中没有指标"),
        ("viewer", "submit", {}, "无权"),
    ],
)
def test_a_refused_post_shows_the_message_and_writes_nothing(
    login, data_set, who, step, data, message
):
    submission, _url = _open(login("xinjingji"))
    response = _post(login(who), submission, step, **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    fresh = Submission.objects.get()
    assert fresh.state == "draft" and fresh.version == 0 and not fresh.values.exists()


def test_out_of_scope_users_see_no_submission(login, data_set):
    submission, url = _open(login("xinjingji"))
    for who in ("bailuwan", "jinjiang"):
        assert login(who).get(url).status_code == 404
        assert _post(login(who), submission, "district_approve").status_code == 404
        assert "z-new-economy" not in login(who).get(reverse("submission_list")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_end": "下个月"}, "报表期应为日期"),
        ({"period_end": "2099-12-31"}, "尚未开始"),
        ({"period_end": LAST_MONTH_END.replace(day=1).isoformat()}, "不是报表期的最后一天"),
    ],
)
def test_opening_a_wrong_period_says_why_and_creates_nothing(login, data_set, data, message):
    client = login("xinjingji")
    response = client.post(
        reverse("submission_open"),
        {"data_set": "monthly", "unit": "z-new-economy"} | data,
        follow=True,
    )
    assert message in response.content.decode() and not Submission.objects.exists()
    other = login("bailuwan").post(
        reverse("submission_open"),
        {"data_set": "monthly", "unit": "z-new-economy", "period_end": LAST_MONTH_END.isoformat()},
    )
    assert other.status_code == 404 and not Submission.objects.exists()


def test_a_district_officer_reviews_but_does_not_report_for_a_zone(login, data_set):
    district = login("gaoxin")
    assert "填报一期" not in district.get(reverse("submission_list")).content.decode()
    response = district.post(
        reverse("submission_open"),
        {"data_set": "monthly", "unit": "z-new-economy", "period_end": LAST_MONTH_END.isoformat()},
        follow=True,
    )
    assert "的报表由其本单位填报" in response.content.decode() and not Submission.objects.exists()


def test_a_form_saved_many_times_shows_its_latest_history_first(login, data_set):
    zone = login("xinjingji")
    submission, url = _open(zone)
    for n in range(55):
        assert _post(zone, submission, "save", **{"value:output": str(n)}).status_code == 302
    page = zone.get(url).content.decode()
    history = page[page.index('id="submission-events"') :]
    assert "最近 50 条（共 55 条），最新在前" in history
    assert history.count('class="list-group-item"') == 50


def test_money_shows_in_the_units_it_is_typed_in_and_an_untouched_form_saves_the_same(
    login, data_set
):
    from decimal import Decimal

    from reporting.models import SubmissionValue

    zone = login("xinjingji")
    submission, url = _open(zone)
    _post(zone, submission, "save", **{"value:output": "12.5亿"})
    stored = SubmissionValue.objects.get(indicator__code="output")
    assert stored.value == Decimal(1_250_000_000)
    page = zone.get(url).content.decode()
    assert 'value="12.5亿"' in page and "1250000000" not in page
    _post(zone, submission, "save", **{"value:output": "12.5亿"})  # sent back untouched
    assert SubmissionValue.objects.get(indicator__code="output").value == Decimal(1_250_000_000)
    _post(zone, submission, "submit")
    shown = login("gaoxin").get(url).content.decode()  # read only for the district
    assert "12.5亿" in shown and "1250000000" not in shown


def test_in_english_money_shows_in_groups_of_three_and_reads_back_the_same(login, data_set):
    from decimal import Decimal

    from reporting.models import SubmissionValue

    zone = login("xinjingji")
    submission, url = _open(zone)
    _post(zone, submission, "save", **{"value:output": "12.5亿"})
    zone.cookies["django_language"] = "en"
    page = zone.get(url).content.decode()
    assert 'value="1,250,000,000"' in page and "亿" not in page
    _post(zone, submission, "save", **{"value:output": "1,250,000,000"})
    assert SubmissionValue.objects.get(indicator__code="output").value == Decimal(1_250_000_000)


def test_a_period_is_chosen_from_the_open_ones_newest_first_with_its_due_day(login, data_set):
    html = login("xinjingji").get(reverse("submission_list")).content.decode()
    before = LAST_MONTH_END.replace(day=1) - dt.timedelta(days=1)
    options = re.findall(r'<option value="([\d-]+)">([^<]*)</option>', html)
    assert [value for value, _label in options] == [
        LAST_MONTH_END.isoformat(),
        before.isoformat(),
    ]  # lock_days=60: last month and the one before are open
    due = LAST_MONTH_END + dt.timedelta(days=data_set.due_days)
    assert options[0][1] == f"{LAST_MONTH_END:%Y-%m} · 截止 {due:%Y-%m-%d}"
    assert 'type="date"' not in html


def test_a_zone_with_nothing_to_report_is_told_who_sets_it_up(login, db):
    html = login("xinjingji").get(reverse("submission_list")).content.decode()
    assert "暂无需要填报的报表" in html and "市级管理员设置报表" in html
    admin_html = login("admin").get(reverse("submission_list")).content.decode()
    assert reverse("data_set_create") in admin_html
