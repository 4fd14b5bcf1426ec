"""The portal's pages are rendered once and served to every logged-out reader from the cache,
and yet a publication or a withdrawal shows at once; a logged-in user is served fresh, and a
cached page's language switch still works for the next reader with their own token."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities.services import withdraw

from .test_portal import publish

PAGES = [
    "/open/",
    "/open/opportunities/",
    "/open/opportunities/?q=人工智能",
    "/open/opportunities.json",
    "/open/feed.atom",
    "/open/scenarios/",
]


def _untokened(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _reads(client: Client, path: str) -> tuple[int, bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, response.content, len(queries.captured_queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_second_reader_is_served_what_the_first_was_without_its_queries(zones, users, path):
    publish(users, zones["mine"])
    status, first, queries = _reads(Client(), path)
    assert status == 200 and queries > 1
    status, second, again = _reads(Client(), path)
    assert status == 200
    assert again == 1  # the data version, nothing else
    assert _untokened(second) == _untokened(first)  # each reader's own form token aside


def test_a_publication_and_a_withdrawal_show_at_once(zones, users):
    reader = Client()
    assert "人工智能应用场景征集" not in reader.get("/open/opportunities/").content.decode()
    opportunity = publish(users, zones["mine"])
    assert "人工智能应用场景征集" in reader.get("/open/opportunities/").content.decode()
    assert reader.get(f"/open/opportunities/{opportunity.pk}/").status_code == 200
    withdraw(user=users["xinjingji"], opportunity=opportunity)
    assert "人工智能应用场景征集" not in reader.get("/open/opportunities/").content.decode()
    assert reader.get(f"/open/opportunities/{opportunity.pk}/").status_code == 404


def test_pages_are_kept_per_language(zones, users):
    publish(users, zones["mine"])
    chinese = Client().get("/open/opportunities/").content.decode()
    english = Client(headers={"Accept-Language": "en"})
    english.cookies["django_language"] = "en"
    shown = english.get("/open/opportunities/").content.decode()
    assert "机会清单" in chinese and "Opportunity lists" not in chinese
    assert "Opportunity lists" in shown


def test_a_logged_in_user_is_served_fresh_with_their_own_name(zones, users, login):
    publish(users, zones["mine"])
    Client().get("/open/opportunities/")  # kept for readers who are logged out
    page = login("xinjingji").get("/open/opportunities/")
    assert page.status_code == 200 and 'id="current-user"' in page.content.decode()
    assert str(users["xinjingji"]) in page.content.decode()
    assert 'id="current-user"' not in Client().get("/open/opportunities/").content.decode()


def test_a_cached_page_gives_each_reader_a_token_their_language_switch_accepts(zones, users):
    publish(users, zones["mine"])
    Client(enforce_csrf_checks=True).get("/open/opportunities/")
    reader = Client(enforce_csrf_checks=True)
    page = reader.get("/open/opportunities/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert "@@csrf@@" not in page and reader.cookies.get("csrftoken")
    switched = reader.post(
        reverse("set_language"), {"language": "en", "next": "/open/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert "Opportunity lists" in reader.get("/open/opportunities/").content.decode()


def test_a_page_that_is_not_found_is_never_kept(zones, users):
    reader = Client()
    assert reader.get("/open/opportunities/999999/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert reader.get("/open/opportunities/999999/").status_code == 404
    assert len(queries.captured_queries) > 1  # looked for again, not served from the cache
