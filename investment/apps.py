from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = _("Investment attraction")

    def ready(self) -> None:
        from core.tabular import catalogue
        from plans.cache import watch

        from .measures import register_all
        from .models import Enterprise, InvestmentProject

        register_all()
        from .commitment_rules import register_all as register_rules

        register_rules()
        watch(Enterprise, InvestmentProject)
        from carriers.models import Carrier
        from plans import figures

        figures.track(InvestmentProject, lambda p: [p.zone_id])
        from .models import CapitalArrival

        figures.track(
            CapitalArrival,
            lambda a: InvestmentProject.objects.filter(pk=a.project_id).values_list(
                "zone_id", flat=True
            ),
        )
        watch(CapitalArrival)
        # An enterprise counts for its zone and for the zone of the carrier it settled in.
        figures.track(
            Enterprise,
            lambda e: [
                e.zone_id,
                *Carrier.objects.filter(pk=e.carrier_id).values_list("zone_id", flat=True),
            ],
        )
        catalogue.register("enterprises", "investment.views.ENTERPRISE_PAGES")
        catalogue.register("investment_projects", "investment.views.PROJECT_PAGES")
