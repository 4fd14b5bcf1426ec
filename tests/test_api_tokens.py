"""API tokens as their holders meet them: made on the account page (the key shown once, a
hash kept), made by `manage.py issue_token`, revoked, and refused when the name or the lifetime
is wrong, with nothing written."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import ApiToken, hash_key


def _new_key(page: str) -> str:
    return re.search(r'id="new-token-key">([^<]+)<', page).group(1)


def test_a_token_made_on_the_page_is_shown_once_and_works_as_its_user(login, users):
    client = login("xinjingji")
    page = client.get("/account/tokens/").content.decode()
    assert "您还没有令牌" in page
    response = client.post(
        "/account/tokens/", {"action": "create", "name": " 区县 数据同步 ", "days": "30"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = _new_key(response.content.decode())
    token = ApiToken.objects.get(user=users["xinjingji"])
    assert token.name == "区县 数据同步" and not token.can_write
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert key not in client.get("/account/tokens/").content.decode()  # never shown again
    api = Client(headers={"Authorization": f"Token {key}"})
    assert api.get("/api/v1/carriers/").status_code == 200
    assert api.post("/api/v1/carriers/", {}, content_type="application/json").status_code == 403
    # Revoked from the page, it stops at once.
    client.post("/account/tokens/", {"action": "revoke", "token": str(token.pk)})
    assert api.get("/api/v1/carriers/").status_code == 401
    # Nobody revokes another's token.
    other = login("bailuwan")
    response = other.post("/account/tokens/", {"action": "revoke", "token": str(token.pk)})
    assert "您没有这个令牌" in other.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "", "days": "30"}, "这个字段是必填项。"),
        ({"name": "   ", "days": "30"}, "这个字段是必填项。"),
        ({"name": "甲", "days": "0"}, "1"),
        ({"name": "甲", "days": "366"}, "令牌有效期为 1 至 365 天。"),
        ({"name": "甲", "days": "十"}, "输入整数"),
        ({"name": "名" * 101, "days": "30"}, "100"),
        ({"name": "<script>alert(1)</script>", "days": "99999999999999999999"}, "365"),
    ],
)
def test_a_wrong_token_form_is_refused_with_the_reason_and_nothing_made(login, values, message):
    client = login("gaoxin")
    response = client.post("/account/tokens/", {"action": "create", **values})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<script>alert(1)</script>" not in page
    assert not ApiToken.objects.exists()


def test_a_second_live_token_of_the_same_name_is_refused(login):
    client = login("gaoxin")
    client.post("/account/tokens/", {"action": "create", "name": "同步", "days": "5"})
    response = client.post("/account/tokens/", {"action": "create", "name": "同步", "days": "5"})
    assert "您已有名为“同步”的令牌。" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_the_token_page_needs_a_log_in(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_issue_token_prints_the_key_on_its_last_line(users):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", "gaoxin", "--days", "7", "--write", stdout=out, stderr=err)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(user=users["gaoxin"])
    assert token.can_write and token.key_hash == hash_key(key)
    assert "gaoxin" in err.getvalue()
    response = Client(headers={"Authorization": f"Token {key}"}).get("/api/v1/enterprises/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nobody"], "没有用户 nobody"),
        (["gaoxin", "--days", "0"], "令牌有效期为 1 至 365 天。"),
        (["gaoxin", "--days", "9999"], "令牌有效期为 1 至 365 天。"),
        (["gaoxin", "--name", "名" * 200], "令牌名称最多 100 个字符。"),
    ],
)
def test_issue_token_refuses_with_a_message_and_makes_nothing(users, argv, message):
    with pytest.raises(CommandError, match=message):
        call_command("issue_token", *argv, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_beyond_its_rate_is_told_to_wait_and_another_token_is_not(api, settings):
    from django.core.cache import cache

    from .apiclient import error

    cache.clear()  # the counts of earlier tests' tokens
    settings.ZONEPLAN_API_RATE = "3/minute"
    busy, other = api("xinjingji", write=False), api("gaoxin", write=False)
    answers = [busy.get("/api/v1/plans/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = busy.get("/api/v1/plans/")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert error(refused)["code"] == "throttled"
    assert "秒" in error(refused)["message"]  # how long to wait, in the reader's language
    assert other.get("/api/v1/plans/").status_code == 200


def test_with_a_shared_cache_a_token_is_read_once_and_still_stops_at_once(
    login, users, settings, redis_cache
):
    """With Redis (ZONEPLAN_REDIS_URL) a token's row is read once, then from the cache; its
    revocation on the page, or its user's deactivation, still stops it on the next request,
    and the cache never holds the user's password hash."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.services import issue_token
    from conftest import REDIS_TEST_URL

    from .apiclient import error

    settings.ZONEPLAN_REDIS_URL = REDIS_TEST_URL

    def token_reads(api) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            status = api.get("/api/v1/plans/").status_code
        reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
        return status, sum('FROM "accounts_apitoken"' in sql for sql in reads)

    page = login("xinjingji")  # (logging in saves the user, which forgets their tokens' copies)
    token, key = issue_token(user=users["xinjingji"], name="同步", days=30, can_write=False)
    api = Client(headers={"Authorization": f"Token {key}"})
    assert token_reads(api) == (200, 1)  # read once
    assert token_reads(api) == (200, 0)  # then from the cache
    cached = redis_cache.get(f"apitoken:{token.prefix}")
    assert cached.user.username == "xinjingji"
    assert "password" not in cached.user.__dict__  # deferred: never read, never cached

    page.post("/account/tokens/", {"action": "revoke", "token": str(token.pk)})
    assert api.get("/api/v1/plans/").status_code == 401

    _second, key = issue_token(user=users["gaoxin"], name="同步", days=30, can_write=False)
    api = Client(headers={"Authorization": f"Token {key}"})
    assert token_reads(api)[0] == 200 and token_reads(api) == (200, 0)
    officer = users["gaoxin"]
    officer.is_active = False
    officer.save()
    refused = api.get("/api/v1/plans/")
    assert refused.status_code == 401
    assert error(refused)["message"] == "该令牌所属的用户已不能登录。"
