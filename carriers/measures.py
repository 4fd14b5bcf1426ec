"""What the carriers registry tells the plan: registered with plans.measures at start-up.

Each counting rule reads the carrier's dates on the day asked about (see carriers.status)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from plans.measures import Drivers, Measure, first_per_zone, register

from .choices import CarrierKind
from .models import Carrier, ServiceProject


def _area_by_zone(qs) -> dict[int, Decimal]:
    return {
        zone: total or Decimal(0)
        for zone, total in qs.values("zone_id")
        .annotate(t=Sum("floor_area_m2"))
        .values_list("zone_id", "t")
    }


def _count_by_zone(qs) -> dict[int, Decimal]:
    return {
        zone: Decimal(n)
        for zone, n in qs.values("zone_id").annotate(n=Count("pk")).values_list("zone_id", "n")
    }


def begun(day: dt.date) -> Q:
    """Started or completed by `day`: the plan's 新开工、续建及已建成."""
    return Q(actual_start__lte=day) | Q(actual_completion__lte=day)


def scitech_spaces_begun(holders, day: dt.date):
    """The sci-tech spaces in `holders` started or built by `day` (what the plan's commitments
    about platforms and enterprises in sci-tech spaces count)."""
    return Carrier.objects.filter(zone__in=holders, kind=CarrierKind.SCITECH_SPACE).filter(
        begun(day)
    )


def _not_begun(day: dt.date) -> Q:
    return ~begun(day)


def _due_to_start(deadline: dt.date) -> Q:
    """Scheduled (or, seen from a past day, known) to start by the deadline."""
    return Q(planned_start__lte=deadline) | Q(actual_start__lte=deadline)


def _describe(model, pks, *, why: str, since: str) -> list[dict]:
    """The items `pks` (in that order) as a shortfall's drivers: name, zone, link, why."""
    items = model.objects.select_related("zone").in_bulk(pks)
    url = "carrier_detail" if model is Carrier else "service_detail"
    return [
        {
            "name": item.name,
            "zone": item.zone.name,
            "url": reverse(url, args=[item.pk]),
            "why": gettext(why) % {"day": getattr(item, since)},
            "since": getattr(item, since),
        }
        for item in (items[pk] for pk in pks if pk in items)
    ]


def _late_starts(model, **only) -> Drivers:
    """Items whose planned start has passed without a start: what drives a shortfall."""

    def late_by_zone(units, *, day, deadline):
        late = model.objects.filter(zone__in=units, **only, planned_start__lte=day)
        return first_per_zone(late.filter(_not_begun(day)), "planned_start")

    def describe(pks, *, day, deadline):
        return _describe(
            model, pks, why=gettext_noop("Planned to start on %(day)s; not started"),
            since="planned_start",
        )  # fmt: skip

    return Drivers(late_by_zone, describe)


def _floor_area(kind: str, counted):
    def by_zone(zones, *, start, day):
        return _area_by_zone(
            Carrier.objects.filter(zone__in=zones, kind=kind).filter(counted(start, day))
        )

    def pipeline_by_zone(zones, *, start, day, deadline):
        pending = Carrier.objects.filter(zone__in=zones, kind=kind).exclude(counted(start, day))
        return _area_by_zone(pending.filter(_due_to_start(deadline)))

    return by_zone, pipeline_by_zone, _late_starts(Carrier, kind=kind)


def _begun_rule(start, day):
    return begun(day)


def _built_in_period(start, day):
    """Under construction at some point of the period: started by `day` and not completed
    before the period began (the plan's 年度…建设)."""
    return Q(actual_start__lte=day) & (
        Q(actual_completion__isnull=True) | Q(actual_completion__gte=start)
    )


def _completed_buildings(zones, *, start, day):
    return _count_by_zone(
        Carrier.objects.filter(
            zone__in=zones,
            kind=CarrierKind.PROFESSIONAL_BUILDING,
            actual_completion__gte=start,
            actual_completion__lte=day,
        )
    )


def _buildings_pipeline(zones, *, start, day, deadline):
    pending = Carrier.objects.filter(zone__in=zones, kind=CarrierKind.PROFESSIONAL_BUILDING).filter(
        Q(actual_completion__isnull=True) | Q(actual_completion__gt=day)
    )
    return _count_by_zone(
        pending.filter(Q(planned_completion__lte=deadline) | Q(actual_completion__lte=deadline))
    )


def _late_buildings(units, *, day, deadline):
    late = Carrier.objects.filter(
        zone__in=units, kind=CarrierKind.PROFESSIONAL_BUILDING, planned_completion__lte=day
    ).filter(Q(actual_completion__isnull=True) | Q(actual_completion__gt=day))
    return first_per_zone(late, "planned_completion")


def _describe_buildings(pks, *, day, deadline):
    return _describe(
        Carrier, pks, why=gettext_noop("Planned to be completed on %(day)s; not completed"),
        since="planned_completion",
    )  # fmt: skip


def _services(zones, *, start, day):
    return _count_by_zone(ServiceProject.objects.filter(zone__in=zones).filter(begun(day)))


def _services_pipeline(zones, *, start, day, deadline):
    return _count_by_zone(
        ServiceProject.objects.filter(zone__in=zones)
        .filter(_not_begun(day))
        .filter(_due_to_start(deadline))
    )


def register_all() -> None:
    for code, kind, rule, source in (
        (
            "scitech_space_floor_area",
            CarrierKind.SCITECH_SPACE,
            _begun_rule,
            "高品质科创空间：到当日已开工（新开工、续建）或已建成的建筑面积",
        ),
        (
            "standard_factory_floor_area",
            CarrierKind.STANDARD_FACTORY,
            _begun_rule,
            "标准厂房：到当日在建或已建成的建筑面积",
        ),
        (
            "talent_apartment_floor_area",
            CarrierKind.TALENT_APARTMENT,
            _built_in_period,
            "人才公寓：计划期内在建（到当日已开工、且未在计划期前竣工）的建筑面积",
        ),
    ):
        by_zone, pipeline, drivers = _floor_area(kind, rule)
        register(
            code,
            Measure(
                by_zone=by_zone,
                pipeline_by_zone=pipeline,
                drivers=drivers,
                source=source,
                reads=("carriers.Carrier",),
            ),
        )
    register(
        "professional_buildings_completed",
        Measure(
            by_zone=_completed_buildings,
            pipeline_by_zone=_buildings_pipeline,
            drivers=Drivers(_late_buildings, _describe_buildings),
            source="专业楼宇：计划期内竣工的栋数",
            reads=("carriers.Carrier",),
        ),
    )
    register(
        "service_projects_underway",
        Measure(
            by_zone=_services,
            pipeline_by_zone=_services_pipeline,
            drivers=_late_starts(ServiceProject),
            source="公共服务配套项目：到当日已开工或已建成的个数",
            reads=("carriers.ServiceProject",),
        ),
    )
