"""A city admin lifts a log-in lock-out from a page; nobody else may."""

import pytest
from django.test import Client
from django.urls import reverse


def _lock(settings, username, address="10.0.0.5"):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "wrong"},
                    REMOTE_ADDR=address)  # fmt: skip
    return client


def _log_in(client, username, address="10.0.0.5"):
    data = {"username": username, "password": "zoneplan-demo"}
    return client.post(reverse("login"), data, REMOTE_ADDR=address)


def test_the_city_admin_sees_who_is_locked_and_lifts_the_lock(db, settings, login):
    officer = _lock(settings, "gaoxin")
    assert _log_in(officer, "gaoxin").status_code == 429
    admin = login("admin")
    page = admin.get(reverse("lockouts")).content.decode()
    assert 'data-username="gaoxin"' in page and "10.0.0.5" in page
    response = admin.post(reverse("lockouts"), {"username": "gaoxin"}, follow=True)
    assert "gaoxin 可以重新登录" in response.content.decode()
    assert 'data-username="gaoxin"' not in response.content.decode()
    assert _log_in(officer, "gaoxin").status_code == 302


@pytest.mark.parametrize("username", ["viewer", "", " ", "<script>alert(1)</script>", "长" * 5000])
def test_a_user_who_is_not_locked_is_refused_with_a_message_and_nothing_lifted(
    db, settings, login, username
):
    _lock(settings, "gaoxin")
    admin = login("admin")
    body = admin.post(reverse("lockouts"), {"username": username}, follow=True).content.decode()
    assert "未被锁定" in body and "<script>alert(1)</script>" not in body
    assert 'data-username="gaoxin"' in body  # the real lock is still there


@pytest.mark.parametrize("who", ["viewer", "gaoxin", "xinjingji"])
def test_only_city_admins_may_see_or_lift_locks(db, settings, login, who):
    _lock(settings, "jinjiang")
    client = login(who)
    assert client.get(reverse("lockouts")).status_code == 403
    assert client.post(reverse("lockouts"), {"username": "jinjiang"}).status_code == 403
    assert _log_in(Client(), "jinjiang").status_code == 429  # still locked


def test_the_page_needs_a_log_in(client, db):
    assert client.get(reverse("lockouts")).status_code == 302
