from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunity lists")

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete

        from core.files import forget_on_delete
        from jobs.choices import JobKind
        from jobs.periodic import Periodic, register
        from plans import figures
        from plans.cache import watch

        from . import measures
        from .commitment_rules import register_all
        from .models import Opportunity, Response, Scenario, Step, Version

        post_delete.connect(forget_on_delete, sender=Response, dispatch_uid="response-file")
        register(
            Periodic(
                name="opportunities.erase_responses",
                kind=JobKind.RETENTION,
                task="opportunities.tasks.erase_responses_job",
                at=settings.ZONEPLAN_RESPONSE_ERASE_AT,
            )
        )

        watch(Opportunity, Version, Step, Scenario, Response)
        figures.track(Scenario, lambda s: [s.zone_id])
        register_all()
        measures.register_all()
        # An answer counts for its opportunity's issuing unit, which never changes.
        figures.track(
            Response,
            lambda r: [
                Opportunity.objects.filter(pk=r.opportunity_id)
                .values_list("unit_id", flat=True)
                .first()
            ],
            moves=False,
        )
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
