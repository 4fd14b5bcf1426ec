"""Each page with the user who may, a colleague with less right, and an outsider who must see
nothing (STYLE.md). Pages are Chinese unless the user switches to English."""

import pytest
from django.test import Client
from django.urls import reverse

from territory.models import Ecosystem, Stage, Unit

PAGES = [
    reverse("home"),
    reverse("zone_list"),
    reverse("zone_detail", args=["z-new-economy"]),
    reverse("plan_current"),
]


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_log_in_page_is_chinese_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录产业功能区建设管理平台" in body


def test_a_wrong_password_is_told_in_chinese(client, db):
    response = client.post(reverse("login"), {"username": "admin", "password": "wrong"})
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failed_log_ins_lock_the_user_there_even_with_the_right_password(
    client, db, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "viewer", "password": "zoneplan-demo"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _fail_log_ins(client, settings, username, **meta):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "wrong"}, **meta)


def _log_in(client, username, **meta):
    data = {"username": username, "password": "zoneplan-demo"}
    return client.post(reverse("login"), data, **meta)


def test_one_officers_typos_do_not_lock_out_the_others_behind_the_same_address(
    client, db, settings
):
    _fail_log_ins(client, settings, "viewer", REMOTE_ADDR="10.0.0.5")
    assert _log_in(client, "viewer", REMOTE_ADDR="10.0.0.5").status_code == 429
    other = Client()
    response = _log_in(other, "gaoxin", REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302 and "_auth_user_id" in other.session


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, db, settings):
    from ipaddress import ip_network

    settings.ZONEPLAN_TRUSTED_PROXIES = [ip_network("10.0.0.1/32")]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    _fail_log_ins(client, settings, "viewer", HTTP_X_FORWARDED_FOR="172.16.3.7", **proxy)
    locked = _log_in(client, "viewer", HTTP_X_FORWARDED_FOR="172.16.3.7", **proxy)
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    # The same user from another desk behind the same proxy is not locked.
    other = Client()
    assert _log_in(other, "viewer", HTTP_X_FORWARDED_FOR="172.16.9.9", **proxy).status_code == 302


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(client, db, settings):
    settings.ZONEPLAN_TRUSTED_PROXIES = []
    # Changing a header it sends itself does not let a client escape its lock.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "viewer", "password": "wrong"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = _log_in(client, "viewer", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 429


def test_the_right_password_logs_in_and_lands_on_the_home_page(client, db):
    response = client.post(
        reverse("login"), {"username": "gaoxin", "password": "zoneplan-demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "高新区统筹员" in response.content.decode()


# ── Home ──


def test_the_city_home_shows_the_whole_plan_and_the_unallocated_sci_tech_space(login):
    body = login("admin").get(reverse("home")).content.decode()
    assert "2020年产业生态圈和产业功能区建设工作计划" in body
    assert 'data-figure="zones">66<' in body
    assert 'data-figure="targets">63<' in body
    assert 'data-figure="remainder">20 万平方米<' in body  # 1000 − (3×100 + 10×50 + 9×20)


def test_a_district_home_shows_its_zones_and_its_commitments_not_the_citys_cascade(login):
    body = login("gaoxin").get(reverse("home")).content.decode()
    assert "成都新经济活力区" in body and "成都电子信息产业功能区" in body
    assert "高新区布局100万平方米科创空间" in body
    assert 'id="cascades"' not in body
    assert "白鹭湾新经济总部功能区" not in body


def test_a_zone_home_shows_the_zone_and_the_targets_above_it(login):
    body = login("xinjingji").get(reverse("home")).content.decode()
    assert 'data-figure="zones">1<' in body
    assert "成都新经济活力区嵌入5G应用与网络视听等应用场景" in body
    assert "高新区布局100万平方米科创空间" in body
    assert "成都电子信息产业功能区" not in body
    # City-wide commitments are one link away rather than repeated on every home page.
    assert "全市科创空间总建筑面积不低于1000万平方米" not in body
    assert "另有全市目标任务" in body


# ── Zone list ──


def test_the_city_sees_all_66_zones_with_demo_ones_labelled(login):
    body = login("viewer").get(reverse("zone_list")).content.decode()
    assert "66 个功能区" in body
    assert "演示" in body


def test_a_district_officer_lists_the_districts_zones_and_shared_ones_only(login):
    body = login("jinjiang").get(reverse("zone_list")).content.decode()
    assert "白鹭湾新经济总部功能区" in body
    assert "交子公园金融商务区" in body  # primary district 高新区, spans 锦江区
    assert "成都新经济活力区" not in body


def test_a_zone_officer_lists_the_own_zone_alone(login):
    body = login("bailuwan").get(reverse("zone_list")).content.decode()
    assert "1 个功能区" in body and "白鹭湾新经济总部功能区" in body


def test_filters_narrow_the_list(login):
    client = login("admin")
    district = Unit.objects.get(code="hi-tech-zone")
    body = client.get(reverse("zone_list"), {"district": district.pk}).content.decode()
    assert "成都新经济活力区" in body and "成都医学城" not in body
    body = client.get(reverse("zone_list"), {"q": "医学"}).content.decode()
    assert "1 个功能区" in body and "成都医学城" in body
    stage = Stage.objects.first()
    expected = Unit.objects.filter(kind="zone", stage=stage).count()
    assert (
        f"{expected} 个功能区"
        in client.get(reverse("zone_list"), {"stage": stage.pk}).content.decode()
    )
    ecosystem = Ecosystem.objects.filter(zones__isnull=False).first()
    expected = Unit.objects.filter(kind="zone", ecosystems=ecosystem).count()
    assert (
        f"{expected} 个功能区"
        in client.get(reverse("zone_list"), {"ecosystem": ecosystem.pk}).content.decode()
    )


def test_a_district_outside_the_users_scope_cannot_be_used_as_a_filter(login):
    other = Unit.objects.get(code="510104")
    body = login("gaoxin").get(reverse("zone_list"), {"district": other.pk}).content.decode()
    assert "白鹭湾新经济总部功能区" not in body


@pytest.mark.parametrize(
    "params",
    [
        {"district": "abc"},
        {"district": "9" * 40},
        {"stage": "-1"},
        {"ecosystem": "1 OR 1=1"},
        {"q": "x" * 5000},
        {"q": "<script>alert(1)</script>"},
        {"page": "999"},
    ],
)
def test_bad_filter_values_neither_break_nor_inject(login, params):
    response = login("admin").get(reverse("zone_list"), params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_htmx_request_gets_only_the_table(login):
    response = login("admin").get(reverse("zone_list"), {"q": "医学"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "成都医学城" in body


def test_the_zone_list_query_count_does_not_grow_with_the_zones(
    login, django_assert_max_num_queries
):
    client = login("admin")
    with django_assert_max_num_queries(14):
        client.get(reverse("zone_list"))


# ── Zone page ──


def test_a_zone_page_for_its_officer_and_district_shows_profile_and_commitments(login):
    url = reverse("zone_detail", args=["z-new-economy"])
    for username in ("xinjingji", "gaoxin", "viewer"):
        body = login(username).get(url).content.decode()
        assert "成都新经济活力区" in body
        assert "成都新经济活力区嵌入5G应用与网络视听等应用场景" in body
    body = login("xinjingji").get(url).content.decode()
    assert "引进高能级产业化项目270个以上" not in body
    assert 'id="city-targets-link"' in body
    assert 'id="zone-officers"' in login("gaoxin").get(url).content.decode()
    assert 'id="zone-officers"' not in login("viewer").get(url).content.decode()


@pytest.mark.parametrize("username", ["bailuwan", "jinjiang"])
def test_a_zone_outside_the_users_scope_is_not_found(login, username):
    assert login(username).get(reverse("zone_detail", args=["z-new-economy"])).status_code == 404


def test_a_spanning_zone_shows_both_districts_and_a_demo_zone_says_it_is_demo(login):
    body = login("jinjiang").get(reverse("zone_detail", args=["z-jiaozi-park"])).content.decode()
    assert "高新区" in body and "锦江区" in body
    body = login("admin").get(reverse("zone_detail", args=["demo-zone-01"])).content.decode()
    assert "本功能区为演示数据" in body


def test_a_unit_that_is_not_a_zone_has_no_zone_page(login):
    assert login("admin").get(reverse("zone_detail", args=["hi-tech-zone"])).status_code == 404


# ── Plan page ──


def test_the_plan_page_lists_every_commitment_with_its_clause_and_reconciliation(login):
    body = login("viewer").get(reverse("plan_current")).content.decode()
    assert body.count('id="target-') == 63
    assert "全面划定66个产业功能区核心区,以1平方公里范围起步" in body
    assert "不低于 <strong>1,000 万平方米</strong>" in body
    assert "未分解 20 万平方米" in body
    assert "力争" in body
    assert "/admin/plans/target/" not in body


def test_only_a_city_admin_gets_edit_links_on_the_plan(login):
    assert "/admin/plans/target/" in login("admin").get(reverse("plan_current")).content.decode()


def test_targets_in_the_users_scope_are_marked(login):
    body = login("gaoxin").get(reverse("plan_current")).content.decode()
    import re

    marked = set(re.findall(r'id="target-([\w-]+)"[^>]*data-in-scope', body))
    assert marked == {"scitech-hitech", "scenario-new-economy"}


def test_an_unknown_plan_is_not_found(login):
    assert login("admin").get(reverse("plan_detail", args=["nope"])).status_code == 404


# ── Reference data admin ──


def test_the_admin_is_for_city_admins_only(login):
    assert login("admin").get("/admin/territory/unit/").status_code == 200
    response = login("viewer").get("/admin/territory/unit/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_refuses_a_zone_placed_directly_under_the_city(login):
    client = login("admin")
    city = Unit.objects.get(code="510100")
    response = client.post(
        "/admin/territory/unit/add/",
        {
            "code": "z-bad",
            "kind": "zone",
            "name": "坏功能区",
            "parent": city.pk,
            "order": 0,
            "history_change_reason": "",
        },
    )
    assert response.status_code == 200
    assert "不能放在" in response.content.decode()
    assert not Unit.objects.filter(code="z-bad").exists()


# ── Language ──


def test_switching_to_english_translates_the_pages(client, users):
    client.force_login(users["admin"])
    client.post(reverse("set_language"), {"language": "en", "next": reverse("plan_current")})
    body = client.get(reverse("plan_current")).content.decode()
    assert '<html lang="en">' in body
    assert "2020 Work Plan for Industrial Ecosystems and Industrial Function Zones" in body
    assert "at least <strong>10,000,000 m²</strong>" in body
    body = client.get(reverse("zone_list")).content.decode()
    assert "66 zones" in body and "Chengdu Medical City" in body
