"""The opportunity pages inside the platform: the form's refusals in the words an officer
reads, with nothing written; rich text sanitised; quantities read as everywhere else; the
review's buttons for those who may press them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from opportunities.models import Field, Kind, Opportunity, Version
from opportunities.services import save_draft, submit

from .conftest import content


def _post(zone, **changes) -> dict:
    values = {
        "unit": zone.pk,
        "title": "5G应用场景合作伙伴招募",
        "kind": Kind.objects.get(code="need").pk,
        "field": Field.objects.get(code="5g-plus").pk,
        "description": "<p>招募5G应用合作伙伴。</p>",
        "sought": "5G专网建设与运营能力",
        "amount_yuan": "",
        "area_m2": "",
        "count": "",
        "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "contact_role": "新经济发展局",
        "contact_phone": "",
    }
    return values | changes


def test_a_zone_officer_drafts_an_opportunity_with_quantities_read_as_everywhere(
    zones, login, client
):
    login("xinjingji")
    response = client.post(
        "/opportunities/new/",
        _post(zones["mine"], amount_yuan="5000", area_m2="5.2万", count="3"),
    )
    assert response.status_code == 302
    version = Version.objects.get()
    # 5000 in a 万元 field is 5,000万元; "5.2万" in a 平方米 field is 52,000 m².
    assert (version.amount_yuan, version.area_m2, version.count) == (
        Decimal("50000000.00"),
        Decimal("52000.00"),
        3,
    )
    page = client.get(f"/opportunities/{version.opportunity_id}/").content.decode()
    assert "5,000 万元" in page and "52,000 平方米" in page
    assert version.history.get().history_user.username == "xinjingji"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "这个字段是必填项。"),
        ({"title": "长" * 121}, "title", "确保该变量包含不超过 120 字符 (目前字符数 121)。"),
        (
            {"deadline": "2020-01-01"},
            "deadline",
            f"截止日期 2020-01-01 已过，请填写 {timezone.localdate().isoformat()} 及以后的日期。",
        ),
        (
            {"description": "<script>alert(1)</script><img src=x onerror=alert(1)>"},
            "description",
            "请填写机会说明（脚本等不允许的标记会被移除）。",
        ),
        ({"area_m2": "-5"}, "area_m2", "不能为负数（-5）"),
        ({"amount_yuan": "五千"}, "amount_yuan", "“五千”不是数字"),
        (
            {"contact_phone": "call me<script>"},
            "contact_phone",
            "电话号码应为 5 至 20 位数字，可含空格、+、- 或括号。",
        ),
        ({"phone_public": "on"}, "phone_public", "没有可显示的电话号码。"),
        ({"contact_role": ""}, "contact_role", "这个字段是必填项。"),
        ({"kind": "999999"}, "kind", "选择一个有效的选项： 该选择不在可用的选项中。"),
    ],
)
def test_a_refused_form_names_the_field_and_writes_nothing(
    zones, login, client, changes, field, message
):
    login("xinjingji")
    response = client.post("/opportunities/new/", _post(zones["mine"], **changes))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Opportunity.objects.exists() and not Version.objects.exists()


def test_another_zones_unit_and_an_oversized_description_are_refused(zones, login, client):
    login("xinjingji")
    response = client.post("/opportunities/new/", _post(zones["theirs"]))
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    response = client.post(
        "/opportunities/new/", _post(zones["mine"], description="<p>" + "字" * 5001 + "</p>")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["description"] == ["说明的文字不超过 5000 个字符。"]
    assert not Version.objects.exists()


def test_hostile_markup_is_stored_sanitised_and_shown_inert(zones, users, client, login):
    hostile = (
        '<p onclick="steal()">场景<script>alert(1)</script>'
        '<a href="javascript:alert(2)">链接</a><a href="https://example.org/x">说明</a>'
        "<style>body{display:none}</style><iframe src=//evil></iframe></p>"
    )
    version = save_draft(
        user=users["xinjingji"], unit=zones["mine"], values=content(description=hostile)
    )
    assert "script" not in version.description and "onclick" not in version.description
    assert "javascript" not in version.description and "iframe" not in version.description
    assert (
        '<a href="https://example.org/x" rel="noopener noreferrer">说明</a>' in version.description
    )
    login("xinjingji")
    page = client.get(f"/opportunities/{version.opportunity_id}/").content.decode()
    assert "alert(1)" not in page and "steal()" not in page


def test_the_review_buttons_show_only_for_who_may_press_them(zones, users, login, client):
    version = save_draft(user=users["xinjingji"], unit=zones["mine"], values=content())
    url = f"/opportunities/{version.opportunity_id}/"
    login("xinjingji")
    page = client.get(url).content.decode()
    assert 'id="submit-opportunity"' in page and 'id="review-form"' not in page
    submit(user=users["xinjingji"], version=version)
    page = client.get(url).content.decode()
    assert 'id="submit-opportunity"' not in page and "等待区级审核。" in page
    login("gaoxin")
    page = client.get(url).content.decode()
    assert 'id="review-form"' in page
    listing = client.get("/opportunities/").content.decode()
    assert "1 条待您审核" in listing
    response = client.post(f"{url}review/", {"decision": "return", "note": ""})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "in_review"  # a return without a reason is refused
    login("jinjiang")
    assert client.get(url).status_code == 404
    response = client.post(f"{url}review/", {"decision": "approve"})
    assert response.status_code == 404
    version.refresh_from_db()
    assert version.awaiting == "district"
