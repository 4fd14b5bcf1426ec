"""One item of every registry in a zone, named after it: what the URL walk and the registry-wide
tests need."""

from __future__ import annotations

import zlib

from carriers.models import Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform
from chains.models import AttractionTarget, Chain, ChainNode
from investment.creditcode import check_character
from investment.models import Enterprise, InvestmentProject

# URL prefix of each registry → the key of its item in `registry_items`
REGISTRY_KEYS = {
    "carrier": "carrier",
    "platform": "platform",
    "service": "service",
    "enterprise": "enterprise",
    "project": "project",
    "target": "target",
}


def registry_items(zone) -> dict:
    """A carrier, a tech platform in it, a public service project, an enterprise and an
    investment project in `zone`, each named 巡检…-<zone code>."""
    tag = zone.code
    carrier = Carrier.objects.create(
        zone=zone, kind="scitech_space", name=f"巡检载体-{tag}", floor_area_m2=100
    )
    body = f"91510100MA6C{zlib.crc32(tag.encode()) % 100000:05d}"
    item, _created = ServiceItem.objects.get_or_create(
        code="t-walk",
        defaults={"category": ServiceCategory.objects.get(code="medical"), "name": "巡检医院"},
    )
    return {
        "carrier": carrier,
        "platform": TechPlatform.objects.create(
            carrier=carrier, kind="pilot_testing", name=f"巡检平台-{tag}"
        ),
        "service": ServiceProject.objects.create(zone=zone, item=item, name=f"巡检医院-{tag}"),
        "enterprise": Enterprise.objects.create(
            zone=zone, credit_code=body + check_character(body), name=f"巡检公司-{tag}"
        ),
        "project": InvestmentProject.objects.create(
            zone=zone, name=f"巡检项目-{tag}", tier="core_supplier"
        ),
        "target": AttractionTarget.objects.create(
            zone=zone,
            node=_walk_node(),
            enterprise_name=f"巡检目标-{tag}",
            reason="巡检",
            follower="巡检组",
        ),
    }


def _walk_node():
    """The node the walk's attraction targets stand on (one chain for every zone)."""
    chain, _created = Chain.objects.get_or_create(code="t-walk", defaults={"name": "巡检链"})
    node, _created = ChainNode.objects.get_or_create(
        chain=chain, code="n", defaults={"name": "巡检节点", "segment": "upstream"}
    )
    return node


def assessment_run(zones, user, *, year: int = 2020, samples: int = 20):
    """A finished assessment of just `zones` under the shipped scheme (fast: a few zones)."""
    from assessment.models import Run, Scheme
    from assessment.services import compute, gather

    scheme = Scheme.objects.get(code="default-2020")
    run = Run.objects.create(year=year, samples=samples, started_by=user)
    return compute(run.pk, gather(year, samples, {scheme.code: list(zones)}))


def city_briefing(client, url: str, params: dict | None = None):
    """The whole city's briefing: the link answers with its job's page (the job runs at once in
    tests), and the job's file is the briefing."""
    response = client.get(url, params or {})
    assert response.status_code == 302 and "/jobs/" in response["Location"], response
    file = client.get(response["Location"] + "file")
    assert file.status_code == 200, file
    return file
