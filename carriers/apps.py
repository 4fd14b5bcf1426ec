from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarriersConfig(AppConfig):
    name = "carriers"
    verbose_name = _("Carriers")

    def ready(self) -> None:
        from core.tabular import catalogue
        from plans.cache import watch

        from .measures import register_all
        from .models import Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform

        register_all()
        from .commitment_rules import register_all as register_rules

        register_rules()
        watch(Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform)
        from plans import figures

        figures.track(Carrier, lambda c: [c.zone_id])
        figures.track(ServiceProject, lambda p: [p.zone_id])
        figures.track(
            TechPlatform,
            lambda p: Carrier.objects.filter(pk=p.carrier_id).values_list("zone_id", flat=True),
        )
        catalogue.register("carriers", "carriers.views.PAGES")
        catalogue.register("platforms", "carriers.views.PLATFORM_PAGES")
        catalogue.register("service_projects", "carriers.views.SERVICE_PAGES")
