from axes.models import AccessAttempt, AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from backoffice.accounts.models import Department, Region, User
from backoffice.accounts.roles import role_label
from backoffice.accounts.services import login_lockout_clear, user_credentials_revoke
from backoffice.core.admin import BaseModelAdmin, VisibleRows

admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(VisibleRows, DrfTokenAdmin):
    """API tokens, each its own user's (superusers see all): core.admin.VisibleRows."""


# Django stores permission names in English ("Can add customer"): shown in the reader's
# language, with the app's name, instead.
DEFAULT_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None:
        return gettext(permission.name)
    if action in DEFAULT_ACTIONS and model_name == model._meta.model_name:
        text = DEFAULT_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        text = gettext(permission.name)
    app = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{app} | {text}"


class PermissionsInNames:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        if field is not None and db_field.related_model is Group:
            field.label_from_instance = lambda group: role_label(group.name)
        return field


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "groups__id__exact"

    def lookups(self, request, model_admin):
        return [(g.pk, role_label(g.name)) for g in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(groups__id=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(PermissionsInNames, DjangoUserAdmin, BaseModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "full_name", "roles", "region_list", "email", "is_active"]
    list_filter = ["is_active", RoleFilter, "regions", "department"]
    search_fields = ["username", "full_name", "email", "phone"]
    filter_horizontal = ["groups", "regions", "user_permissions"]
    export_fields = [
        "username",
        "full_name",
        "email",
        "phone",
        "department",
        "regions",
        "is_active",
    ]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone", "department", "language"]}),
        (_("Role and regions"), {"fields": ["groups", "regions"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser"], "classes": ["collapse"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"], "classes": ["collapse"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "password1", "password2", "groups", "regions"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "regions")

    def save_model(self, request, obj: User, form, change: bool) -> None:
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            user_credentials_revoke(user=obj)

    @display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(role_label(g.name) for g in obj.groups.all())

    @display(description=_("regions"))
    def region_list(self, obj: User) -> str:
        return ", ".join(r.name for r in obj.regions.all())


@admin.register(Region)
class RegionAdmin(BaseModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(BaseModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(Group)
class RoleAdmin(PermissionsInNames, DjangoGroupAdmin, BaseModelAdmin):
    list_display = ["label", "code"]
    search_fields = ["name"]

    @display(description=_("code"), ordering="name")
    def code(self, obj: Group) -> str:
        return obj.name

    @display(description=_("role"))
    def label(self, obj: Group) -> str:
        return role_label(obj.name)


class _LoginRecordAdmin(BaseModelAdmin):
    """Axes' records, read-only: they are written by the login paths alone."""

    actions_list: list[str] = []
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    ordering = ["-attempt_time"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(_LoginRecordAdmin):
    """Every failed login (accounts.logins), for administrators."""

    list_display = ["attempt_time", "username", "ip_address", "path_info", "locked_out", "agent"]
    list_filter = ["locked_out", "attempt_time"]
    fields = [*list_display[:-1], "user_agent"]
    readonly_fields = fields

    @display(description=_("browser or program"))
    def agent(self, obj: AccessFailureLog) -> str:
        return obj.user_agent[:80]


@admin.register(AccessAttempt)
class AccessAttemptAdmin(_LoginRecordAdmin):
    """The counts that lock a username or an address out; "unlock" clears them."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start"]
    fields = list_display
    readonly_fields = fields
    actions = ["unlock"]

    def has_unlock_permission(self, request) -> bool:
        return request.user.has_perm("axes.delete_accessattempt")

    @admin.action(description=_("Unlock: clear these failed logins"), permissions=["unlock"])
    def unlock(self, request, queryset) -> None:
        count = login_lockout_clear(attempts=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d lockout count cleared.", "%(count)d lockout counts cleared.", count)
            % {"count": count},
        )
