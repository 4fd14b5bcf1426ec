"""The chain pages for the three users of STYLE.md: the zone's officer and its district's see
the zone's statuses; the city viewer reads every scope; another district's officer cannot
choose the zone (404). The figures are the ones computed by hand in conftest."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def _page(client, name, *args, unit=None):
    url = reverse(name, args=args) + (f"?unit={unit}" if unit else "")
    return client.get(url)


def _node_counts(html: str) -> dict[str, str]:
    rows = re.findall(
        r'<tr data-node="([^"]+)">.*?data-local>(\d+)<.*?data-status="(\w+)"', html, re.S
    )
    return {code: (int(n), status) for code, n, status in rows}


def test_a_zone_officer_sees_the_zone_by_default_and_cannot_choose_another_district(login, chain):
    client = login("xinjingji")
    response = _page(client, "chain_detail", "t-chain")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{chain["x"].code}" selected>' in html
    assert _node_counts(html) == {
        "a": (2, "present"),
        "a1": (2, "present"),
        "a2": (1, "thin"),
        "b": (0, "missing"),
        "c": (0, "missing"),
    }
    assert 'id="gaps-fill"' in html and 'data-gap="b"' in html and "测试企业3" in html
    assert _page(client, "chain_detail", "t-chain", unit="z-bailuwan").status_code == 404
    assert _page(client, "chain_detail", "t-chain", unit="hi-tech-zone").status_code == 404
    assert _page(client, "chain_list", unit="510100").status_code == 404


def test_the_district_officer_sees_the_district_and_its_zone(login, chain):
    client = login("gaoxin")
    html = _page(client, "chain_detail", "t-chain").content.decode()
    assert _node_counts(html)["a"] == (3, "strong")  # e1, e2 and e4 of 高新区
    html = _page(client, "chain_detail", "t-chain", unit="z-new-economy").content.decode()
    assert _node_counts(html)["a"] == (2, "present")
    assert _page(client, "chain_detail", "t-chain", unit="z-bailuwan").status_code == 404


def test_the_city_viewer_reads_every_scope_and_the_list_counts_statuses(login, chain):
    client = login("viewer")
    html = _page(client, "chain_detail", "t-chain").content.decode()
    assert _node_counts(html)["b"] == (1, "thin")
    html = _page(client, "chain_list", unit="z-bailuwan").content.decode()
    row = re.search(r'<tr data-chain="t-chain">(.*?)</tr>', html, re.S).group(1)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', row))
    # In 白鹭湾: B thin (e3), A, A1, A2 and C missing.
    assert counts == {"missing": "4", "thin": "1", "present": "0", "strong": "0"}


def test_a_node_page_lists_local_enterprises_and_candidates_elsewhere(login, chain):
    client = login("xinjingji")
    html = _page(client, "chain_node", "t-chain", "a").content.decode()
    local = html.split('id="local-enterprises"')[1].split('id="elsewhere-enterprises"')[0]
    elsewhere = html.split('id="elsewhere-enterprises"')[1].split('id="node-projects"')[0]
    assert "测试企业1" in local and "测试企业2" in local and "测试企业4" not in local
    assert "测试企业4" in elsewhere
    html = _page(client, "chain_node", "t-chain", "b").content.decode()
    assert 'data-status="missing"' in html.split('id="node-status"')[1]
    assert "链主企业" in html.split('id="elsewhere-enterprises"')[1]


@pytest.mark.parametrize(
    "unit",
    ["nowhere", "x" * 5000, "510100' OR 1=1 --", "%00", "<script>alert(1)</script>"],
)
def test_a_hostile_scope_is_not_found_never_an_error(login, chain, unit):
    assert _page(login("xinjingji"), "chain_detail", "t-chain", unit=unit).status_code == 404


def test_an_unknown_chain_or_node_is_not_found_and_anonymous_users_log_in(client, login, chain):
    response = client.get(reverse("chain_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client = login("admin")
    assert _page(client, "chain_detail", "no-such-chain").status_code == 404
    assert _page(client, "chain_node", "t-chain", "zz").status_code == 404


def test_english_pages_name_statuses_and_segments_in_english(login, chain):
    client = login("admin")
    client.cookies["django_language"] = "en"
    html = _page(client, "chain_detail", "t-chain").content.decode()
    assert "Upstream" in html and "Missing" in html and "Fill a gap in the chain" in html
    assert "上游" not in html and "补链" not in html


def test_the_zone_page_lists_its_chains_with_the_zone_statuses(login, chain):
    html = login("xinjingji").get(reverse("zone_detail", args=["z-new-economy"])).content.decode()
    card = html.split('id="zone-chains"')[1].split('id="zone-scenes"')[0]
    row = re.search(r'data-chain="t-chain">(.*?)</a>', card, re.S).group(1)
    assert dict(re.findall(r'data-count="(\w+)">[^<]*?(\d+)<', row)) == {
        "missing": "2",
        "thin": "1",
        "present": "2",
        "strong": "0",
    }
    assert "?unit=z-new-economy" in card
