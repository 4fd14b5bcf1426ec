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
        # A conflict's shares weigh its projects in every count (docs/conflicts.md).
        from .models import Conflict, ConflictMember

        figures.track(
            ConflictMember,
            lambda m: InvestmentProject.objects.filter(pk=m.project_id).values_list(
                "zone_id", flat=True
            ),
        )
        watch(Conflict, ConflictMember)
        from django.conf import settings

        from jobs.choices import JobKind
        from jobs.periodic import Periodic, register

        register(
            Periodic(
                name="investment.conflicts",
                kind=JobKind.CONFLICTS,
                task="investment.tasks.detect_conflicts_job",
                at=settings.ZONEPLAN_CONFLICTS_AT,
            )
        )
        catalogue.register("enterprises", "investment.views.ENTERPRISE_PAGES")
        catalogue.register("investment_projects", "investment.views.PROJECT_PAGES")
