"""The cockpit: every target's status for the user's unit, bounded queries, bad input."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from carriers.models import Carrier
from core import bulk
from territory.models import Unit


def test_the_city_cockpit_shows_every_quantified_target_with_a_status(login):
    body = login("viewer").get(reverse("cockpit"), {"day": "2020-09-30"}).content.decode()
    statuses = re.findall(r'id="progress-([\w-]+)" data-status="(\w+)"', body)
    assert len(statuses) == 63
    assert dict(statuses)["core-areas"] in {
        "met",
        "on_track",
        "at_risk",
        "behind",
    }  # it has a source now
    assert dict(statuses)["carrier-occupancy"] == "no_data"  # a rule, with no history yet
    # Computed from the zones' attraction lists since the chains came (docs/chains.md).
    assert dict(statuses)["chain-maps"] in {"met", "on_track", "at_risk", "behind"}
    total = sum(int(n) for n in re.findall(r'data-status-count="\w+">(\d+)<', body))
    assert total == 63 - body.count('data-status="qualitative"')


def test_a_district_officer_lands_on_the_districts_cockpit(login):
    response = login("gaoxin").get(reverse("cockpit"))
    assert response.status_code == 302 and response["Location"].endswith("/cockpit/hi-tech-zone/")
    body = login("gaoxin").get(response["Location"], {"day": "2020-09-30"}).content.decode()
    codes = set(re.findall(r'id="progress-([\w-]+)"', body))
    assert codes == {"scitech-hitech", "scenario-new-economy"}


def test_an_outsider_cannot_open_another_units_cockpit(login):
    assert login("jinjiang").get(reverse("cockpit_unit", args=["hi-tech-zone"])).status_code == 404
    assert login("bailuwan").get(reverse("cockpit_unit", args=["510100"])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    assert client.get(reverse("cockpit")).status_code == 302


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2020-02-30", "日期格式应为 YYYY-MM-DD"),
        ("yesterday", "日期格式应为"),
        ("1999-01-01", "不在计划期内"),
        ("<script>", "日期格式应为"),
    ],
)
def test_a_bad_day_falls_back_with_a_message(login, day, message):
    response = login("viewer").get(reverse("cockpit"), {"day": day})
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        message in body
        and "<script>" not in body.split("</head>", 1)[1].split('id="chart-data"')[0]
    )


def test_the_number_of_queries_does_not_grow_with_the_data(
    login, django_assert_max_num_queries, db
):
    client = login("viewer")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(reverse("cockpit"), {"day": "2020-09-30"})
    zone = Unit.objects.get(code="z-new-economy")
    bulk.insert_rows(  # the registries' bulk writer: it says that rows were written
        Carrier,
        [
            {
                "zone_id": zone.pk,
                "kind": "scitech_space",
                "name": f"批量{i}",
                "floor_area_m2": 1,
                "actual_start": dt.date(2020, 1, 1),
            }
            for i in range(500)
        ],
        constants={"updated_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    )
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("cockpit"), {"day": "2020-09-30"})
    # 500 more rows, no more queries (fewer: the figures the carriers do not feed are read
    # back from the zone figures, plans.figures).
    assert len(after) <= len(before)


def test_a_saved_change_shows_at_once_and_repeated_views_are_served_from_the_cache(login):
    client = login("viewer")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def area():
        body = client.get(reverse("cockpit"), {"day": "2020-09-30"}).content.decode()
        row = re.search(r'id="progress-scitech-city".*?</tr>', body, flags=re.S).group(0)
        return re.search(r'<td class="text-end text-nowrap">([^<]+)<div', row).group(1).strip()

    before = area()
    with CaptureQueriesContext(connection) as warm:
        assert area() == before
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-new-economy"),
        kind="scitech_space",
        name="新增大楼",
        floor_area_m2=1_000_000,
        actual_start=dt.date(2020, 3, 1),
    )
    after = area()
    assert after != before  # the save moved the data version on: no stale figure
    assert len(warm) < 20  # a repeated view does not recompute


def test_the_cached_table_of_targets_follows_the_language_and_the_unit(login):
    """The rendered sections are cached per unit, day, language and data version."""
    client = login("admin")
    chinese = client.get(reverse("cockpit")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("cockpit")).content.decode()
    assert 'id="progress-scitech-city"' in chinese and 'id="progress-scitech-city"' in english
    from plans.models import Section

    section = Section.objects.filter(plan__code="cd-2020").exclude(title_en="").first()
    assert f'card-title">{section.title}<' in chinese
    assert f'card-title">{section.title_en}<' in english
    assert f'card-title">{section.title}<' not in english
    zone = client.get(reverse("cockpit_unit", args=["z-new-economy"])).content.decode()
    assert 'id="progress-scitech-city"' not in zone  # not the city's table


def test_a_zone_view_shows_what_the_zone_contributes_to_the_targets_above_it(login):
    Carrier.objects.all().delete()
    zone = Unit.objects.get(code="z-new-economy")
    Carrier.objects.create(
        zone=zone,
        kind="scitech_space",
        name="活力区大楼",
        floor_area_m2=250_000,
        actual_start=dt.date(2020, 2, 1),
    )
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-electronics"),
        kind="scitech_space",
        name="电子信息大楼",
        floor_area_m2=750_000,
        actual_start=dt.date(2020, 2, 1),
    )
    body = (
        login("xinjingji")
        .get(reverse("cockpit_unit", args=["z-new-economy"]), {"day": "2020-09-30"})
        .content.decode()
    )
    row = re.search(r'data-contribution="scitech-hitech">.*?</tr>', body, flags=re.S).group(0)
    assert "25 万平方米" in row and "25.0%" in row  # of 高新区's 100万 so far and of its target
    city = re.search(r'data-contribution="scitech-city">.*?</tr>', body, flags=re.S).group(0)
    assert "25 万平方米" in city and "2.5%" in city  # 25万 of the city's 1000万 target
