from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from .files import forget_on_delete
        from .models import StagedUpload, StoredFile

        # Every row that may hold its bytes in the file store removes them when it is deleted.
        for model in apps.get_models():
            if issubclass(model, StoredFile | StagedUpload):
                post_delete.connect(
                    forget_on_delete,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"zoneplan-files-{model._meta.label}",
                )
