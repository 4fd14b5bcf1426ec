"""Every URL of the project, walked: nobody who is not logged in gets a page of data, and
someone logged in never gets a server error from a made-up object. A new page without
@login_required fails here unless it is added to PUBLIC with a reason.

Every role against an in-scope and an out-of-scope object of each page is walked in
test_every_url_by_role.py."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pages anyone may open, and why.
PUBLIC = {
    "login": "the log-in page",
    "logout": "logging out (POST only)",
    "set_language": "the language switch works before logging in",
    "assessment_public": "published assessment results are for the public",
    # The portal shows published versions only (opportunities/tests/test_portal.py and the
    # logged-out walk in test_every_url_by_role.py).
    "open_home": "the public portal's front page",
    "open_opportunity_list": "published opportunities are for the public",
    "open_opportunity_detail": "a published opportunity is for the public",
    "open_feed": "the Atom feed of published opportunities",
    "open_opportunity_json": "published opportunities as JSON, for other sites and tools",
    "open_scenario_list": "the scenario IPs the city has published",
    "open_opportunity_respond": "enterprises answer a published opportunity with no account",
    "open_scenario_detail": "a published scenario IP",
    "open_screen": "the big-screen view of what is published",
    "open_zone_list": "the zones' public profiles",
    "open_zone_detail": "a zone's public profile: only what is published",
}


def _patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin checks staff itself
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _url(name, pattern):
    converters = pattern.pattern.converters
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        converter = type(converters.get(key)).__name__ if key in converters else "StringConverter"
        if key == "pk" and key not in converters:  # the API's ids: digits by a regex
            kwargs[key] = 999999
            continue
        kwargs[key] = {
            "IntConverter": 999999,
            "UUIDConverter": "00000000-0000-0000-0000-000000000000",
        }.get(converter, "no-such-thing")
    return reverse(name, kwargs=kwargs)


def _all():
    seen = {}
    for name, pattern in _patterns():
        if name in PUBLIC or name in seen:
            continue
        try:
            seen[name] = _url(name, pattern)
        except Exception:  # a converter that refuses our made-up value: keep the name visible
            seen[name] = None
    return sorted(seen.items())


URLS = _all()


def test_the_walk_covers_the_pages_it_should():
    names = {name for name, _url in URLS}
    assert {"cockpit", "map_data", "submission_page", "carrier_list", "zone_shape"} <= names
    assert not [name for name, url in URLS if url is None], "a URL the walk cannot build"


@pytest.mark.parametrize(("name", "url"), URLS, ids=[n for n, _u in URLS])
def test_nobody_logged_out_gets_a_page_of_data(client, name, url):
    for method in (client.get, client.post):
        response = method(url)
        if url.startswith("/api/") and response.status_code != 302:  # a program: 401
            assert response.status_code == 401, f"{name} answered {response.status_code}"
            if response["Content-Type"].startswith("application/json"):
                assert response.json()["error"]["code"] == "not_authenticated", name
            continue
        assert response.status_code in (302, 404, 405), f"{name} answered {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize(("name", "url"), URLS, ids=[n for n, _u in URLS])
def test_a_made_up_object_is_not_found_not_a_server_error(login, name, url):
    for who in ("xinjingji", "admin"):
        response = login(who).get(url)
        assert response.status_code < 500, f"{name} as {who}: {response.status_code}"
