"""Error pages in the site's layout and the reader's language, with DEBUG on as in the demo
and off as in production: never Django's English page listing every address of the site;
the API keeps its JSON errors."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from opportunities.models import Field, Scenario
from territory.models import Unit


def _english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_an_address_that_does_not_exist_is_a_404_in_the_layout(db, settings, debug):
    settings.DEBUG = debug
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    text = page.content.decode()
    assert 'id="error-page" data-status="404"' in text and "页面不存在" in text
    assert "URLconf" not in text and "api/v1/" not in text
    assert 'href="/open/"' in text  # a reader who is not logged in is offered the portal
    english = _english().get("/no-such-page/").content.decode()
    assert "Page not found" in english and "does not exist" in english


def test_an_item_outside_the_officers_units_is_a_404_with_the_way_home(login, settings):
    settings.DEBUG = True
    page = login("xinjingji").get("/zones/z-bailuwan/")
    assert page.status_code == 404
    text = page.content.decode()
    assert 'data-status="404"' in text and 'id="current-user"' in text
    assert f'href="{reverse("home")}"' in text and "Technical" not in text


def test_a_step_the_role_may_not_take_is_a_403_in_the_layout(login, settings):
    settings.DEBUG = True
    scenario = Scenario.objects.create(
        zone=Unit.objects.get(code="z-new-economy"), name="视听场景",
        field=Field.objects.get(code="5g-audiovisual"), description="<p>视听</p>",
    )  # fmt: skip
    page = login("xinjingji").post(reverse("scenario_publish", args=[scenario.pk]))
    assert page.status_code == 403
    assert 'data-status="403"' in page.content.decode()


def test_the_api_keeps_its_json_errors_with_debug_on(db, settings):
    settings.DEBUG = True
    answer = Client().get("/api/v1/nowhere/")
    assert answer.status_code in (401, 404)
    assert answer["Content-Type"].startswith("application/json")


def test_the_server_error_page_renders_with_no_request_in_both_languages():
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = render_to_string("500.html")
    with translation.override("en"):
        english = render_to_string("500.html")
    assert 'data-status="500"' in chinese and "出错" in chinese
    assert "Something went wrong" in english


def test_a_refusal_is_shown_as_a_red_alert(login, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opportunities.services import save_draft
    from opportunities.tests.conftest import content

    officer = login("xinjingji")
    opportunity = save_draft(
        user=users["xinjingji"], unit=Unit.objects.get(code="z-new-economy"), values=content()
    ).opportunity
    page = officer.post(
        reverse("opportunity_attach", args=[opportunity.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
        follow=True,
    ).content.decode()
    assert 'class="alert alert-danger"' in page and "不支持的文件类型" in page


def test_every_page_names_the_sites_own_icon(client, db):
    page = client.get("/open/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg").endswith("static/favicon.svg")


def test_the_log_in_page_links_the_public_pages(client, db):
    text = client.get(reverse("login")).content.decode()
    links = text[text.index('id="public-links"') :]
    for name in ("open_home", "open_zone_list", "assessment_public"):
        assert f'href="{reverse(name)}"' in links
        assert client.get(reverse(name)).status_code == 200  # open with no account


@pytest.mark.parametrize("username", ["xinjingji", "gaoxin"])
def test_no_link_on_the_plan_page_leads_an_officer_to_a_404(login, username):
    import re

    officer = login(username)
    page = officer.get(reverse("plan_current")).content.decode()
    links = sorted(set(re.findall(r'href="(/[^"#?]*)', page)) - {reverse("logout")})
    links = [link for link in links if not link.startswith("/static/")]  # files, not pages
    zones = [link for link in links if link.startswith(("/zones/", "/open/zones/"))]
    assert zones  # the plan names zones, mostly outside one officer's units
    broken = [link for link in links if officer.get(link).status_code in (404, 500)]
    assert broken == []


def test_an_enterprise_of_another_zone_links_its_public_profile_not_a_404(login):
    import re

    from investment.models import Enterprise

    theirs = Enterprise.objects.exclude(zone__code="z-new-economy").filter(zone__isnull=False)
    enterprise = theirs.filter(carrier__isnull=False).first() or theirs.first()
    officer = login("xinjingji")
    page = officer.get(reverse("enterprise_detail", args=[enterprise.pk])).content.decode()
    assert f'href="{reverse("open_zone_detail", args=[enterprise.zone.code])}"' in page
    assert f'href="{reverse("zone_detail", args=[enterprise.zone.code])}"' not in page
    links = {link for link in re.findall(r'href="(/[^"#?]*)', page) if "/static/" not in link}
    links -= {reverse("logout")}
    assert [link for link in links if officer.get(link).status_code in (404, 500)] == []
    # The zone's own officer still gets the zone's page.
    mine = Enterprise.objects.filter(zone__code="z-new-economy").first()
    own = officer.get(reverse("enterprise_detail", args=[mine.pk])).content.decode()
    assert f'href="{reverse("zone_detail", args=["z-new-economy"])}"' in own
