"""Notices that reach people: one report followed through its approval chain, counting what
each person was told, in the language they use, in the inbox and by mail."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.services import remember_language
from reporting.choices import Step
from reporting.models import Notice
from reporting.services import mark_notices_read, open_submission, take_step
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit


@pytest.fixture
def submission(db):
    data_set = make_data_set()
    return open_submission(data_set, Unit.objects.get(code="z-new-economy"), last_month_end())


def _told() -> Counter:
    return Counter(
        Notice.objects.filter(kind=Notice.Kind.STEP).values_list("user__username", flat=True)
    )


def test_each_step_tells_those_who_act_next_and_no_one_else(
    submission, users, django_capture_on_commit_callbacks
):
    zone, district, city = users["xinjingji"], users["gaoxin"], users["admin"]
    s = take_step(submission, Step.SUBMIT, user=zone, version=0)
    assert _told() == {"gaoxin": 1}  # 高新区's officer; not 锦江区's, not the city yet

    s = take_step(s, Step.RETURN, user=district, version=s.version, comment="产值偏低，请核实")
    assert _told() == {"gaoxin": 1, "xinjingji": 1}
    (returned,) = Notice.objects.filter(user=zone)
    assert "产值偏低，请核实" in returned.message and "退回" in returned.message

    s = take_step(s, Step.SUBMIT, user=zone, version=s.version)
    s = take_step(s, Step.DISTRICT_APPROVE, user=district, version=s.version)
    assert _told() == {"gaoxin": 2, "xinjingji": 1, "admin": 1}

    take_step(s, Step.CITY_APPROVE, user=city, version=s.version)
    assert _told() == {"gaoxin": 2, "xinjingji": 2, "admin": 1}
    for outsider in ("jinjiang", "bailuwan", "viewer"):
        assert not Notice.objects.filter(user=users[outsider]).exists()


def test_a_notice_is_mailed_in_its_readers_language(
    submission, users, django_capture_on_commit_callbacks
):
    district = users["gaoxin"]
    district.email = "gaoxin@example.org"
    district.save()
    remember_language(user=district, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)

    (sent,) = mail.outbox
    assert sent.to == ["gaoxin@example.org"]
    assert "awaits your review" in sent.subject and "成都新经济活力区" not in sent.body
    assert "New Economy" in sent.body or "submitted" in sent.body
    # The record keeps the Chinese, as the reminders' do; the page shows the reader's language.
    assert "待您审核" in Notice.objects.get(user=district).text


def test_no_mail_without_an_address_and_nothing_for_the_one_who_acted(
    submission, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        s = take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)
        take_step(s, Step.DISTRICT_APPROVE, user=users["gaoxin"], version=s.version)
    assert mail.outbox == []
    assert not Notice.objects.filter(
        user=users["gaoxin"], event__step=Step.DISTRICT_APPROVE
    ).exists()


def test_a_refused_step_tells_nobody(submission, users):
    with pytest.raises(Exception, match="退回"):
        take_step(submission, Step.RETURN, user=users["gaoxin"], version=0, comment="x")
    assert not Notice.objects.exists()


def test_marking_read_touches_only_ones_own_notices(submission, users):
    s = take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)
    take_step(s, Step.DISTRICT_APPROVE, user=users["gaoxin"], version=s.version)
    theirs = Notice.objects.get(user=users["admin"])

    assert mark_notices_read(user=users["gaoxin"], notice_id=theirs.pk) == 0
    theirs.refresh_from_db()
    assert not theirs.read
    assert mark_notices_read(user=users["gaoxin"]) == 1
    assert Notice.objects.filter(user=users["gaoxin"], read=False).count() == 0


@pytest.mark.parametrize("posted", ["abc", "-1", "9" * 30, "1 OR 1=1"])
def test_a_bad_notice_in_the_read_form_is_refused_with_a_message(posted, submission, users, login):
    take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)
    client = login("gaoxin")
    response = client.post(reverse("notices_read"), {"notice": posted}, follow=True)
    assert "没有这条通知" in response.content.decode()
    assert Notice.objects.get(user=users["gaoxin"]).read is False


def test_the_language_switch_remembers_a_signed_in_persons_choice(users, login):
    client = login("gaoxin")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(username="gaoxin").language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert User.objects.get(username="gaoxin").language == "en"
