from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Statistics system")

    def ready(self) -> None:
        from plans.measures import PendingSource, register_pending

        from .selectors import pending_stamp, pending_values

        register_pending(PendingSource(values=pending_values, stamp=pending_stamp))
        from .commitment_rules import register_all

        register_all()
        from django.conf import settings

        from jobs.choices import JobKind
        from jobs.periodic import Periodic, register

        register(
            Periodic(
                name="reporting.reminders",
                kind=JobKind.REMINDERS,
                task="reporting.tasks.send_reminders_job",
                at=settings.ZONEPLAN_REMIND_AT,
            )
        )
