from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Yearly assessment")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
        from .commitment_rules import register_all

        register_all()
