"""Each user changes their own password on a page: the old one first, the new one twice under
the site's rules; a wrong, weak, mismatched, missing or oversized answer is refused with the
message the user reads and the password stays as it was; other sessions end."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

OLD = "zoneplan-demo"
NEW = "蓉城功能区-2026-春"


def _change(client, old=OLD, new1=NEW, new2=NEW):
    data = {"old_password": old, "new_password1": new1, "new_password2": new2}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("password_change"), data, follow=True)


def _logged_in(username: str, password: str = OLD) -> Client:
    """A browser that logged in on the log-in page (the lock-out counts need the request)."""
    client = Client()
    page = client.post(reverse("login"), {"username": username, "password": password})
    assert page.status_code == 302, page.content.decode()[:300]
    return client


def test_an_officer_changes_their_password_stays_logged_in_and_other_sessions_end(users):
    here, elsewhere = _logged_in("xinjingji"), _logged_in("xinjingji")
    page = _change(here)
    assert page.redirect_chain[-1][0] == reverse("home")
    assert "密码已修改。" in page.content.decode()
    assert here.get(reverse("home")).status_code == 200  # still logged in here
    assert elsewhere.get(reverse("home")).status_code == 302  # the other session ended
    users["xinjingji"].refresh_from_db()
    assert users["xinjingji"].check_password(NEW)
    _logged_in("xinjingji", NEW)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        ("wrong-password", NEW, NEW, "old_password", "你的旧密码不正确。请重新输入。"),
        (OLD, NEW, NEW + "x", "new_password2", "输入的两个密码不一致。"),
        (OLD, "12345678", "12345678", "new_password2", "这个密码太常见了。"),
        (OLD, "short", "short", "new_password2", "密码太短：至少需要 8 个字符。"),
        (OLD, None, None, "new_password1", "这个字段是必填项。"),
        (OLD, "x" * 5000, "x" * 5000, "new_password2", "密码太长：最多 128 个字符。"),
        (OLD, "<script>alert(1)</script>", "<script>alert(1)</script>", "", ""),
    ],
    ids=["wrong old", "mismatch", "common", "short", "missing", "oversized", "hostile"],
)
def test_a_bad_answer_is_refused_with_its_message_and_the_password_stays(
    users, old, new1, new2, field, message
):
    client = _logged_in("gaoxin")
    page = _change(client, old, new1, new2)
    text = page.content.decode()
    if new1 and new1.startswith("<script>"):
        # A strong-enough text is accepted as a password, and never shown back unescaped.
        assert "<script>alert(1)</script>" not in text
        return
    assert page.status_code == 200 and 'id="password-form"' in text
    assert "is-invalid" in text
    if message:
        assert message in text
    assert "x" * 200 not in text  # what was typed is never echoed back
    users["gaoxin"].refresh_from_db()
    assert users["gaoxin"].check_password(OLD)


def test_the_page_asks_for_a_log_in_and_is_in_english_too(users):
    assert Client().get(reverse("password_change")).status_code == 302
    client = _logged_in("viewer")
    client.cookies["django_language"] = "en"
    text = client.get(reverse("password_change")).content.decode()
    assert "Change your password" in text and "Old password" in text
