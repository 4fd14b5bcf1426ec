"""Progress of targets, computed by hand on small known data (docs/progress.md has the rule)."""

import datetime as dt
from decimal import Decimal

import pytest

from carriers.models import Carrier
from investment.measures import introduced, shared_claims
from investment.models import Enterprise, InvestmentProject
from plans.measures import zones_of
from plans.models import Indicator, Plan, ReportedValue, Section, Target
from plans.progress import Engine, Status, months_back, months_between, progress
from territory.models import Unit

DAY = dt.date(2020, 9, 30)


@pytest.fixture
def hitech(db):
    """高新区's sci-tech target (100万 m²) with known carriers and nothing else."""
    Carrier.objects.all().delete()
    new_economy, electronics = (
        Unit.objects.get(code="z-new-economy"),
        Unit.objects.get(code="z-electronics"),
    )
    Carrier.objects.create(
        zone=new_economy,
        kind="scitech_space",
        name="A",
        floor_area_m2=300_000,
        actual_start=dt.date(2019, 5, 1),
    )
    Carrier.objects.create(
        zone=electronics,
        kind="scitech_space",
        name="B",
        floor_area_m2=200_000,
        actual_start=dt.date(2020, 8, 1),
    )
    # Not counted: a factory in the district, and sci-tech space in another district.
    Carrier.objects.create(
        zone=new_economy,
        kind="standard_factory",
        name="D",
        floor_area_m2=900_000,
        actual_start=dt.date(2020, 1, 1),
    )
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-bailuwan"),
        kind="scitech_space",
        name="E",
        floor_area_m2=900_000,
        actual_start=dt.date(2020, 1, 1),
    )
    return Target.objects.get(code="scitech-hitech")


def test_value_share_remaining_and_paces(hitech):
    p = progress(hitech, day=DAY)
    assert p.value == Decimal(500_000)
    assert p.percent == Decimal(50)
    assert p.remaining == Decimal(500_000)
    months_left = Decimal(92) / Decimal("30.4375")  # 30 Sep → 31 Dec
    assert p.months_left == months_left
    assert p.pace_needed == Decimal(500_000) / months_left
    # The last three months (30 Jun – 30 Sep, 92 days) added B: 200,000 m².
    assert p.earlier == Decimal(300_000)
    assert p.pace_recent == Decimal(200_000) / (Decimal(92) / Decimal("30.4375"))
    assert p.forecast_trend == Decimal(500_000) + p.pace_recent * months_left  # = 700,000
    assert round(p.forecast_trend) == 700_000
    assert p.forecast_pipeline == Decimal(500_000)  # nothing scheduled
    assert p.status == Status.BEHIND  # 700,000 < 80% of 1,000,000


def test_a_scheduled_start_before_the_deadline_puts_it_on_track(hitech):
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-biotown"),
        kind="scitech_space",
        name="C",
        floor_area_m2=500_000,
        planned_start=dt.date(2020, 11, 1),
    )
    p = progress(hitech, day=DAY)
    assert p.forecast_pipeline == Decimal(1_000_000)
    assert p.status == Status.ON_TRACK


def test_a_start_scheduled_after_the_deadline_does_not_count(hitech):
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-biotown"),
        kind="scitech_space",
        name="C",
        floor_area_m2=500_000,
        planned_start=dt.date(2021, 3, 1),
    )
    assert progress(hitech, day=DAY).status == Status.BEHIND


def test_a_forecast_within_80_percent_is_at_risk(hitech):
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-biotown"),
        kind="scitech_space",
        name="C",
        floor_area_m2=350_000,
        planned_start=dt.date(2020, 12, 1),
    )
    p = progress(hitech, day=DAY)
    assert p.forecast == Decimal(850_000)
    assert p.status == Status.AT_RISK


def test_reaching_the_target_is_met_and_missing_it_by_the_deadline_is_missed(hitech):
    assert progress(hitech, day=dt.date(2020, 12, 31)).status == Status.MISSED
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-biotown"),
        kind="scitech_space",
        name="F",
        floor_area_m2=500_000,
        actual_start=dt.date(2020, 9, 1),
    )
    assert progress(hitech, day=DAY).status == Status.MET


def test_before_the_plan_starts_nothing_counts_yet(hitech):
    # Carrier A started in 2019 and counts from the plan's first day: 新开工、续建及已建成.
    assert progress(hitech, day=dt.date(2020, 1, 1)).value == Decimal(300_000)


def test_a_target_without_a_source_or_a_number_says_so(db):
    plan = Plan.objects.get(code="cd-2020")
    orphan = Indicator.objects.create(
        code="t_no_source", name="无来源", kind="derived", measure="count"
    )
    target = Target.objects.create(
        plan=plan,
        section=Section.objects.get(plan=plan, code="projects"),
        code="t-orphan",
        title="t",
        unit=Unit.objects.get(code="510100"),
        indicator=orphan,
        comparator="gte",
        value=1,
        display_unit="个",
        deadline=dt.date(2020, 12, 31),
        clause="c",
    )
    assert progress(target, day=DAY).status == Status.NO_DATA
    assert progress(Target.objects.get(code="lead-banks"), day=DAY).status == Status.QUALITATIVE


def test_the_drivers_of_a_shortfall_are_the_late_items(hitech):
    Carrier.objects.create(
        zone=Unit.objects.get(code="z-biotown"),
        kind="scitech_space",
        name="迟到的楼",
        floor_area_m2=10_000,
        planned_start=dt.date(2020, 5, 1),
    )
    p = progress(hitech, day=DAY, with_drivers=True)
    assert [d["name"] for d in p.drivers] == ["迟到的楼"]
    assert "计划 2020-05-01 开工，尚未开工" in p.drivers[0]["why"]


def test_a_project_two_zones_claim_counts_once_for_the_city(db):
    InvestmentProject.objects.all().delete()
    investor = Enterprise.objects.create(credit_code="91350100M000100Y43", name="共同投资方")
    a, b = Unit.objects.get(code="z-new-economy"), Unit.objects.get(code="z-bailuwan")
    InvestmentProject.objects.create(
        zone=a, name="甲", enterprise=investor, tier="top500", signed_on=dt.date(2020, 3, 1)
    )
    InvestmentProject.objects.create(
        zone=b, name="乙", enterprise=investor, tier="top500", signed_on=dt.date(2020, 4, 1)
    )
    InvestmentProject.objects.create(
        zone=b, name="丙", tier="core_supplier", signed_on=dt.date(2020, 5, 1)
    )
    InvestmentProject.objects.create(zone=b, name="丁", tier="other", signed_on=dt.date(2020, 5, 1))
    InvestmentProject.objects.create(
        zone=b, name="戊", tier="top500", signed_on=dt.date(2019, 12, 31)
    )
    # The investor's other project: high-tier only under a plan whose rule counts "other".
    InvestmentProject.objects.create(
        zone=b, name="己", enterprise=investor, tier="other", signed_on=dt.date(2020, 6, 1)
    )
    city = Unit.objects.get(code="510100")
    start = dt.date(2020, 1, 1)
    assert introduced(zones_of(city, DAY), start=start, day=DAY) == 2  # 甲/乙 once, 丙
    assert introduced(zones_of(a, DAY), start=start, day=DAY) == 1
    total, shared = shared_claims(Engine(Plan.objects.get(code="cd-2020")), city.pk, day=DAY)
    assert total == 1
    assert [p.name for p in shared[0]["projects"]] == ["甲", "乙"] and shared[0][
        "enterprise"
    ] == investor
    assert progress(Target.objects.get(code="high-tier-projects"), day=DAY).value == 2
    plan = Plan.objects.get(code="cd-2020")
    plan.parameters = {"high_tier": {"tiers": ["top500", "other"]}}
    plan.save()
    total, shared = shared_claims(Engine(plan), city.pk, day=DAY)
    assert total == 1 and sorted(p.name for p in shared[0]["projects"]) == ["乙", "己", "甲"]


def test_a_reported_indicator_sums_each_zones_latest_value(db):
    # 510104 is a district: below the city only zones report a zone-level indicator, so its
    # 5 is not added (docs/progress.md, roll-up rules).
    plan = Plan.objects.get(code="cd-2020")
    indicator = Indicator.objects.create(
        code="t_reported", name="填报", kind="reported", measure="count"
    )
    city = Unit.objects.get(code="510100")
    target = Target.objects.create(
        plan=plan,
        section=Section.objects.get(plan=plan, code="projects"),
        code="t",
        title="t",
        unit=city,
        indicator=indicator,
        comparator="gte",
        value=100,
        display_unit="个",
        deadline=dt.date(2020, 12, 31),
        clause="c",
    )
    a, b = Unit.objects.get(code="z-new-economy"), Unit.objects.get(code="510104")
    ReportedValue.objects.create(
        indicator=indicator, unit=a, period_end=dt.date(2020, 6, 30), value=10
    )
    ReportedValue.objects.create(
        indicator=indicator, unit=a, period_end=dt.date(2020, 9, 30), value=30
    )
    ReportedValue.objects.create(
        indicator=indicator, unit=b, period_end=dt.date(2020, 8, 31), value=5
    )
    ReportedValue.objects.create(
        indicator=indicator, unit=b, period_end=dt.date(2020, 10, 31), value=99
    )
    assert progress(target, day=DAY).value == Decimal(30)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2020, 3, 31), 1, dt.date(2020, 2, 29)),
        (dt.date(2020, 1, 15), 3, dt.date(2019, 10, 15)),
        (dt.date(2021, 5, 31), 3, dt.date(2021, 2, 28)),
    ],
)
def test_months_back_keeps_to_real_dates(day, months, expected):
    assert months_back(day, months) == expected


def test_months_between_never_goes_negative():
    assert months_between(dt.date(2021, 1, 1), dt.date(2020, 1, 1)) == 0


# ── Each remaining indicator's counting rule, by hand ──


def _plan_target(code):
    return Target.objects.get(plan__code="cd-2020", code=code)


def test_standard_factories_count_what_is_under_construction_or_built(db):
    Carrier.objects.all().delete()
    zone = Unit.objects.get(code="z-new-economy")
    Carrier.objects.create(
        zone=zone,
        kind="standard_factory",
        name="在建",
        floor_area_m2=40_000,
        actual_start=dt.date(2020, 2, 1),
    )
    Carrier.objects.create(
        zone=zone,
        kind="standard_factory",
        name="早已建成",
        floor_area_m2=60_000,
        actual_start=dt.date(2018, 1, 1),
        actual_completion=dt.date(2019, 1, 1),
    )
    Carrier.objects.create(
        zone=zone,
        kind="standard_factory",
        name="未开工",
        floor_area_m2=99_000,
        planned_start=dt.date(2021, 1, 1),
    )
    assert progress(_plan_target("standard-factories"), day=DAY).value == Decimal(100_000)


def test_talent_apartments_count_what_was_built_during_the_year(db):
    Carrier.objects.all().delete()
    zone = Unit.objects.get(code="z-new-economy")
    Carrier.objects.create(
        zone=zone,
        kind="talent_apartment",
        name="年内在建",
        floor_area_m2=30_000,
        actual_start=dt.date(2019, 6, 1),
    )
    Carrier.objects.create(
        zone=zone,
        kind="talent_apartment",
        name="年内竣工",
        floor_area_m2=20_000,
        actual_start=dt.date(2019, 1, 1),
        actual_completion=dt.date(2020, 5, 1),
    )
    Carrier.objects.create(
        zone=zone,
        kind="talent_apartment",
        name="去年竣工",
        floor_area_m2=90_000,
        actual_start=dt.date(2018, 1, 1),
        actual_completion=dt.date(2019, 12, 31),
    )
    assert progress(_plan_target("talent-apartments"), day=DAY).value == Decimal(50_000)


def test_professional_buildings_count_completions_within_the_period(db):
    Carrier.objects.all().delete()
    zone = Unit.objects.get(code="z-new-economy")
    for name, completed in (
        ("甲", dt.date(2020, 3, 1)),
        ("乙", dt.date(2020, 9, 30)),
        ("丙", dt.date(2019, 12, 31)),
        ("丁", dt.date(2020, 10, 1)),
    ):
        Carrier.objects.create(
            zone=zone,
            kind="professional_building",
            name=name,
            floor_area_m2=1,
            actual_start=dt.date(2019, 1, 1),
            actual_completion=completed,
        )
    Carrier.objects.create(
        zone=zone,
        kind="professional_building",
        name="戊",
        floor_area_m2=1,
        planned_completion=dt.date(2020, 11, 30),
    )
    p = progress(_plan_target("professional-buildings"), day=DAY)
    assert p.value == 2  # 甲 and 乙; 丙 is last year's, 丁 not yet
    assert p.forecast_pipeline == 4  # 丁 and 戊 are due by the deadline


def test_service_projects_count_those_under_way_or_built(db):
    from carriers.models import ServiceCategory, ServiceItem, ServiceProject

    ServiceProject.objects.all().delete()
    item = ServiceItem.objects.create(
        category=ServiceCategory.objects.get(code="education"), code="t-i", name="学校"
    )
    zone = Unit.objects.get(code="z-new-economy")
    ServiceProject.objects.create(
        zone=zone, item=item, name="已开工", actual_start=dt.date(2020, 4, 1)
    )
    ServiceProject.objects.create(
        zone=zone,
        item=item,
        name="已建成",
        actual_start=dt.date(2018, 4, 1),
        actual_completion=dt.date(2019, 4, 1),
    )
    ServiceProject.objects.create(
        zone=zone, item=item, name="未开工", planned_start=dt.date(2020, 11, 1)
    )
    p = progress(_plan_target("service-projects"), day=DAY)
    assert p.value == 2 and p.forecast_pipeline == 3


def test_a_target_of_zero_does_not_divide_by_zero(hitech):
    hitech.value = Decimal(0)
    p = progress(hitech, day=DAY)
    assert p.percent is None and p.status == Status.MET
