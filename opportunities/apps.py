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

        # A publication and an answer count for the issuing unit, which never changes.
        def issuing_unit(**where) -> list:
            return [Opportunity.objects.filter(**where).values_list("unit_id", flat=True).first()]

        figures.track(Response, lambda r: issuing_unit(pk=r.opportunity_id), moves=False)
        figures.track(Step, lambda s: issuing_unit(versions__pk=s.version_id), moves=False)
