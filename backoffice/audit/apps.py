from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "backoffice.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from backoffice.audit.guard import install_sqlite_guard

        connection_created.connect(install_sqlite_guard, dispatch_uid="audit-sqlite-guard")
