from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "chains"
    verbose_name = _("Industrial chains")

    def ready(self) -> None:
        from core.tabular import catalogue
        from plans.cache import watch

        from .models import (
            AttractionTarget,
            Chain,
            ChainLink,
            ChainNode,
            NodeCarrier,
            NodeEnterprise,
            NodeProject,
        )

        watch(
            Chain, ChainNode, ChainLink, NodeEnterprise, NodeProject, NodeCarrier, AttractionTarget
        )
        catalogue.register("attraction_targets", "chains.views.TARGET_PAGES")
        from plans import figures

        from .commitment_rules import register_all
        from .measures import register_all as register_measures

        register_all()
        register_measures()
        figures.track(AttractionTarget, lambda t: [t.zone_id])
