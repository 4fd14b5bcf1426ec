from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunity lists")

    def ready(self) -> None:
        from plans import figures
        from plans.cache import watch

        from .commitment_rules import register_all
        from .models import Opportunity, Scenario, Step, Version

        watch(Opportunity, Version, Step, Scenario)
        figures.track(Scenario, lambda s: [s.zone_id])
        register_all()
        # A publication counts for its issuing unit, which never changes.
        figures.track(
            Step,
            lambda s: [
                Version.objects.filter(pk=s.version_id)
                .values_list("opportunity__unit_id", flat=True)
                .first()
            ],
            moves=False,
        )
