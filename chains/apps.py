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
        # A list line names its enterprise by credit code: a merge of enterprises moves it.
        from investment.services import register_code_reference

        register_code_reference("chains.AttractionTarget", "credit_code")
        from plans import figures

        from .commitment_rules import register_all
        from .measures import register_all as register_measures

        register_all()
        register_measures()
        figures.track(AttractionTarget, lambda t: [t.zone_id])
