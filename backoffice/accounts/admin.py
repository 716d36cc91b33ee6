from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from backoffice.accounts.models import Department, Region, User
from backoffice.accounts.roles import role_label
from backoffice.core.admin import BaseModelAdmin

admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, BaseModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "full_name", "roles", "region_list", "email", "is_active"]
    list_filter = ["is_active", "groups", "regions", "department"]
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
        (_("Person"), {"fields": ["full_name", "email", "phone", "department"]}),
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
class RoleAdmin(DjangoGroupAdmin, BaseModelAdmin):
    list_display = ["name", "label"]
    search_fields = ["name"]

    @display(description=_("role"))
    def label(self, obj: Group) -> str:
        return role_label(obj.name)
