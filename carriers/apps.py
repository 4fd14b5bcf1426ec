from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarriersConfig(AppConfig):
    name = "carriers"
    verbose_name = _("Carriers")

    def ready(self) -> None:
        from plans.cache import watch

        from .measures import register_all
        from .models import Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform

        register_all()
        watch(Carrier, ServiceCategory, ServiceItem, ServiceProject, TechPlatform)
