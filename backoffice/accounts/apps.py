from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.accounts.services import roles_sync

    roles_sync(using=using)


class AccountsConfig(AppConfig):
    name = "backoffice.accounts"
    label = "accounts"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Runs after every app's permissions exist (auth's own post_migrate handler is
        # connected earlier, because auth comes first in INSTALLED_APPS).
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts-sync-roles")
