"""Demo data: generated, deterministic from a seed, and labelled 演示 wherever it shows.

It fills what public sources do not give (zones beyond the ~16 that are named, the 5
unconfirmed ecosystems, development stages) so that every page has something to show, and
creates one demo user for each role. The real districts, zones and plan come from the plan
files; run `load_plan` first.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from datetime import date as dt_date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.choices import Role
from accounts.models import Membership, User
from carriers.choices import CARRIER_KIND_ZH, CarrierKind
from carriers.models import (
    Carrier,
    ScheduleStep,
    ScheduleTemplate,
    ServiceCategory,
    ServiceItem,
    ServiceProject,
)
from investment.choices import ChainAction, Tier
from investment.creditcode import CHARSET, check_character
from investment.models import Enterprise, InvestmentProject
from plans import cache, figures
from territory.choices import UnitKind
from territory.models import Ecosystem, Stage, Unit, ZoneShape
from territory.services import save_unit

ZONES_IN_PLAN = 66
ECOSYSTEMS_IN_2020 = 14
DEMO_PASSWORD = "zoneplan-demo"  # noqa: S105 - demo accounts only, printed by seed_demo

DEMO_STAGES = [
    ("demo-stage-1", "起步期（演示）", "Starting (demo)"),
    ("demo-stage-2", "成长期（演示）", "Growing (demo)"),
    ("demo-stage-3", "成熟期（演示）", "Mature (demo)"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit_code: str
    last_name: str
    first_name: str


DEMO_USERS = [
    DemoUser("admin", Role.CITY_ADMIN, "510100", "城市", "管理员（演示）"),
    DemoUser("viewer", Role.CITY_VIEWER, "510100", "市领导", "（演示）"),
    DemoUser("gaoxin", Role.DISTRICT_OFFICER, "hi-tech-zone", "高新区", "统筹员（演示）"),
    DemoUser("jinjiang", Role.DISTRICT_OFFICER, "510104", "锦江区", "统筹员（演示）"),
    DemoUser("xinjingji", Role.ZONE_OFFICER, "z-new-economy", "新经济活力区", "填报员（演示）"),
    DemoUser("bailuwan", Role.ZONE_OFFICER, "z-bailuwan", "白鹭湾", "填报员（演示）"),
]


@transaction.atomic
def seed(*, seed: int = 2020) -> dict:
    """Create or refresh the demo data. Running it twice gives the same database."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    stages = []
    for order, (code, name, name_en) in enumerate(DEMO_STAGES):
        stage, _ = Stage.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "order": order,
                "is_demo": True,
                "source": "演示数据",
            },
        )
        stages.append(stage)

    real_ecosystems = Ecosystem.objects.filter(is_demo=False).count()
    for n in range(real_ecosystems + 1, ECOSYSTEMS_IN_2020 + 1):
        Ecosystem.objects.update_or_create(
            code=f"demo-eco-{n}",
            defaults={
                "name": f"演示生态圈{n}",
                "name_en": f"Demo ecosystem {n}",
                "order": n,
                "is_demo": True,
                "source": "演示数据",
            },
        )
    ecosystems = list(Ecosystem.objects.order_by("order", "code"))

    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("order", "code"))
    real_zones = Unit.objects.filter(kind=UnitKind.ZONE, is_demo=False).count()
    created = 0
    for n in range(1, ZONES_IN_PLAN - real_zones + 1):
        district = rng.choice(districts)
        code = f"demo-zone-{n:02d}"
        zone = Unit.objects.filter(code=code).first() or Unit(code=code)
        zone.kind = UnitKind.ZONE
        zone.parent = district
        zone.name = f"{district.name}演示功能区{n:02d}"
        zone.name_en = f"Demo zone {n:02d} ({district.name_en})"
        zone.is_demo = True
        zone.stage = rng.choice(stages)
        zone.source = "演示数据"
        zone.order = 1000 + n
        created += zone.pk is None
        save_unit(zone)
        zone.ecosystems.set(rng.sample(ecosystems, k=rng.choice([1, 1, 2])))

    _seed_core_areas(rng)
    carriers = _seed_carriers(rng)
    services = _seed_service_projects(rng)
    projects = _seed_investment(rng)
    # Its own stream, so the rest of the demo stays what it was before the pipeline came.
    _seed_pipeline(random.Random(seed * 7 + 1))  # noqa: S311 - reproducible demo data
    _settle_demo_enterprises()
    chain_nodes = _seed_chains(rng)
    _seed_schedule_templates()
    cache.bump()  # the demo is written in bulk, which sends no signals
    figures.forget()  # nor does it move the zone stamps: every zone figure is computed again

    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.last_name, user.first_name = demo.last_name, demo.first_name
        user.is_staff = user.is_superuser = demo.role == Role.CITY_ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        unit = Unit.objects.get(code=demo.unit_code)
        Membership.objects.get_or_create(user=user, unit=unit, role=demo.role)
    opportunities = _seed_opportunities()
    return {
        "zones_created": created,
        "carriers": carriers,
        "service_projects": services,
        "investment_projects": projects,
        "chain_nodes": chain_nodes,
        "opportunities": opportunities,
        "users": DEMO_USERS,
    }


# Floor areas in 万平方米 by kind: (smallest, largest).
CARRIER_SIZES = {
    CarrierKind.SCITECH_SPACE: (2, 30),
    CarrierKind.STANDARD_FACTORY: (2, 25),
    CarrierKind.PROFESSIONAL_BUILDING: (1, 8),
    CarrierKind.TALENT_APARTMENT: (1, 15),
}


def _seed_carriers(rng: random.Random) -> int:
    """3 to 8 demo carriers per zone, started between 2018 and 2021; replaced on each run."""
    Carrier.objects.filter(is_demo=True).delete()
    zones = list(Unit.objects.filter(kind=UnitKind.ZONE).order_by("code"))
    squares = {
        s.zone_id: s.bounds
        for s in ZoneShape.objects.filter(kind=ZoneShape.Kind.CORE_AREA, is_demo=True)
    }
    rows = []
    for zone in zones:
        for n in range(1, rng.randint(3, 8) + 1):
            kind = rng.choice(list(CarrierKind))
            low, high = CARRIER_SIZES[kind]
            area = Decimal(rng.randint(low * 10, high * 10)) * 1000  # m², in steps of 0.1万
            start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 4 * 365))
            planned_start = start - dt.timedelta(days=rng.randint(0, 90))
            build_days = rng.randint(300, 900)
            planned_completion = planned_start + dt.timedelta(days=build_days)
            started = rng.random() < 0.85
            completion = (
                start + dt.timedelta(days=build_days + rng.randint(-60, 240)) if started else None
            )
            if completion and completion > dt.date(2021, 12, 31):
                completion = None
            lon, lat = _demo_point(rng, squares.get(zone.pk))
            rows.append(
                Carrier(
                    longitude=lon,
                    latitude=lat,
                    zone=zone,
                    kind=kind,
                    name=f"演示{CARRIER_KIND_ZH[kind]}{n}号（{zone.name[:8]}）",
                    floor_area_m2=area,
                    developer="演示建设单位",
                    planned_start=planned_start,
                    actual_start=start if started else None,
                    planned_completion=planned_completion,
                    actual_completion=completion,
                    occupancy_rate=Decimal(rng.randint(40, 100)) / 100 if completion else None,
                    is_demo=True,
                    note="演示数据",
                )
            )
    rows += _development_unit_carriers()
    bulk_create_with_history(rows, Carrier, batch_size=1000, default_change_reason="演示数据")
    return len(rows)


def _settle_demo_enterprises() -> None:
    """Some demo new-economy enterprises settle in a demo sci-tech space of their zone (their
    own random stream, so the rest of the demo stays as it was)."""
    rng = random.Random("settled-enterprises")  # noqa: S311 - reproducible demo data
    spaces: dict[int, list] = {}
    for space in Carrier.objects.filter(is_demo=True, kind=CarrierKind.SCITECH_SPACE).order_by(
        "pk"
    ):
        spaces.setdefault(space.zone_id, []).append(space)
    settled = []
    for enterprise in Enterprise.objects.filter(is_demo=True).order_by("credit_code"):
        choices = spaces.get(enterprise.zone_id)
        if choices and rng.random() < 0.5:
            enterprise.carrier = rng.choice(choices)
            enterprise.is_new_economy = True
            # Settled before the figures the tests and pages look at (mid-2020 on).
            enterprise.settled_on = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 880))
            settled.append(enterprise)
    Enterprise.objects.bulk_update(settled, ["carrier", "is_new_economy", "settled_on"])


def _development_unit_carriers() -> list:
    """Sci-tech space in the nine development units, where the plan sets 20万 m² each: one to
    three demo buildings of 5万–12万 m², started 2019–2020 (its own random stream, so the zones'
    demo data stays as it was)."""
    rng = random.Random("development-units")  # noqa: S311 - reproducible demo data
    rows = []
    for unit in Unit.objects.filter(kind=UnitKind.DEVELOPMENT_UNIT).order_by("code"):
        for n in range(1, rng.randint(1, 3) + 1):
            start = dt.date(2019, 3, 1) + dt.timedelta(days=rng.randint(0, 640))
            rows.append(
                Carrier(
                    zone=unit,
                    kind=CarrierKind.SCITECH_SPACE,
                    name=f"演示科创空间{n}号（{unit.name[:8]}）",
                    floor_area_m2=Decimal(rng.randint(50, 120)) * 1000,
                    developer="演示建设单位",
                    planned_start=start - dt.timedelta(days=rng.randint(0, 60)),
                    actual_start=start,
                    planned_completion=start + dt.timedelta(days=rng.randint(400, 800)),
                    is_demo=True,
                    note="演示数据",
                )
            )
    return rows


SERVICE_CATEGORIES_IN_PLAN = 8
SERVICE_ITEMS_IN_PLAN = 18


def _seed_service_projects(rng: random.Random) -> int:
    """Demo categories up to 8 and demo items up to 18 (the plan gives their number, not their
    names), then 2 to 6 demo service projects per zone; replaced on each run."""
    ServiceProject.objects.filter(is_demo=True).delete()
    real = ServiceCategory.objects.filter(is_demo=False).count()
    for n in range(real + 1, SERVICE_CATEGORIES_IN_PLAN + 1):
        ServiceCategory.objects.update_or_create(
            code=f"demo-category-{n}",
            defaults={
                "name": f"演示类别{n}",
                "name_en": f"Demo category {n}",
                "order": n,
                "is_demo": True,
                "source": "演示数据",
            },
        )
    categories = list(ServiceCategory.objects.order_by("order", "code"))
    for n in range(1, SERVICE_ITEMS_IN_PLAN + 1):
        category = categories[(n - 1) % len(categories)]
        ServiceItem.objects.update_or_create(
            code=f"demo-item-{n:02d}",
            defaults={
                "category": category,
                "name": f"演示项目类型{n:02d}",
                "name_en": f"Demo item {n:02d}",
                "order": n,
                "is_demo": True,
                "source": "演示数据",
            },
        )
    items = list(ServiceItem.objects.order_by("code"))
    rows = []
    for zone in Unit.objects.filter(kind=UnitKind.ZONE).order_by("code"):
        for n in range(1, rng.randint(2, 6) + 1):
            item = rng.choice(items)
            start = (
                dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
                if rng.random() < 0.8
                else None
            )
            done = (
                start + dt.timedelta(days=rng.randint(200, 700))
                if start and rng.random() < 0.5
                else None
            )
            rows.append(
                ServiceProject(
                    zone=zone,
                    item=item,
                    name=f"演示公服项目{n}号（{zone.name[:8]}）",
                    investment_yuan=Decimal(rng.randint(500, 50_000)) * 10_000,
                    actual_start=start,
                    actual_completion=done if done and done <= dt.date(2021, 12, 31) else None,
                    developer="演示建设单位",
                    is_demo=True,
                    note="演示数据",
                )
            )
    bulk_create_with_history(
        rows, ServiceProject, batch_size=1000, default_change_reason="演示数据"
    )
    return len(rows)


def _demo_credit_code(rng: random.Random) -> str:
    """A well-formed code (valid check character) for a demo enterprise; not a real one."""
    body = (
        "915101"
        + "".join(rng.choice(CHARSET[:10]) for _ in range(2))
        + "".join(rng.choice(CHARSET) for _ in range(9))
    )
    return body + check_character(body)


def _seed_investment(rng: random.Random) -> int:
    """120 demo enterprises and 3 to 7 demo projects per zone, some enterprises pursued by two
    zones at once (collaborative attraction); replaced on each run."""
    InvestmentProject.objects.filter(is_demo=True).delete()
    Enterprise.objects.filter(is_demo=True).delete()
    zones = list(Unit.objects.filter(kind=UnitKind.ZONE).order_by("code"))
    enterprises = []
    for n in range(1, 121):
        enterprises.append(
            Enterprise(
                credit_code=_demo_credit_code(rng),
                name=f"演示企业{n:03d}有限公司",
                zone=rng.choice(zones),
                is_scitech=rng.random() < 0.4,
                is_new_economy=rng.random() < 0.3,
                is_unicorn=rng.random() < 0.05,
                is_fortune500=rng.random() < 0.1,
                is_rd_institution=rng.random() < 0.1,
                is_demo=True,
                note="演示数据",
            )
        )
    bulk_create_with_history(
        enterprises, Enterprise, batch_size=500, default_change_reason="演示数据"
    )
    enterprises = list(Enterprise.objects.filter(is_demo=True).order_by("credit_code"))
    tiers = [Tier.TOP500, Tier.SEGMENT_LEADER, Tier.CORE_SUPPLIER, Tier.OTHER, Tier.OTHER]
    rows = []
    squares = {
        s.zone_id: s.bounds
        for s in ZoneShape.objects.filter(kind=ZoneShape.Kind.CORE_AREA, is_demo=True)
    }
    for zone in zones:
        for n in range(1, rng.randint(3, 7) + 1):
            longitude, latitude = _demo_point(rng, squares.get(zone.pk))
            lead = dt.date(2019, 6, 1) + dt.timedelta(days=rng.randint(0, 700))
            dates = [lead]
            for _ in range(rng.randint(0, 4)):
                dates.append(dates[-1] + dt.timedelta(days=rng.randint(20, 200)))
            dates = [d if d <= dt.date(2021, 12, 31) else None for d in dates] + [None] * (
                5 - len(dates)
            )
            rows.append(
                InvestmentProject(
                    zone=zone,
                    longitude=longitude,
                    latitude=latitude,
                    name=f"演示招商项目{n}号（{zone.name[:8]}）",
                    enterprise=rng.choice(enterprises),
                    tier=rng.choice(tiers),
                    chain_action=rng.choice(list(ChainAction)),
                    chain="演示产业链",
                    investment_yuan=Decimal(rng.randint(1, 300)) * 10_000_000,
                    lead_on=dates[0],
                    negotiating_on=dates[1],
                    signed_on=dates[2],
                    started_on=dates[3],
                    production_on=dates[4],
                    is_demo=True,
                    note="演示数据",
                )
            )
    bulk_create_with_history(
        rows, InvestmentProject, batch_size=1000, default_change_reason="演示数据"
    )
    return len(rows)


def _seed_pipeline(rng: random.Random) -> None:
    """Each signed demo project gets a contract production day and, mostly, capital in place
    in one to three parts of its investment; replaced on each run."""
    from investment.models import CapitalArrival

    CapitalArrival.objects.filter(is_demo=True).delete()
    signed = list(
        InvestmentProject.objects.filter(is_demo=True, signed_on__isnull=False).order_by("pk")
    )
    arrivals = []
    for project in signed:
        project.contract_production_on = project.signed_on + dt.timedelta(
            days=rng.randint(240, 720)
        )
        if not project.investment_yuan or rng.random() < 0.2:
            continue
        on = project.signed_on
        for _part in range(rng.randint(1, 3)):
            on += dt.timedelta(days=rng.randint(20, 160))
            if on > dt.date(2021, 12, 31):
                break
            share = Decimal(rng.randint(5, 30)) / 100
            arrivals.append(
                CapitalArrival(
                    project=project,
                    on=on,
                    amount_yuan=(project.investment_yuan * share).quantize(Decimal(1)),
                    note="演示数据",
                    is_demo=True,
                )
            )
    InvestmentProject.objects.bulk_update(signed, ["contract_production_on"], batch_size=1000)
    bulk_create_with_history(
        arrivals, CapitalArrival, batch_size=1000, default_change_reason="演示数据"
    )


DEMO_CHAINS = Path(__file__).resolve().parent.parent / "chains/data/chains-demo.yaml"


def _seed_chains(rng: random.Random) -> int:
    """The demo chains (one per confirmed ecosystem, all 演示), each demo enterprise on one to
    three nodes of its zone's chains (one in ten a chain leader), and most demo projects on a
    node; replaced on each run."""
    from chains.models import ChainNode, NodeEnterprise, NodeProject
    from chains.services import load_chain_files

    NodeEnterprise.objects.filter(is_demo=True).delete()
    NodeProject.objects.filter(is_demo=True).delete()
    load_chain_files(paths=[DEMO_CHAINS])
    leaves: dict[int, list[int]] = {}  # ecosystem → leaf nodes of its chains
    for pk, ecosystem in (
        ChainNode.objects.filter(chain__is_demo=True, children__isnull=True)
        .order_by("chain__order", "chain__code", "order")
        .values_list("pk", "chain__ecosystem_id")
    ):
        leaves.setdefault(ecosystem, []).append(pk)
    zone_ecosystems: dict[int, list[int]] = {}
    for zone_id, ecosystem in Unit.ecosystems.through.objects.order_by(
        "unit_id", "ecosystem_id"
    ).values_list("unit_id", "ecosystem_id"):
        if ecosystem in leaves:
            zone_ecosystems.setdefault(zone_id, []).append(ecosystem)
    mapped = []
    for enterprise in Enterprise.objects.filter(is_demo=True).order_by("credit_code"):
        choices = [n for e in zone_ecosystems.get(enterprise.zone_id, []) for n in leaves[e]]
        if not choices:
            continue
        for node in rng.sample(choices, k=min(len(choices), rng.randint(1, 3))):
            mapped.append(
                NodeEnterprise(
                    node_id=node,
                    enterprise=enterprise,
                    is_leader=rng.random() < 0.1,
                    is_demo=True,
                    note="演示数据",
                )
            )
    bulk_create_with_history(
        mapped, NodeEnterprise, batch_size=1000, default_change_reason="演示数据"
    )
    serving = []
    for project in InvestmentProject.objects.filter(is_demo=True).order_by("zone_id", "name"):
        choices = [n for e in zone_ecosystems.get(project.zone_id, []) for n in leaves[e]]
        if choices and rng.random() < 0.6:
            serving.append(NodeProject(node_id=rng.choice(choices), project=project, is_demo=True))
    bulk_create_with_history(
        serving, NodeProject, batch_size=1000, default_change_reason="演示数据"
    )
    _seed_attraction_lists(rng, leaves, zone_ecosystems)
    return len(mapped)


DEMO_REASONS = [
    "补链：本地尚无该环节企业（演示）",
    "强链：该环节企业偏少（演示）",
    "延链：链主企业配套需求（演示）",
]


def _seed_attraction_lists(rng: random.Random, leaves, zone_ecosystems) -> None:
    """Two to four demo target enterprises per zone that has chains, on its chains' nodes,
    some already in talks as one of the zone's demo projects; replaced on each run."""
    from chains.models import AttractionTarget

    AttractionTarget.objects.filter(is_demo=True).delete()
    projects: dict[int, list] = {}
    for project in InvestmentProject.objects.filter(is_demo=True).order_by("name"):
        projects.setdefault(project.zone_id, []).append(project)
    rows = []
    number = 0
    for zone_id in sorted(zone_ecosystems):
        choices = [n for e in zone_ecosystems[zone_id] for n in leaves[e]]
        # Most zones last adjusted their list in 2020; some not since 2019 (the chain-maps
        # commitment then names them).
        year = 2020 if rng.random() < 0.85 else 2019
        adjusted = timezone.make_aware(
            dt.datetime(year, 1, 15, 10) + dt.timedelta(days=rng.randint(0, 300))
        )
        for node in rng.sample(choices, k=min(len(choices), rng.randint(2, 4))):
            number += 1
            in_talks = projects.get(zone_id) if rng.random() < 0.3 else None
            row = AttractionTarget(
                zone_id=zone_id,
                node_id=node,
                enterprise_name=f"演示目标企业{number:03d}有限公司",
                reason=rng.choice(DEMO_REASONS),
                follower="招商专班（演示）",
                project=rng.choice(in_talks) if in_talks else None,
                next_step="上门拜访并对接需求（演示）",
                due_on=dt.date(2020, 6, 30) + dt.timedelta(days=rng.randint(0, 180)),
                is_demo=True,
                note="演示数据",
            )
            row._history_date = adjusted  # simple_history's bulk create reads it per row
            rows.append(row)
    bulk_create_with_history(
        rows, AttractionTarget, batch_size=1000, default_change_reason="演示数据"
    )


# Demo milestones: (name, working days, recorded as). Durations are configuration an
# administrator sets; these are placeholders, labelled 演示.
DEMO_STEPS = [
    ("项目立项（演示）", 20, ""),
    ("规划及施工许可（演示）", 40, ""),
    ("开工（演示）", 5, "actual_start"),
    ("主体施工（演示）", 180, ""),
    ("竣工验收（演示）", 20, "actual_completion"),
]


def _seed_schedule_templates() -> None:
    for kind in CarrierKind:
        template, _ = ScheduleTemplate.objects.update_or_create(
            kind=kind,
            defaults={"name": f"{CARRIER_KIND_ZH[kind]}倒排工期模板（演示）", "is_demo": True},
        )
        if not template.is_demo:
            continue
        template.steps.all().delete()
        previous = None
        for order, (name, days, tracks) in enumerate(DEMO_STEPS, start=1):
            previous = ScheduleStep.objects.create(
                template=template,
                order=order,
                name=name,
                working_days=days,
                predecessor=previous,
                tracks=tracks,
            )


# Demo core areas: a square of about 1 km² per zone on a grid around the city centre, each
# 0.03° from the next so none overlap. Generated, not the zones' real core areas: labelled 演示.
GRID_ORIGIN = (103.93, 30.55)
GRID_STEP = 0.03
SQUARE = (0.0104, 0.009)  # degrees of longitude and latitude: ~1.0 km × 1.0 km at 30.6°N


def _square(index: int) -> tuple[float, float, float, float]:
    column, row = index % 9, index // 9
    west = GRID_ORIGIN[0] + column * GRID_STEP
    south = GRID_ORIGIN[1] + row * GRID_STEP
    return west, south, west + SQUARE[0], south + SQUARE[1]


def _seed_core_areas(rng: random.Random) -> None:
    from shapely.geometry import box

    from territory.services import save_shape

    ZoneShape.objects.filter(is_demo=True).delete()
    for index, zone in enumerate(Unit.objects.filter(kind=UnitKind.ZONE).order_by("code")):
        if rng.random() < 0.2:
            continue  # some zones have not delineated theirs
        _seed_scenes(rng, zone, _square(index))
        shape = save_shape(
            zone=zone,
            kind=ZoneShape.Kind.CORE_AREA,
            geometry=box(*_square(index)),
            crs="wgs84",
            delineated_on=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(30, 360)),
            note="演示数据",
        )
        ZoneShape.objects.filter(pk=shape.pk).update(is_demo=True)


def _demo_point(rng: random.Random, bounds) -> tuple[Decimal | None, Decimal | None]:
    """Seven in ten demo carriers inside their zone's core area, the rest around it."""
    if bounds is None:
        return None, None
    west, south, east, north = bounds
    if rng.random() < 0.7:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
    else:
        lon, lat = rng.uniform(west - 0.01, east + 0.01), rng.uniform(south - 0.01, north + 0.01)
    return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")


def _seed_scenes(rng: random.Random, zone, square) -> None:
    """Zero to three demo scenes inside a demo core area; some zones lack a kind."""
    from territory.models import Scene

    Scene.objects.filter(zone=zone, is_demo=True).delete()
    west, south, east, north = square
    for n, kind in enumerate(rng.sample(list(Scene.Kind), k=rng.randint(0, 3)), start=1):
        # Their own stream for the date, so that the rest of the demo stays as it was.
        shown = random.Random(f"scene-{zone.code}-{n}")  # noqa: S311 - reproducible demo data
        Scene.objects.create(
            shown_from=dt.date(2019, 1, 1) + dt.timedelta(days=shown.randint(0, 510)),
            zone=zone,
            kind=kind,
            name=f"演示{Scene.Kind(kind).label}{n}",
            is_demo=True,
            longitude=Decimal(f"{rng.uniform(west, east):.6f}"),
            latitude=Decimal(f"{rng.uniform(south, north):.6f}"),
        )


# What demo opportunities seek, by field: generated wording, labelled 演示.
DEMO_OPPORTUNITY_SUBJECTS = {
    "ai-plus": ("人工智能视觉质检场景", "具备工业视觉识别与边缘计算能力的企业"),
    "5g-plus": ("5G专网园区应用", "5G专网建设与运营服务商"),
    "digital-ai": ("城市数据开放应用", "数据治理与新一代人工智能算法团队"),
    "medical-data-ai": ("医疗影像辅助诊断", "医疗大数据与AI影像企业"),
    "5g-audiovisual": ("超高清网络视听制作基地", "网络视听内容与制作机构"),
    "supply-chain": ("多式联运供应链服务", "供应链管理与跨境物流企业"),
}


def _seed_opportunities() -> int:
    """Demo opportunity lists, replaced on each run: published ones in about a third of the
    zones (published in 2020, so the 2020 commitment shows partial progress), and in 成都新经济
    活力区 a draft and one awaiting its district's review, so the demo reviewer has work."""
    import datetime as dt

    from django.utils import timezone

    from core import richtext
    from core.textsearch import index_text
    from opportunities.models import Field, Kind, Opportunity, Step, Version

    Opportunity.objects.filter(is_demo=True).delete()
    rng = random.Random("opportunities")  # noqa: S311 - reproducible demo data
    fields = list(Field.objects.order_by("order", "code"))
    kinds = list(Kind.objects.order_by("order", "code"))
    if not fields or not kinds:  # the reference rows of opportunities.migrations.0002
        return 0
    zones = list(Unit.objects.filter(kind=UnitKind.ZONE).order_by("order", "code"))
    chosen = sorted(rng.sample(zones, k=len(zones) // 3), key=lambda z: (z.order, z.code))
    new_economy = Unit.objects.filter(code="z-new-economy").first()
    if new_economy is not None and new_economy not in chosen:
        chosen.append(new_economy)
    made = 0
    for n, zone in enumerate(chosen, start=1):
        for k in range(rng.choice([1, 1, 2])):
            field = rng.choice(fields)
            subject, sought = DEMO_OPPORTUNITY_SUBJECTS.get(field.code, ("应用场景", "相关企业"))
            day = dt.date(2020, 3, 1) + dt.timedelta(days=(n * 5 + k * 17) % 280)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
            opportunity = Opportunity.objects.create(unit=zone, is_demo=True)
            description = (
                f"<p>（演示）{zone.name}面向社会征集{subject}合作方，"
                f"共同打造{field.name}应用场景。</p>"
            )
            version = Version.objects.create(
                opportunity=opportunity,
                number=1,
                status="published",
                title=f"演示：{zone.name} · {subject}",
                kind=rng.choice(kinds),
                field=field,
                description=description,
                sought=sought,
                amount_yuan=Decimal(rng.randrange(100, 5000)) * 10_000,
                deadline=dt.date(2027, 6, 30) if rng.random() < 0.6 else dt.date(2020, 12, 31),
                contact_role="投资促进部门（演示）",
                published_at=at,
                search_text=index_text(
                    f"演示：{zone.name} · {subject}",
                    richtext.plain(description),
                    sought,
                    field.name,
                ),
            )
            Opportunity.objects.filter(pk=opportunity.pk).update(published=version)
            for action, level in (("submit", ""), ("approve", "district"), ("approve", "city")):
                Step.objects.create(version=version, action=action, level=level)
            Step.objects.create(version=version, action="publish")
            Step.objects.filter(version=version).update(at=at)
            made += 1
    made += _seed_scenarios()
    if new_economy is not None:
        field = Field.objects.get(code="5g-audiovisual")
        for title, status in (
            ("演示：网络视听产业园招商（草稿）", "draft"),
            ("演示：5G直播基地合作（待区级审核）", "in_review"),
        ):
            opportunity = Opportunity.objects.create(unit=new_economy, is_demo=True)
            pending = Version.objects.create(
                opportunity=opportunity,
                number=1,
                status=status,
                awaiting="district" if status == "in_review" else "",
                title=title,
                kind=kinds[0],
                field=field,
                description="<p>（演示）待审核的机会，公众看不到。</p>",
                sought="网络视听企业",
                deadline=dt.date(2027, 6, 30),
                contact_role="新经济发展部门（演示）",
            )
            if status == "in_review":
                Step.objects.create(version=pending, action="submit")
            made += 1
    return made


# Demo scenario IPs in two of the zones the plan names: one published in 2020, one still being
# shaped, so the embeddings show both states. Generated names, labelled 演示.
DEMO_SCENARIOS = [
    ("z-science-city", "演示：科学城智算开放场景", "digital-ai", dt_date(2020, 6, 1)),
    ("z-railway-port", "演示：国际班列供应链服务场景", "supply-chain", None),
]


def _seed_scenarios() -> int:
    import datetime as dt

    from django.utils import timezone

    from opportunities.models import Field, Scenario

    Scenario.objects.filter(is_demo=True).delete()
    made = 0
    for code, name, field, published_on in DEMO_SCENARIOS:
        zone = Unit.objects.filter(code=code).first()
        if zone is None:
            continue
        at = timezone.make_aware(dt.datetime(2020, 3, 1, 10))
        scenario = Scenario(
            zone=zone,
            name=name,
            field=Field.objects.get(code=field),
            description=f"<p>（演示）{zone.name}的{name.removeprefix('演示：')}。</p>",
            status="building",
            is_demo=True,
        )
        scenario._history_date = at
        scenario.save()
        if published_on is not None:
            scenario.published_at = timezone.make_aware(
                dt.datetime.combine(published_on, dt.time(10))
            )
            scenario._history_date = scenario.published_at
            scenario.save()
        made += 1
    return made
