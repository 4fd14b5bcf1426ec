"""The to-do inbox (待办) per role: what waits for each person, and where each item leads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from reporting.choices import State, Step
from reporting.models import Notice, Submission
from reporting.services import open_submission, take_step
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit


@pytest.fixture
def data_set(db):
    """A monthly report owed by a zone of 高新区 and one of 锦江区."""
    return make_data_set(units=("z-new-economy", "z-bailuwan"))


def _items(html: str, kind: str, period: str = "") -> list[str]:
    found = re.findall(rf'data-todo="{kind}"[^>]*>(.*?)</(?:a|tr)>', html, re.S)
    return [item for item in found if not period or f"<td>{period}</td>" in item]


LAST_MONTH = f"{last_month_end():%Y-%m}"  # open, like the month before it (lock_days=60)


def _badge(client) -> str:
    return client.get(reverse("todo_badge")).content.decode()


def test_a_zone_officer_sees_the_report_it_owes_and_starts_it_from_the_inbox(data_set, login):
    client = login("xinjingji")
    html = client.get(reverse("todo")).content.decode()
    (owed,) = _items(html, "owed", LAST_MONTH)
    assert "成都新经济活力区" in owed and "开始填报" in owed and "白鹭湾" not in html
    open_periods = len(_items(html, "owed"))
    assert open_periods == 2
    assert f">{open_periods}</span>" in _badge(client)

    response = client.post(
        reverse("submission_open"),
        {
            "data_set": "monthly",
            "unit": "z-new-economy",
            "period_end": f"{last_month_end():%Y-%m-%d}",
        },
    )
    submission = Submission.objects.get(unit__code="z-new-economy")
    assert response["Location"] == reverse("submission_page", args=[submission.pk])
    assert "继续填报" in client.get(reverse("todo")).content.decode()


def test_a_report_moves_from_inbox_to_inbox_along_the_chain(data_set, users, login):
    zone = Unit.objects.get(code="z-new-economy")
    s = open_submission(data_set, zone, last_month_end())
    s = take_step(s, Step.SUBMIT, user=users["xinjingji"], version=0)

    district = login("gaoxin")
    html = district.get(reverse("todo")).content.decode()
    (review,) = _items(html, "review")
    assert "成都新经济活力区" in review
    assert "已提交" in html and "待您审核" in html  # the notice, in the inbox too
    assert district.get(reverse("submission_page", args=[s.pk])).status_code == 200
    assert _items(login("jinjiang").get(reverse("todo")).content.decode(), "review") == []

    s = take_step(s, Step.RETURN, user=users["gaoxin"], version=s.version, comment="请补充说明")
    zone_html = login("xinjingji").get(reverse("todo")).content.decode()
    (owed,) = _items(zone_html, "owed", LAST_MONTH)
    assert "修改后重新提交" in owed and "请补充说明" in zone_html

    s = take_step(s, Step.SUBMIT, user=users["xinjingji"], version=s.version)
    s = take_step(s, Step.DISTRICT_APPROVE, user=users["gaoxin"], version=s.version)
    assert s.state == State.DISTRICT_APPROVED
    city_html = login("admin").get(reverse("todo")).content.decode()
    assert any("成都新经济活力区" in item for item in _items(city_html, "review"))
    assert _items(login("gaoxin").get(reverse("todo")).content.decode(), "review") == []


def test_a_city_viewer_has_nothing_to_do_and_is_told_what_would_appear(login, db):
    html = login("viewer").get(reverse("todo")).content.decode()
    assert "暂无待办事项" in html
    assert _badge(login("viewer")).strip() == ""


def test_notices_are_marked_read_from_the_inbox(data_set, users, login):
    s = open_submission(data_set, Unit.objects.get(code="z-new-economy"), last_month_end())
    take_step(s, Step.SUBMIT, user=users["xinjingji"], version=0)
    client = login("gaoxin")
    assert "1 条未读" in client.get(reverse("todo")).content.decode()
    response = client.post(reverse("notices_read"), follow=True)
    assert "条未读" not in response.content.decode()
    assert client.get(reverse("notices_read")).status_code == 302  # a GET changes nothing


def test_the_inbox_reads_in_english(data_set, login):
    client = login("xinjingji")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("todo")).content.decode()
    assert "Reports to send" in html and "Start the report" in html
    assert "待报报表" not in html and "开始填报" not in html


# ── Reviewing several reports at once ──


@pytest.fixture
def submitted(data_set, users):
    """Last month's and the month before's reports of 成都新经济活力区, both submitted."""
    zone = Unit.objects.get(code="z-new-economy")
    end = last_month_end()
    found = []
    for period_end in (end, end.replace(day=1) - dt.timedelta(days=1)):
        s = open_submission(data_set, zone, period_end)
        found.append(take_step(s, Step.SUBMIT, user=users["xinjingji"], version=0))
    return found


def _state(submissions) -> list[tuple[str, int]]:
    return [
        (s.state, s.events.count())
        for s in Submission.objects.filter(pk__in=[x.pk for x in submissions]).order_by("pk")
    ]


def _ticked(submissions) -> list[str]:
    return [f"{s.pk}:{s.version}" for s in submissions]


def test_a_district_approves_two_reports_at_once_each_with_its_own_step(submitted, login):
    client = login("gaoxin")
    response = client.post(
        reverse("todo_review"), {"report": _ticked(submitted), "action": "approve"}, follow=True
    )
    assert "已审核通过 2 份报表" in response.content.decode()
    assert _state(submitted) == [(State.DISTRICT_APPROVED, 2)] * 2
    assert Notice.objects.filter(user__username="admin").count() == 2  # the city hears of each


def test_the_city_approves_what_the_district_approved(submitted, users, login):
    login("gaoxin").post(
        reverse("todo_review"), {"report": _ticked(submitted), "action": "approve"}
    )
    fresh = list(Submission.objects.filter(pk__in=[s.pk for s in submitted]).order_by("pk"))
    login("admin").post(reverse("todo_review"), {"report": _ticked(fresh), "action": "approve"})
    assert [s for s, _n in _state(submitted)] == [State.CITY_APPROVED] * 2


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"action": "approve"}, "请选择要审核的报表"),
        ({"report": ["abc"], "action": "approve"}, "无法读取所选报表"),
        ({"report": ["1:x"], "action": "approve"}, "无法读取所选报表"),
        ({"report": ["1" * 50 + ":0"], "action": "approve"}, "无法读取所选报表"),
        ({"report": ["99999999:0"], "action": "approve"}, "已不存在"),
        ({"report": [f"{n}:0" for n in range(201)], "action": "approve"}, "最多可一次审核 200 份"),
    ],
)
def test_bad_choices_are_refused_with_a_message_and_change_nothing(
    posted, message, submitted, login
):
    response = login("gaoxin").post(reverse("todo_review"), posted, follow=True)
    assert message in response.content.decode()
    assert _state(submitted) == [(State.SUBMITTED, 1)] * 2


def test_a_return_needs_a_comment_and_then_returns_each(submitted, login):
    client = login("gaoxin")
    response = client.post(
        reverse("todo_review"), {"report": _ticked(submitted), "action": "return"}, follow=True
    )
    assert "退回时须填写意见，说明需要修改什么" in response.content.decode()
    assert _state(submitted) == [(State.SUBMITTED, 1)] * 2

    client.post(
        reverse("todo_review"),
        {"report": _ticked(submitted), "action": "return", "comment": "请补充附件"},
    )
    assert _state(submitted) == [(State.RETURNED, 2)] * 2


def test_one_report_moved_by_someone_else_leaves_all_unchanged(submitted, users, login):
    first, second = submitted
    take_step(second, Step.RETURN, user=users["gaoxin"], version=second.version, comment="先退回")
    response = login("gaoxin").post(
        reverse("todo_review"), {"report": _ticked(submitted), "action": "approve"}, follow=True
    )
    html = response.content.decode()
    assert "未做任何更改" in html
    first.refresh_from_db()
    assert first.state == State.SUBMITTED and first.events.count() == 1


def test_another_districts_officer_cannot_review_them(submitted, login):
    response = login("jinjiang").post(
        reverse("todo_review"), {"report": _ticked(submitted), "action": "approve"}, follow=True
    )
    assert "未做任何更改" in response.content.decode()
    assert _state(submitted) == [(State.SUBMITTED, 1)] * 2
