"""The public portal, logged out: only what is published now, found by whole Chinese words
the same way on SQLite and PostgreSQL, in the list, the detail and the Atom feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opportunities.models import Field, Version
from opportunities.services import review, save_draft, submit, withdraw

from .conftest import content


def publish(users, zone, **changes):
    version = save_draft(user=users["xinjingji"], unit=zone, values=content(**changes))
    submit(user=users["xinjingji"], version=version)
    review(user=users["gaoxin"], version=version, approve=True)
    review(user=users["admin"], version=version, approve=True)
    return version.opportunity


@pytest.fixture
def portal(zones, users):
    a = publish(users, zones["mine"])  # 人工智能应用场景征集
    b = publish(
        users,
        zones["mine"],
        title="供应链金融服务对接",
        field=Field.objects.get(code="supply-chain"),
        description="<p>为园区企业对接供应链金融机构。</p>",
        sought="保理与仓单融资服务",
    )
    draft = save_draft(
        user=users["xinjingji"], unit=zones["mine"], values=content(title="人工智能草稿机会")
    )
    revised = publish(
        users,
        zones["mine"],
        title="网络视听基地招商",
        field=Field.objects.get(code="5g-audiovisual"),
        description="<p>网络视听产业基地招商。</p>",
        sought="视听内容企业",
    )
    save_draft(user=users["xinjingji"], opportunity=revised, values=content(title="网络视听修改稿"))
    gone = publish(users, zones["mine"], title="已撤回的人工智能机会")
    withdraw(user=users["xinjingji"], opportunity=gone)
    return {"a": a, "b": b, "draft": draft.opportunity, "revised": revised, "gone": gone}


def _titles(client, query: str) -> list[str]:
    response = client.get("/open/opportunities/" + query)
    assert response.status_code == 200
    return sorted(v.title for v in response.context["page"])


def test_a_chinese_search_finds_whole_words_in_published_versions_only(portal, client):
    assert _titles(client, "?q=人工智能") == ["人工智能应用场景征集"]
    assert _titles(client, "?q=供应链 金融") == ["供应链金融服务对接"]
    assert _titles(client, "?q=仓单") == ["供应链金融服务对接"]  # in what is sought
    assert _titles(client, "?q=人工智能 供应链") == []  # every word must be there
    assert _titles(client, "?q=草稿") == [] and _titles(client, "?q=修改稿") == []
    assert _titles(client, "?q=撤回") == []
    assert _titles(client, "?q=") == [
        "人工智能应用场景征集",
        "供应链金融服务对接",
        "网络视听基地招商",
    ]


def test_filters_narrow_the_list_and_values_not_on_offer_are_dropped(portal, client, zones):
    assert _titles(client, "?field=supply-chain") == ["供应链金融服务对接"]
    assert _titles(client, "?state=closed") == []
    assert len(_titles(client, "?state=open")) == 3
    assert len(_titles(client, f"?district={zones['mine'].parent_id}")) == 3
    assert _titles(client, f"?district={zones['theirs'].parent_id}") == []
    assert len(_titles(client, "?field=nonsense&kind=%00&zone=abc")) == 3


def test_hostile_and_oversized_queries_are_answered_calmly(portal, client):
    assert _titles(client, "?q=%3Cscript%3Ealert(1)%3C/script%3E") == []
    assert _titles(client, "?q=" + "人工智能" * 3000) == ["人工智能应用场景征集"]
    assert _titles(client, "?q=%27%20OR%201%3D1%20--") == []
    page = client.get("/open/opportunities/?q=%3Cscript%3Ealert(1)%3C/script%3E").content
    assert b"<script>alert(1)" not in page


def test_the_detail_shows_the_published_version_and_never_a_draft_or_a_withdrawn_one(
    portal, client
):
    page = client.get(f"/open/opportunities/{portal['revised'].pk}/").content.decode()
    assert "网络视听基地招商" in page and "网络视听修改稿" not in page
    assert "xinjingji" not in page and "gaoxin" not in page  # nobody's name
    assert client.get(f"/open/opportunities/{portal['draft'].pk}/").status_code == 404
    assert client.get(f"/open/opportunities/{portal['gone'].pk}/").status_code == 404


def test_a_phone_is_public_only_with_consent(zones, users, client):
    hidden = publish(users, zones["mine"], title="电话不公开", contact_phone="028-61234567")
    shown = publish(
        users, zones["mine"], title="电话公开", contact_phone="028-67654321", phone_public=True
    )
    assert "028-61234567" not in client.get(f"/open/opportunities/{hidden.pk}/").content.decode()
    assert "028-67654321" in client.get(f"/open/opportunities/{shown.pk}/").content.decode()


def test_the_feed_holds_the_published_versions_of_the_filter(portal, client):
    response = client.get("/open/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "人工智能应用场景征集" in feed and "供应链金融服务对接" in feed
    for hidden in ("人工智能草稿机会", "网络视听修改稿", "已撤回的人工智能机会"):
        assert hidden not in feed
    narrowed = client.get("/open/feed.atom?field=supply-chain").content.decode()
    assert "供应链金融服务对接" in narrowed and "人工智能应用场景征集" not in narrowed


def test_hostile_markup_never_reaches_the_feed_or_the_portal(zones, users, client):
    publish(
        users,
        zones["mine"],
        title="<script>alert(1)</script>标题",
        description='<p onmouseover="x()">说明<script>alert(2)</script></p>',
    )
    feed = client.get("/open/feed.atom").content.decode()
    assert "<script>" not in feed and "onmouseover" not in feed and "alert(2)" not in feed
    page = client.get("/open/opportunities/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_an_expired_opportunity_reads_closed(zones, users, client):
    opportunity = publish(users, zones["mine"], title="即将截止")
    Version.objects.filter(opportunity=opportunity, status="published").update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    assert _titles(client, "?state=closed") == ["即将截止"]
    page = client.get(f"/open/opportunities/{opportunity.pk}/").content.decode()
    assert "已截止" in page


def test_every_public_url_logged_out_shows_no_draft_review_or_withdrawn_version(
    portal, client, zones, users
):
    """The walk of every portal URL (named open_*), with every kind of unpublished version in
    the database: a draft, a revision in review, a superseded version and a withdrawn one."""
    from django.urls import reverse

    from tests.test_every_url import _patterns

    in_review = save_draft(
        user=users["xinjingji"], opportunity=portal["b"], values=content(title="审核中的修改稿")
    )
    submit(user=users["xinjingji"], version=in_review)
    hidden = ["人工智能草稿机会", "网络视听修改稿", "已撤回的人工智能机会", "审核中的修改稿"]
    # Reviewers by their names (a zone's code, z-gaoxin-aviation, holds the user name gaoxin).
    hidden += ["xinjingji", str(users["xinjingji"]), str(users["gaoxin"]), "同意发布", "巡检"]
    names = sorted(name for name, _p in _patterns() if name.startswith("open_"))
    assert names == [
        "open_feed",
        "open_home",
        "open_opportunity_detail",
        "open_opportunity_json",
        "open_opportunity_list",
        "open_opportunity_respond",
        "open_scenario_detail",
        "open_scenario_list",
        "open_screen",
        "open_zone_detail",
        "open_zone_list",
    ]
    from opportunities.models import Scenario

    unpublished = Scenario.objects.create(
        zone=zones["mine"], name="未发布的场景", field=Field.objects.get(code="5g-plus"),
        description="<p>未发布</p>",
    )  # fmt: skip
    hidden.append("未发布的场景")
    from opportunities.models import Response

    Response.objects.create(
        opportunity=portal["a"], version=portal["a"].versions.get(), organisation="秘密揭榜单位",
        credit_code="91510100MA6CU0009J", contact_name="秘密联系人", contact_phone="13900000000",
        message="秘密内容", consent="同意",
    )  # fmt: skip
    hidden += ["秘密揭榜单位", "秘密联系人", "13900000000", "秘密内容"]
    urls = [reverse(n) for n in names if not n.endswith(("_detail", "_respond"))]
    urls += [reverse("open_opportunity_respond", args=[o.pk]) for o in portal.values()]
    urls.append(reverse("open_scenario_detail", args=[unpublished.pk]))
    urls += [reverse("open_opportunity_detail", args=[o.pk]) for o in portal.values()]
    urls += [reverse("open_zone_detail", args=[z.code]) for z in zones.values()]
    urls += [u + "?q=人工智能" for u in urls[:3]] + ["/open/opportunities/?state=closed"]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        text = response.content.decode()
        for words in hidden:
            assert words not in text, f"{url} shows {words}"
    assert client.get(reverse("open_opportunity_detail", args=[portal["b"].pk])).status_code == 200


def test_the_json_of_a_filter_holds_what_its_list_holds(portal, client):
    body = client.get("/open/opportunities.json?q=供应链 金融").json()
    assert body["count"] == 1 and body["next"] is None
    [item] = body["results"]
    assert (item["title"], item["field"]["code"], item["open"]) == (
        "供应链金融服务对接",
        "supply-chain",
        True,
    )
    assert item["url"] == f"/open/opportunities/{portal['b'].pk}/"
    assert item["phone"] is None and "<p>" not in item["description"]
    everything = client.get("/open/opportunities.json").json()
    assert sorted(i["title"] for i in everything["results"]) == [
        "人工智能应用场景征集",
        "供应链金融服务对接",
        "网络视听基地招商",
    ]
    assert client.get("/open/opportunities.json?page=999&field=bogus").json()["count"] == 3
