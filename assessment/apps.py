from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Yearly assessment")

    def ready(self) -> None:
        from .commitment_rules import register_all

        register_all()
