from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from . import token_cache
        from .models import ApiToken

        for signal in (post_save, post_delete):
            signal.connect(token_cache.token_saved, sender=ApiToken, dispatch_uid="token-cache")
            signal.connect(
                token_cache.user_saved, sender=get_user_model(), dispatch_uid="token-cache-user"
            )
