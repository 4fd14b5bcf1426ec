"""Demo data: generated, deterministic from a seed, and labelled 演示 wherever it shows.

It fills what public sources do not give (zones beyond the ~16 that are named, the 5
unconfirmed ecosystems, development stages) so that every page has something to show, and
creates one demo user for each role. The real districts, zones and plan come from the plan
files; run `load_plan` first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from accounts.choices import Role
from accounts.models import Membership, User
from territory.choices import UnitKind
from territory.models import Ecosystem, Stage, Unit
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

    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.last_name, user.first_name = demo.last_name, demo.first_name
        user.is_staff = user.is_superuser = demo.role == Role.CITY_ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        unit = Unit.objects.get(code=demo.unit_code)
        Membership.objects.get_or_create(user=user, unit=unit, role=demo.role)
    return {"zones_created": created, "users": DEMO_USERS}
