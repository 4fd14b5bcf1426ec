from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from territory.models import Scene, Unit, UnitSuccession, UnitVersion, ZoneShape

        from . import figures
        from .cache import watch
        from .models import Indicator, Milestone, Plan, ReportedValue, Target

        watch(Unit, ZoneShape, Plan, Target, Milestone, Indicator, ReportedValue)
        figures.track(ReportedValue, lambda v: [v.unit_id])
        figures.track(ZoneShape, lambda s: [s.zone_id])
        figures.track(Scene, lambda s: [s.zone_id])
        # The tree of a day is kept per process under these stamps (plans.progress.shared_tree).
        for model in (Unit, UnitVersion, UnitSuccession):
            figures.track(model, lambda _obj: [figures.ALL], moves=False)
        from .commitment_rules import register_all

        register_all()
