"""Commitments without a number, computed by their rules (plans.commitments), by hand on a
small tree of their own, and the plan file's check of rule names and parameters.

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)
"""

import datetime as dt
from decimal import Decimal

import pytest
import shapely
from django.core.management import CommandError

from carriers.models import Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform
from investment.models import InvestmentProject
from plans import commitments
from plans.models import Indicator, Section, Target
from plans.progress import Engine, Status, progress
from plans.tests.test_load_plan import GOOD, load, state, write
from plans.tests.trees import small_tree
from territory.models import Scene
from territory.services import save_shape

END = dt.date(2020, 12, 31)
MID = dt.date(2020, 6, 30)


@pytest.fixture
def t(db):
    return small_tree()


def _find(t, name, unit, day=END, **params):
    return commitments.get(name).evaluate(Engine(t.plan), unit.pk, day, **params)


def _square(x: float, size=0.01):
    return shapely.box(104.0 + x, 30.6, 104.0 + x + size, 30.6 + size)


def test_core_area_scenes_counts_zones_whose_core_area_shows_all_three(t):
    for i, zone in enumerate((t.za, t.zb)):
        save_shape(
            zone=zone,
            kind="core_area",
            geometry=_square(i * 0.1),
            crs="wgs84",
            delineated_on=dt.date(2020, 3, 1),
        )
    for kind in ("production", "living", "ecology"):
        Scene.objects.create(
            zone=t.za, kind=kind, name=f"甲一{kind}", longitude=104.005, latitude=30.605
        )
    Scene.objects.create(
        zone=t.zb, kind="production", name="甲二生产", longitude=104.105, latitude=30.605
    )
    city = _find(t, "core_area_scenes", t.city)
    assert (city.done, city.of, city.basis) == (1, 3, "1/3 个核心起步区三类场景齐全")
    assert (_find(t, "core_area_scenes", t.d1).done, _find(t, "core_area_scenes", t.d1).of) == (
        1,
        2,
    )
    assert _find(t, "core_area_scenes", t.d2).done == 0
    # Before the core areas were delineated, none counts.
    assert _find(t, "core_area_scenes", t.city, day=dt.date(2020, 2, 1)).done == 0


def test_parts_not_below_counts_the_parts_that_reached_their_share(t):
    area = Indicator.objects.get(code="scitech_space_floor_area")
    section = Section.objects.get(plan=t.plan, code="core-areas")
    common = {
        "plan": t.plan,
        "section": section,
        "indicator": area,
        "comparator": "gte",
        "deadline": END,
        "clause": "c",
    }
    whole = Target.objects.create(
        code="t-whole", title="全市", unit=t.city, value=300_000, **common
    )
    for code, unit, value in (("t-p1", t.d1, 200_000), ("t-p2", t.d2, 50_000)):
        Target.objects.create(code=code, title=code, unit=unit, value=value, parent=whole, **common)
    Carrier.objects.create(
        zone=t.za, kind="scitech_space", name="甲", floor_area_m2=150_000, actual_start=MID
    )
    Carrier.objects.create(
        zone=t.zc, kind="scitech_space", name="乙", floor_area_m2=60_000, actual_start=MID
    )
    found = _find(t, "parts_not_below", t.city, whole="t-whole")
    assert (found.done, found.of) == (1, 2)  # 乙区 60,000 ≥ 50,000; 甲区 150,000 < 200,000
    assert found.items == [("甲区", "t-p1")]


def test_scitech_platforms_counts_spaces_that_host_one(t):
    a = Carrier.objects.create(
        zone=t.za, kind="scitech_space", name="甲空间", floor_area_m2=1, actual_start=MID
    )
    Carrier.objects.create(
        zone=t.zb, kind="scitech_space", name="乙空间", floor_area_m2=1, actual_start=MID
    )
    Carrier.objects.create(zone=t.zb, kind="scitech_space", name="未开工", floor_area_m2=1)
    TechPlatform.objects.create(
        carrier=a, kind="pilot_testing", name="中试平台", opened_on=dt.date(2020, 9, 1)
    )
    assert (
        _find(t, "scitech_platforms", t.city).done,
        _find(t, "scitech_platforms", t.city).of,
    ) == (1, 2)
    assert _find(t, "scitech_platforms", t.city, day=dt.date(2020, 8, 1)).done == 0  # not open yet
    assert _find(t, "scitech_platforms", t.d2) is None  # nothing to count


def test_service_coverage_counts_categories_and_items_under_way(t):
    category = ServiceCategory.objects.create(code="t-cat", name="测试类")
    item1 = ServiceItem.objects.create(code="t-i1", category=category, name="项一")
    item2 = ServiceItem.objects.create(code="t-i2", category=category, name="项二")
    ServiceProject.objects.create(zone=t.za, item=item1, name="甲", actual_start=MID)
    ServiceProject.objects.create(zone=t.zb, item=item2, name="乙")  # not started
    found = _find(t, "service_coverage", t.city, categories=8, items=18)
    assert (found.done, found.of) == (1, 18)
    assert found.basis == "1/8 类、1/18 项公共服务已有在建或建成项目"


def test_occupancy_raised_compares_the_history_at_the_plans_start(t):
    from django.utils import timezone

    carrier = Carrier.objects.create(
        zone=t.za,
        kind="standard_factory",
        name="厂房",
        floor_area_m2=10_000,
        actual_start=dt.date(2018, 1, 1),
        actual_completion=dt.date(2019, 6, 1),
        occupancy_rate=Decimal("0.60"),
    )
    record = carrier.history.get()
    record.history_date = timezone.make_aware(dt.datetime(2019, 12, 1))
    record.save()
    assert _find(t, "occupancy_raised", t.city) is not None
    carrier.occupancy_rate = Decimal("0.75")
    carrier.save()
    found = _find(t, "occupancy_raised", t.city, day=dt.date.today())
    assert found.done == 1 and found.basis == "入驻率 75.0%（计划开始时 60.0%）"
    assert (
        _find(t, "occupancy_raised", t.city, day=dt.date(2020, 1, 15)).done == 0
    )  # not raised yet


def test_attraction_lists_counts_zones_following_projects_in_the_period(t):
    InvestmentProject.objects.create(
        zone=t.za, name="甲项目", tier="other", lead_on=dt.date(2020, 2, 1)
    )
    InvestmentProject.objects.create(
        zone=t.zc, name="乙项目", tier="other", lead_on=dt.date(2019, 2, 1)
    )
    found = _find(t, "attraction_lists", t.city)
    assert (found.done, found.of) == (1, 3)


def test_a_rule_status_uses_the_words_of_the_quantified_targets(t):
    def finding(done, of):
        return commitments.Finding(done=Decimal(done), of=Decimal(of), basis="")

    start, end = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    half = dt.date(2020, 7, 1)  # 182 of 365 days gone: on track from 49.9%
    assert (
        commitments.status_of(finding(3, 3), day=half, starts_on=start, ends_on=end) == Status.MET
    )
    assert (
        commitments.status_of(finding(2, 4), day=half, starts_on=start, ends_on=end)
        == Status.ON_TRACK
    )
    assert (
        commitments.status_of(finding(2, 5), day=half, starts_on=start, ends_on=end)
        == Status.AT_RISK
    )
    assert (
        commitments.status_of(finding(1, 5), day=half, starts_on=start, ends_on=end)
        == Status.BEHIND
    )
    assert (
        commitments.status_of(finding(4, 5), day=end, starts_on=start, ends_on=end) == Status.MISSED
    )
    assert (
        commitments.status_of(finding(0, 0), day=half, starts_on=start, ends_on=end)
        == Status.NO_DATA
    )
    assert commitments.status_of(None, day=half, starts_on=start, ends_on=end) == Status.NO_DATA


def test_every_commitment_the_issue_names_has_a_rule_in_the_2020_plan(db):
    ruled = dict(
        Target.objects.filter(plan__code="cd-2020").exclude(rule="").values_list("code", "rule")
    )
    assert ruled == {
        "ecosystems-14": "ecosystems_configured",
        "core-area-scenes": "core_area_scenes",
        "core-area-projects-first": "projects_in_core_areas",
        "scitech-not-below": "parts_not_below",
        "scitech-enterprises": "scitech_enterprises",
        "scitech-platforms": "scitech_platforms",
        "attraction-lists": "attraction_lists",
        "chain-maps": "chain_maps",
        "opportunity-list": "opportunity_lists",
        "scenario-science-city": "scenario_embedded",
        "scenario-medical-city": "scenario_embedded",
        "scenario-new-economy": "scenario_embedded",
        "scenario-bailuwan": "scenario_embedded",
        "scenario-wuhou-ecommerce": "scenario_embedded",
        "scenario-railway-port": "scenario_embedded",
        "carrier-occupancy": "occupancy_raised",
        "service-coverage": "service_coverage",
        "statistics-system": "reporting_completeness",
        "differentiated-assessment": "schemes_in_force",
        "assessment-consequences": "assessment_done",
    }
    for target in Target.objects.filter(plan__code="cd-2020").exclude(rule=""):
        result = progress(target, day=END)
        assert result.basis, target.code
        assert result.status in ("met", "on_track", "at_risk", "behind", "missed", "no_data")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{name: nowhere}", "计算规则 nowhere 不存在（可用："),
        ("{name: service_coverage, colours: 3}", "计算规则 service_coverage 没有参数 colours"),
        (
            "{name: service_coverage, items: lots}",
            "计算规则 service_coverage 的参数 items 应为整数",
        ),
        ("just a name", "计算规则应写成 {name: 规则名, 参数: 值}"),
        ("{name: scenario_embedded, field: nowhere}", "没有代码为 nowhere 的领域（现有：ai-plus、"),
        ("{name: scenario_embedded}", "计算规则 scenario_embedded 须写明领域代码（field）"),
    ],
    ids=[
        "unknown",
        "unknown parameter",
        "wrong type",
        "not a mapping",
        "no such field",
        "no field",
    ],
)
def test_a_bad_rule_is_refused_with_its_line_and_writes_nothing(db, tmp_path, rule, message):
    text = GOOD.replace("tracking: 按入驻率跟踪}", f"tracking: 按入驻率跟踪, rule: {rule}}}")
    assert text != GOOD
    before = state()
    with pytest.raises(CommandError) as exc:
        load(write(tmp_path, text, name="rule.yaml"))
    assert "rule.yaml 第" in str(exc.value) and message in str(exc.value)
    assert state() == before


def test_a_rule_on_a_target_with_a_number_is_refused(db, tmp_path):
    text = GOOD.replace(
        '      - {due_on: "2021-06-30", value: 40}\n',
        '      - {due_on: "2021-06-30", value: 40}\n    rule: {name: attraction_lists}\n',
    )
    with pytest.raises(CommandError, match="不能再写计算规则"):
        load(write(tmp_path, text, name="rule.yaml"))


def test_a_new_plans_commitment_names_its_rule_with_no_code_change(db, tmp_path):
    text = GOOD.replace(
        "tracking: 按入驻率跟踪}", "tracking: 按入驻率跟踪, rule: {name: attraction_lists}}"
    )
    load(write(tmp_path, text))
    target = Target.objects.get(plan__code="t-plan", code="words")
    assert (target.rule, target.rule_params) == ("attraction_lists", {})
    assert (
        progress(target, day=dt.date(2021, 6, 30)).basis.startswith("66/66")
        or progress(target, day=dt.date(2021, 6, 30)).basis
    )


def test_scitech_enterprises_counts_spaces_hosting_a_new_economy_enterprise(t):
    from investment.models import Enterprise

    a = Carrier.objects.create(
        zone=t.za, kind="scitech_space", name="甲空间", floor_area_m2=1, actual_start=MID
    )
    b = Carrier.objects.create(
        zone=t.zc, kind="scitech_space", name="乙空间", floor_area_m2=1, actual_start=MID
    )
    Enterprise.objects.create(
        credit_code="T0000000000000001", name="独角兽", zone=t.za, carrier=a, is_unicorn=True
    )
    Enterprise.objects.create(
        credit_code="T0000000000000002", name="传统企业", zone=t.zc, carrier=b
    )
    city = _find(t, "scitech_enterprises", t.city)
    assert (city.done, city.of) == (1, 2)  # a traditional enterprise does not count
    assert city.basis == "1/2 个已开工科创空间入驻了新经济企业（共 1 家企业）"
    assert _find(t, "scitech_enterprises", t.d2).done == 0


def test_an_enterprise_counts_in_its_space_from_the_day_it_settled(t):
    from investment.models import Enterprise

    space = Carrier.objects.create(
        zone=t.za, kind="scitech_space", name="甲空间", floor_area_m2=1, actual_start=MID
    )
    Enterprise.objects.create(
        credit_code="T0000000000000003", name="新经济", zone=t.za, carrier=space,
        is_new_economy=True, settled_on=dt.date(2020, 10, 1),
    )  # fmt: skip
    before, after = dt.date(2020, 9, 30), dt.date(2020, 10, 1)
    assert [_find(t, "scitech_enterprises", t.city, day=d).done for d in (before, after)] == [0, 1]
    assert [_find(t, "scitech_enterprises", t.d1, day=d).done for d in (before, after)] == [0, 1]
