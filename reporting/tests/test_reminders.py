"""Reminders before the due day to the zone's officers, escalation after it to the district's,
in-app and by e-mail, never twice, and nobody reminded once the report is in."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.services import remember_language
from reporting.models import Notice, Submission
from reporting.reminders import send_reminders
from reporting.tests.factories import make_data_set
from territory.models import Unit

END = dt.date(2026, 10, 31)  # due 10 days later: 2026-11-10


@pytest.fixture
def data_set(db, users):
    ds = make_data_set(units=("z-new-economy", "z-bailuwan"), due_days=10)
    for name in ("xinjingji", "gaoxin", "bailuwan", "jinjiang"):
        users[name].email = f"{name}@example.org"
        users[name].save()
    return ds


def test_nothing_is_sent_long_before_the_due_day(data_set):
    assert send_reminders(dt.date(2026, 11, 2)) == {"reminder": 0, "escalation": 0}


def test_the_zones_officers_are_reminded_once_and_the_submitted_zone_not_at_all(data_set, login):
    Submission.objects.create(
        data_set=data_set, unit=Unit.objects.get(code="z-bailuwan"),
        period_start=dt.date(2026, 10, 1), period_end=END, state="submitted",
    )  # fmt: skip
    assert send_reminders(dt.date(2026, 11, 8))["reminder"] == 1
    assert send_reminders(dt.date(2026, 11, 9))["reminder"] == 0  # already told
    notice = Notice.objects.get()
    assert (
        notice.user.username == "xinjingji"
        and "请在 2026-11-10 前提交“成都新经济活力区”2026-10" in notice.text
    )
    assert [m.to for m in mail.outbox] == [["xinjingji@example.org"]]
    client = login("xinjingji")
    assert "请在 2026-11-10 前提交" in client.get(reverse("submission_list")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("submission_list")).content.decode()
    assert "Please submit “功能区月报” of Chengdu New Economy" in english
    assert "for 2026-10 by 2026-11-10" in english and "请在" not in english


def test_after_the_due_day_the_district_is_told(data_set):
    call_command("send_reminders")  # today's run: whatever it finds, it must not fail
    Notice.objects.all().delete()
    mail.outbox.clear()
    sent = send_reminders(dt.date(2026, 11, 12))
    assert sent["escalation"] == 2  # 高新区 for 新经济活力区, 锦江区 for 白鹭湾
    told = dict(Notice.objects.values_list("user__username", "unit__code"))
    assert told == {"gaoxin": "z-new-economy", "jinjiang": "z-bailuwan"}
    assert all("已逾期未提交（截止 2026-11-10）" in m.subject for m in mail.outbox)


def test_an_escalation_is_mailed_in_the_readers_language(data_set, users):
    remember_language(user=users["gaoxin"], language="en")
    send_reminders(dt.date(2026, 11, 12))
    (english,) = [m for m in mail.outbox if m.to == ["gaoxin@example.org"]]
    assert "is overdue (due 2026-11-10)" in english.subject and "已逾期" not in english.body
    (chinese,) = [m for m in mail.outbox if m.to == ["jinjiang@example.org"]]
    assert "已逾期未提交（截止 2026-11-10）" in chinese.subject
