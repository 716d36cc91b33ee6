from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

SEE_HISTORY = {"audit.view_auditevent"}


class AuditConfig(AppConfig):
    name = "backoffice.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from backoffice.audit.guard import install_sqlite_guard
        from backoffice.audit.models import AuditEvent
        from backoffice.audit.selectors import audit_event_visible_to
        from backoffice.core.access import register_visibility
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_item

        register_visibility(AuditEvent, audit_event_visible_to)
        connection_created.connect(install_sqlite_guard, dispatch_uid="audit-sqlite-guard")
        grant(
            {
                "clerk": SEE_HISTORY,
                "sales_manager": SEE_HISTORY,
                "regional_manager": SEE_HISTORY,
                "general_manager": SEE_HISTORY,
                "finance": SEE_HISTORY,
            }
        )
        register_nav_item(
            "system",
            _("Audit trail"),
            icon="history",
            url="admin:audit_auditevent_changelist",
            permission="audit.view_auditevent",
            order=10,
        )
