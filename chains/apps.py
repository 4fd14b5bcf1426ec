from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "chains"
    verbose_name = _("Industrial chains")

    def ready(self) -> None:
        from plans.cache import watch

        from .models import Chain, ChainLink, ChainNode, NodeCarrier, NodeEnterprise, NodeProject

        watch(Chain, ChainNode, ChainLink, NodeEnterprise, NodeProject, NodeCarrier)
