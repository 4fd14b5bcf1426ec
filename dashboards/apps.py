from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from assessment.sources import Source, register

        register(
            "core_area_share",
            Source("核心起步区内的载体建筑面积占比", _core_area_share, measure="ratio"),
        )
        from .commitment_rules import register_all

        register_all()
        from core.bulk import rows_written

        from .warm import after_bulk_write

        rows_written.connect(after_bulk_write, weak=False, dispatch_uid="dashboards-warm-up")


def _core_area_share(zones, *, start, day) -> dict[int, float]:
    """The share of a zone's located carriers' floor area inside its core area: 0 without a
    core area, missing (NaN) when it has no located carrier to judge by."""
    from .geo import core_area_shares

    shares = core_area_shares([z.pk for z in zones])
    out = {}
    for zone in zones:
        found = shares.get(zone.pk)
        if found is None:
            out[zone.pk] = 0.0
        else:
            out[zone.pk] = float("nan") if found["share_area"] is None else found["share_area"]
    return out
