from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import display

from backoffice.audit.models import AuditEvent
from backoffice.core.admin import (
    DeletionRuleAdminMixin,
    VisibleRows,
    attach_live_names,
    change_pair,
    change_rows,
    model_label_name,
    with_live_names,
)


class RecordTypeFilter(admin.SimpleListFilter):
    title = _("record type")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        labels = AuditEvent.objects.order_by().values_list("model", flat=True).distinct()
        return sorted(((m, model_label_name(m)) for m in labels), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(DeletionRuleAdminMixin, VisibleRows, ModelAdmin):
    """The whole trail, read-only: nobody adds, edits or deletes audit events."""

    list_display = ["occurred_at", "actor", "action", "record_type", "object_id", "record"]
    list_filter = ["action", RecordTypeFilter, ("occurred_at", RangeDateTimeFilter)]
    list_filter_submit = True
    search_fields = ["object_repr", "object_id", "actor__username", "note"]
    show_full_result_count = False
    list_select_related = ["actor"]
    readonly_fields = [
        "occurred_at",
        "actor",
        "action",
        "record_type",
        "object_id",
        "record",
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

    def get_changelist(self, request, **kwargs):
        return with_live_names(
            super().get_changelist(request, **kwargs),
            label_of=lambda e: e.model,
            id_of=lambda e: e.object_id,
        )

    @display(description=_("record type"))
    def record_type(self, obj: AuditEvent) -> str:
        return model_label_name(obj.model)

    @display(description=_("record"))
    def record(self, obj: AuditEvent) -> str:
        if not hasattr(obj, "live_name"):  # a single record's page
            attach_live_names([obj], label_of=lambda e: e.model, id_of=lambda e: e.object_id)
        return getattr(obj, "live_name", obj.object_repr)

    @display(description=_("changes"))
    def changes_table(self, obj: AuditEvent) -> str:
        """Each change as the field's label, before → after, in the reader's language."""
        from django.apps import apps

        try:
            model = apps.get_model(obj.model)
        except (LookupError, ValueError):
            model = None
        if model is None:
            rows = []
            for label, value in (obj.changes or {}).items():
                before, after = change_pair(value)
                rows.append(
                    {"label": label, "before": before, "after": after, "is_new": before is None}
                )
        else:
            rows = change_rows(model, obj.changes or {})
        return "; ".join(
            f"{r['label']}: {r['after']}"
            if r.get("is_new")
            else f"{r['label']}: {r['before']} → {r['after']}"
            for r in rows
        )
