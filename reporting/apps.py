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
