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


def _declare_scopes() -> None:
    """The scope of the platform's own models and of the framework's (core.access)."""
    import functools

    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult
    from rest_framework.authtoken.models import Token

    from backoffice.core.access import register_global, register_visibility
    from backoffice.core.models import (
        Attachment,
        CompanySettings,
        DailyRun,
        DocumentCounter,
        IdempotencyKey,
        Notification,
        TaskBeat,
    )
    from backoffice.core.selectors import (
        attachment_visible_to,
        notification_visible_to,
        own_rows_visible_to,
        superusers_only,
    )

    # Reference data: whoever may read the model reads every row. Background tasks are the
    # administrators' (only they hold its permission).
    register_global(CompanySettings, DocumentCounter, Group, Permission, ContentType, DBTaskResult)
    register_global(TaskBeat, DailyRun)  # the workers' and the scheduler's; no one's own
    register_visibility(Notification, notification_visible_to)
    register_visibility(Attachment, attachment_visible_to)
    # An idempotency key is its sender's own (it holds the answer they were given).
    for model, field in [(Token, "user"), (LogEntry, "user"), (IdempotencyKey, "user")]:
        register_visibility(model, functools.partial(own_rows_visible_to(field), model))
    register_visibility(Session, functools.partial(superusers_only, Session))


def _connect_task_beats() -> None:
    from django.tasks.signals import task_finished, task_started

    from backoffice.core.workers import task_beat_start, task_beat_stop

    task_started.connect(task_beat_start, dispatch_uid="core.task_beat_start")
    task_finished.connect(task_beat_stop, dispatch_uid="core.task_beat_stop")


class CoreConfig(AppConfig):
    name = "backoffice.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from backoffice.core import checks  # noqa: F401 - registers the deployment checks
        from backoffice.core.decimals import install_fast_decimals
        from backoffice.core.deletion import install_deletion_guard
        from backoffice.core.idempotency import idempotency_keys_expire
        from backoffice.core.imports import import_previews_expire
        from backoffice.core.inputs import install_input_rules
        from backoffice.core.jobs import register_daily_job
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.partitions import partitions_ahead
        from backoffice.core.sites import install_number_display
        from backoffice.core.todos import register_todo

        install_number_display()
        _connect_task_beats()
        register_daily_job("idempotency_keys_expire", idempotency_keys_expire, order=900)
        register_daily_job("partitions ahead", partitions_ahead, order=10)
        register_daily_job("import previews", import_previews_expire, order=900)
        _declare_scopes()
        install_deletion_guard()
        install_input_rules()
        install_fast_decimals()

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
