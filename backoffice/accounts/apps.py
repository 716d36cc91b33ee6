from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

READ_ORGANISATION = {"accounts.view_region", "accounts.view_department"}
SEE_PEOPLE = {"accounts.view_user"}
# Who assigns owners and reviewers across the company sees every region's people; a regional
# manager (view_user alone) sees those of her own regions (accounts.selectors.user_visible_to).
SEE_ALL_PEOPLE = SEE_PEOPLE | {"accounts.view_all_users"}


def _sync_roles_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.accounts.services import roles_sync

    roles_sync(using=using)


class AccountsConfig(AppConfig):
    name = "backoffice.accounts"
    label = "accounts"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from backoffice.accounts.models import Department, Region, User
        from backoffice.accounts.selectors import user_visible_to
        from backoffice.core.access import register_global, register_visibility
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_group, register_nav_item

        # Runs after every app's permissions exist (auth's own post_migrate handler is
        # connected earlier, because auth comes first in INSTALLED_APPS).
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts-sync-roles")
        from axes.models import (
            AccessAttempt,
            AccessAttemptExpiration,
            AccessFailureLog,
            AccessLog,
        )

        from backoffice.accounts import axes_labels  # noqa: F401 - translations of axes' names

        # The login records are the administrators' (only they hold their permissions).
        register_global(
            Region, Department, AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
        )
        register_visibility(User, user_visible_to)
        grant(
            {
                "rep": READ_ORGANISATION,
                "clerk": READ_ORGANISATION | SEE_ALL_PEOPLE,
                "sales_manager": READ_ORGANISATION | SEE_ALL_PEOPLE,
                "regional_manager": READ_ORGANISATION | SEE_PEOPLE,
                "general_manager": READ_ORGANISATION | SEE_ALL_PEOPLE,
                "finance": READ_ORGANISATION | SEE_ALL_PEOPLE,
                "warehouse": READ_ORGANISATION,
            }
        )
        register_nav_group("organisation", _("Organisation"), order=70)
        register_nav_item(
            "organisation",
            _("Users"),
            icon="person",
            url="admin:accounts_user_changelist",
            permission="accounts.view_user",
            order=10,
        )
        register_nav_item(
            "organisation",
            _("Regions"),
            icon="map",
            url="admin:accounts_region_changelist",
            permission="accounts.view_region",
            order=20,
        )
        register_nav_item(
            "organisation",
            _("Departments"),
            icon="apartment",
            url="admin:accounts_department_changelist",
            permission="accounts.view_department",
            order=30,
        )
        register_nav_item(
            "organisation",
            _("Failed logins"),
            icon="lock_person",
            url="admin:axes_accessfailurelog_changelist",
            permission="axes.view_accessfailurelog",
            order=50,
        )
        register_nav_item(
            "organisation",
            _("Login lockouts"),
            icon="lock_clock",
            url="admin:axes_accessattempt_changelist",
            permission="axes.view_accessattempt",
            order=60,
        )
        register_nav_item(
            "organisation",
            _("Roles"),
            icon="badge",
            url="admin:auth_group_changelist",
            permission="auth.view_group",
            order=40,
        )
