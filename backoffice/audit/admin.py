from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import display

from backoffice.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin):
    """The whole trail, read-only: nobody adds, edits or deletes audit events."""

    list_display = ["occurred_at", "actor", "action", "model", "object_id", "object_repr"]
    list_filter = ["action", "model", ("occurred_at", RangeDateTimeFilter)]
    list_filter_submit = True
    search_fields = ["object_repr", "object_id", "actor__username", "note"]
    show_full_result_count = False
    list_select_related = ["actor"]
    readonly_fields = [
        "occurred_at",
        "actor",
        "action",
        "model",
        "object_id",
        "object_repr",
        "changes_table",
        "note",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @display(description=_("changes"))
    def changes_table(self, obj: AuditEvent) -> str:
        return "; ".join(f"{k}: {v[0]!s} → {v[1]!s}" for k, v in (obj.changes or {}).items())
