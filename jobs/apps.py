from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from core.registry_views import defer_large_commits

        from .imports import start_import

        defer_large_commits(start_import)  # large registry imports commit in a worker
        from core.backup import restored

        from .signals import fail_open_jobs_after_a_restore

        restored.connect(fail_open_jobs_after_a_restore, dispatch_uid="jobs-restored")
