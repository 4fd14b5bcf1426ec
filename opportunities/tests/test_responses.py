"""Answers to opportunities on the public form (揭榜): what a sender reads when an answer is
refused, that a refused one writes nothing but its count, the abuse limits with no CAPTCHA,
the issuing zone's inbox (and no one else's), a match turned into a lead in one step, and the
erasure of personal data after the retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from investment.creditcode import check_character
from investment.models import InvestmentProject
from opportunities.models import Attempt, Response, Version
from opportunities.services import erase_expired_responses, withdraw

from .test_portal import publish

FIRST17 = "91510100MA6CU7777"
CODE = FIRST17 + check_character(FIRST17)


@pytest.fixture
def opportunity(zones, users, settings):
    settings.ZONEPLAN_RESPONSE_MIN_SECONDS = 0
    return publish(users, zones["mine"])


def _send(client, opportunity, *, address="10.0.0.1", **changes):
    form = client.get(f"/open/opportunities/{opportunity.pk}/respond/")
    assert form.status_code == 200
    data = {
        "organisation": "蓉城视觉科技有限公司",
        "credit_code": CODE,
        "contact_name": "王工",
        "contact_phone": "028-61234567",
        "contact_email": "",
        "message": "我们提供工业视觉质检方案。",
        "consent": "on",
        "website": "",
        "opened": form.context["form"].initial["opened"],
    } | changes
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/open/opportunities/{opportunity.pk}/respond/", data, REMOTE_ADDR=address)


def test_an_enterprise_answers_and_only_the_issuing_zones_officers_read_it(
    opportunity, client, users
):
    page = client.get(f"/open/opportunities/{opportunity.pk}/respond/").content.decode()
    assert "仅用于就本机会与我方联系和对接" in page  # the purpose, before consent
    response = _send(client, opportunity)
    assert response.status_code == 200
    assert "成都新经济活力区已收到" in response.content.decode()
    answer = Response.objects.get()
    assert (answer.organisation, answer.credit_code, answer.status) == (
        "蓉城视觉科技有限公司",
        CODE,
        "new",
    )
    assert "保存期 365 天" in answer.consent
    assert Attempt.objects.get().accepted
    assert "10.0.0.1" not in Attempt.objects.get().address  # only a keyed hash is kept
    client.force_login(users["xinjingji"])
    inbox = client.get("/responses/").content.decode()
    assert "蓉城视觉科技有限公司" in inbox and "1 条新揭榜" in inbox
    assert "028-61234567" in client.get(f"/responses/{answer.pk}/").content.decode()
    for outsider in ("gaoxin", "admin", "viewer", "bailuwan"):  # the district above, too
        client.force_login(users[outsider])
        assert "蓉城视觉科技有限公司" not in client.get("/responses/").content.decode(), outsider
        assert client.get(f"/responses/{answer.pk}/").status_code == 404, outsider


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"credit_code": "91510100MA6CU77770"}, "credit_code", "统一社会信用代码"),
        ({"credit_code": ""}, "credit_code", "请填写统一社会信用代码。"),
        ({"organisation": ""}, "organisation", "请填写单位名称。"),
        ({"organisation": "长" * 101}, "organisation", "单位名称不超过 100 个字符。"),
        ({"contact_name": ""}, "contact_name", "请填写联系人。"),
        ({"contact_phone": "", "contact_email": ""}, "contact_phone", "请填写电话或电子邮箱。"),
        ({"contact_email": "not-an-address"}, "contact_email", "电子邮箱格式不正确。"),
        ({"message": ""}, "message", "请说明我方能为该机会提供的内容。"),
        ({"message": "字" * 2001}, "message", "内容不超过 2000 个字符。"),
        ({"consent": None}, "consent", "须勾选同意后才能提交。"),
        ({"organisation": "蓉城\x00公司"}, "organisation", "此项含有不允许的字符。"),
        ({"message": "\x00"}, "message", "此项含有不允许的字符。"),
    ],
)
def test_a_wrong_or_missing_field_is_named_and_nothing_is_kept(
    opportunity, client, changes, field, message
):
    response = _send(client, opportunity, **changes)
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Response.objects.exists()
    assert Attempt.objects.get().reason == "invalid"


def test_files_are_checked_by_content_and_size(opportunity, client, settings):
    settings.ZONEPLAN_RESPONSE_MAX_BYTES = 2048
    big = SimpleUploadedFile("方案.pdf", b"%PDF-1.4" + b"0" * 4096)
    response = _send(client, opportunity, file=big)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["文件过大（4 KB，上限 2 KB）"]
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf")
    response = _send(client, opportunity, file=fake)
    assert "不支持的文件类型" in response.context["form"].errors["file"][0]
    assert not Response.objects.exists()
    good = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 small")
    assert _send(client, opportunity, file=good).status_code == 200
    assert Response.objects.get().file_kind == "pdf"


def test_hostile_text_is_kept_as_text_and_shown_inert(opportunity, client, users):
    _send(client, opportunity, message='<script>alert(1)</script><img src=x onerror="x()">')
    client.force_login(users["xinjingji"])
    page = client.get(f"/responses/{Response.objects.get().pk}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_a_bot_filling_the_hidden_field_or_sending_at_once_is_refused_and_counted(
    zones, users, client, settings
):
    opportunity = publish(users, zones["mine"])
    settings.ZONEPLAN_RESPONSE_MIN_SECONDS = 3
    response = _send(client, opportunity)  # sent straight after opening the form
    assert response.status_code == 400
    assert "提交过快：请用至少 3 秒填写表单后再提交。" in response.content.decode()
    settings.ZONEPLAN_RESPONSE_MIN_SECONDS = 0
    response = _send(client, opportunity, website="http://spam.example")
    assert "表单未能提交：请刷新页面后重新填写。" in response.content.decode()
    response = _send(client, opportunity, opened="forged")
    assert response.status_code == 400  # a forged time counts as sent at once
    assert not Response.objects.exists()
    assert sorted(Attempt.objects.values_list("reason", flat=True)) == [
        "honeypot",
        "too_fast",
        "too_fast",
    ]


def test_one_address_is_limited_while_others_still_get_through(opportunity, client, settings):
    settings.ZONEPLAN_RESPONSE_PER_ADDRESS = 2
    assert _send(client, opportunity, address="10.0.0.9").status_code == 200
    assert _send(client, opportunity, address="10.0.0.9", organisation="二").status_code == 200
    flood = _send(client, opportunity, address="10.0.0.9", organisation="三")
    assert flood.status_code == 429
    assert "同一网络地址一小时内最多提交 2 次，请稍后再试。" in flood.content.decode()
    assert _send(client, opportunity, address="10.0.0.10", organisation="别处").status_code == 200
    assert Response.objects.count() == 3
    assert Attempt.objects.filter(reason="address_limit").count() == 1


def test_the_pending_ceiling_and_a_withdrawn_or_closed_opportunity(
    opportunity, client, users, settings
):
    settings.ZONEPLAN_RESPONSE_PENDING_MAX = 1
    assert _send(client, opportunity).status_code == 200
    response = _send(client, opportunity, address="10.0.0.2")
    assert response.status_code == 429
    assert "该机会已有 1 条揭榜待发布单位处理" in response.content.decode()
    withdraw(user=users["xinjingji"], opportunity=opportunity)
    gone = client.post(f"/open/opportunities/{opportunity.pk}/respond/", {"organisation": "x"})
    assert gone.status_code == 410
    assert "该机会已截止或已撤回，不再接受揭榜。" in gone.content.decode()
    assert Response.objects.count() == 1
    assert Attempt.objects.filter(reason="closed").count() == 1
    closed = publish(users, opportunity.unit, title="已截止的机会")
    Version.objects.filter(opportunity=closed).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    page = client.get(f"/open/opportunities/{closed.pk}/respond/").content.decode()
    assert "该机会已截止，不再接受揭榜。" in page and 'id="response-form"' not in page


def test_a_draft_cannot_be_answered_or_even_found(zones, users, client):
    from opportunities.services import save_draft

    from .conftest import content

    draft = save_draft(user=users["xinjingji"], unit=zones["mine"], values=content())
    assert client.get(f"/open/opportunities/{draft.opportunity_id}/respond/").status_code == 404
    assert client.post(f"/open/opportunities/{draft.opportunity_id}/respond/").status_code == 404


def test_the_zone_marks_an_answer_and_turns_a_match_into_a_lead(opportunity, client, users):
    _send(client, opportunity)
    answer = Response.objects.get()
    client.force_login(users["xinjingji"])
    client.post(f"/responses/{answer.pk}/", {"status": "in_contact", "note": "已电话联系"})
    answer.refresh_from_db()
    assert (answer.status, answer.note) == ("in_contact", "已电话联系")
    response = client.post(f"/responses/{answer.pk}/lead/")
    project = InvestmentProject.objects.get(responses=answer)
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.zone == opportunity.unit and project.lead_on == timezone.localdate()
    assert project.enterprise.credit_code == CODE
    assert project.history.get().history_user.username == "xinjingji"
    answer.refresh_from_db()
    assert answer.status == "matched"
    client.post(f"/responses/{answer.pk}/lead/")  # a second time: refused, nothing new
    assert InvestmentProject.objects.filter(responses=answer).count() == 1
    client.force_login(users["gaoxin"])
    assert client.post(f"/responses/{answer.pk}/lead/").status_code == 404


def test_personal_data_is_erased_after_the_retention_period(opportunity, client, settings):
    settings.ZONEPLAN_RESPONSE_RETENTION_DAYS = 30
    _send(client, opportunity, file=SimpleUploadedFile("方案.pdf", b"%PDF-1.4 small"))
    _send(client, opportunity, address="10.0.0.3", organisation="新近揭榜单位")
    old = Response.objects.get(organisation="蓉城视觉科技有限公司")
    Response.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=31))
    assert erase_expired_responses() == 1
    old.refresh_from_db()
    assert (old.contact_name, old.contact_phone, old.message, old.file_name, bytes(old.content)) == (
        "", "", "", "", b"",
    )  # fmt: skip
    assert old.organisation == "蓉城视觉科技有限公司" and old.erased_at is not None
    assert Response.objects.get(organisation="新近揭榜单位").contact_name == "王工"
    assert erase_expired_responses() == 0


@pytest.mark.django_db(transaction=True)
def test_two_answers_from_one_address_to_two_opportunities_at_once_are_counted_in_turn(
    loaded_data, zones, users, settings
):
    """The opportunity's row lock orders answers to one opportunity; answers to two are
    ordered by the address (an advisory lock on PostgreSQL, the write lock on SQLite)."""
    import threading

    from django.db import connection

    from opportunities.services import ResponseRefused, respond

    settings.ZONEPLAN_RESPONSE_MIN_SECONDS = 0
    settings.ZONEPLAN_RESPONSE_PER_ADDRESS = 1
    first = publish(users, zones["mine"])
    second = publish(users, zones["mine"], title="第二条机会")
    values = {
        "organisation": "蓉城视觉科技有限公司", "credit_code": CODE, "contact_name": "王工",
        "contact_phone": "028-61234567", "contact_email": "", "message": "方案", "consent": True,
    }  # fmt: skip
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send(opportunity):
        barrier.wait()
        try:
            respond(opportunity_id=opportunity.pk, values=dict(values), address="10.0.0.77",
                    opened_at=0.0)  # fmt: skip
            outcomes.append("accepted")
        except ResponseRefused as refused:
            outcomes.append(refused.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(o,)) for o in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "address_limit"]
    assert Response.objects.count() == 1
