from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _unread_notifications(user):
    from django.urls import reverse

    from backoffice.core.selectors import notification_unread_for
    from backoffice.core.todos import Todo

    return [
        Todo(
            title=note.title_text,
            url=reverse("notification-open", args=[note.pk]),
            since=note.created_at,
        )
        for note in notification_unread_for(user)[:5]
    ]


class CoreConfig(AppConfig):
    name = "backoffice.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from backoffice.core import checks  # noqa: F401 - registers the deployment checks
        from backoffice.core.inputs import install_input_rules
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.sites import install_number_display
        from backoffice.core.todos import register_todo

        install_number_display()
        install_input_rules()

        register_todo("notifications", order=900, items=_unread_notifications)
        register_nav_group("workspace", _("Workspace"), order=10, collapsible=False)
        register_nav_item(
            "workspace", _("Dashboard"), icon="dashboard", url="admin:index", order=10
        )
        register_nav_group("system", _("System"), order=80)
        register_nav_item(
            "system",
            _("Background tasks"),
            icon="schedule",
            url="admin:django_tasks_database_dbtaskresult_changelist",
            permission="django_tasks_database.view_dbtaskresult",
            order=50,
        )
        register_nav_item("system", _("API documentation"), icon="api", url="api-docs", order=60)
        register_nav_item(
            "system",
            _("Company settings"),
            icon="apartment",
            url="admin:core_companysettings_changelist",
            permission="core.change_companysettings",
            order=5,
        )
