"""The city's user administration: an administrator disables or enables an account and resets
another person's password from a page; nobody else may, and a wrong request changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User

NEW = "Zoneplan-重置-2026"


def _logs_in(username: str, password: str) -> bool:
    """Through the log-in page, as a person would."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_the_list_shows_every_account_with_its_roles(login, users):
    html = login("admin").get(reverse("users")).content.decode()
    for name in ("admin", "viewer", "gaoxin", "jinjiang", "xinjingji", "bailuwan"):
        assert f'data-user="{name}"' in html
    assert "区（市）县统筹员 · 高新区" in html


@pytest.mark.parametrize("name", ["viewer", "gaoxin", "xinjingji"])
def test_only_a_city_administrator_opens_it(name, login, users):
    client = login(name)
    assert client.get(reverse("users")).status_code == 403
    assert client.post(reverse("users"), {"person": users["bailuwan"].pk}).status_code == 403
    assert client.get(reverse("user_password", args=[users["bailuwan"].pk])).status_code == 403
    assert _user("bailuwan").is_active


def test_a_disabled_account_cannot_log_in_and_is_enabled_again(login, users):
    person = users["bailuwan"]
    person.set_password(NEW)
    person.save()
    admin = login("admin")
    response = admin.post(reverse("users"), {"person": person.pk, "active": "0"}, follow=True)
    assert "白鹭湾填报员（演示） 已不能登录" in response.content.decode()
    assert not _logs_in("bailuwan", NEW)

    admin.post(reverse("users"), {"person": person.pk, "active": "1"})
    assert _logs_in("bailuwan", NEW)


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ("self", "不能停用自己的账号"),
        ("", "没有这个账号"),
        ("abc", "没有这个账号"),
        ("99999999", "没有这个账号"),
        ("1" * 40, "没有这个账号"),
    ],
)
def test_a_wrong_request_is_refused_with_a_message(person, message, login, users):
    admin = login("admin")
    posted = str(users["admin"].pk) if person == "self" else person
    response = admin.post(reverse("users"), {"person": posted, "active": "0"}, follow=True)
    assert message in response.content.decode()
    assert User.objects.filter(is_active=False).count() == 0


def test_the_last_enabled_city_administrator_is_not_disabled(users, django_user_model):
    technical = django_user_model.objects.create_superuser("root-tech", password=NEW)
    client = Client()
    client.force_login(technical)
    response = client.post(
        reverse("users"), {"person": users["admin"].pk, "active": "0"}, follow=True
    )
    assert "最后一个" in response.content.decode()
    assert _user("admin").is_active

    second = django_user_model.objects.create_user("second-admin", password=NEW)
    second.memberships.create(unit=users["admin"].memberships.get().unit, role="city_admin")
    client.post(reverse("users"), {"person": users["admin"].pk, "active": "0"})
    assert not _user("admin").is_active


def test_a_reset_password_works_and_ends_the_persons_sessions(login, users):
    person = users["xinjingji"]
    theirs = Client()
    theirs.force_login(person)
    assert theirs.get(reverse("todo")).status_code == 200

    response = login("admin").post(
        reverse("user_password", args=[person.pk]),
        {"new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "密码已重置" in response.content.decode()
    assert _user("xinjingji").check_password(NEW)
    assert theirs.get(reverse("todo")).status_code == 302  # sent to log in again


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("short1", "short1", "至少"),
        (NEW, NEW + "x", "不一致"),
        ("12345678901234", "12345678901234", "密码只包含数字"),
        ("x" * 200, "x" * 200, "128"),
        ("", "", "必填"),
    ],
)
def test_a_password_against_the_rules_is_refused_and_nothing_changes(
    first, second, message, login, users
):
    person = users["xinjingji"]
    before = _user("xinjingji").password
    response = login("admin").post(
        reverse("user_password", args=[person.pk]),
        {"new_password1": first, "new_password2": second},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert _user("xinjingji").password == before
