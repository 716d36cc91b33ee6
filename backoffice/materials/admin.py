"""Staff UI of materials: the catalog with what is on hand, locations, stock on hand and
every movement, receipts entered with their lines, and material issues with their review
panel, returns and the printed 物料领用单."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from backoffice.core.admin import (
    BaseModelAdmin,
    DraftOnlyInline,
    Label,
    ReadOnlyRowsInline,
    RecordedElsewhere,
    ServiceErrorsAsMessages,
    label_display,
    print_link_display,
    status_badge_display,
)
from backoffice.core.money import format_number, round_amount
from backoffice.core.steps import Step
from backoffice.materials import services
from backoffice.materials.forms import CancelForm, CountSheetForm, ReceiveForm, ReturnForm
from backoffice.materials.models import (
    IssueLine,
    IssueRequest,
    Location,
    MaterialItem,
    PrintingJob,
    StockBalance,
    StockMove,
    StockReceipt,
    StockReceiptLine,
    Stocktake,
    StocktakeLine,
    StockTransfer,
    StockTransferLine,
)
from backoffice.materials.selectors import (
    EXPIRY_WARNING_DAYS,
    issue_available,
    issue_batches,
    item_search,
    location_visible_to,
    overdue_filter,
)
from backoffice.reviews.admin import ReviewableAdminMixin, review_submit_step

STATUS_COLOURS = {
    "in_review": "warning",
    "released": "success",
    "returned": "info",
    "cancelled": "danger",
}


class StockLevelFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("below", _("Below the reorder level")), ("none", _("None on hand"))]

    def queryset(self, request, queryset):
        if self.value() == "below":
            return queryset.filter(reorder_level__gt=0, stock_quantity__lt=F("reorder_level"))
        if self.value() == "none":
            return queryset.filter(stock_quantity=0)
        return queryset


class BalanceInline(ReadOnlyRowsInline):
    model = StockBalance
    fields = ["location", "batch", "expires_on", "quantity"]
    readonly_fields = fields
    verbose_name_plural = _("on hand by location")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(quantity__gt=0).select_related("location")


@admin.register(MaterialItem)
class MaterialItemAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "specification",
        "unit",
        "stock_quantity",
        "unit_cost",
        "stock_value",
        "reorder_badge",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["kind", StockLevelFilter, "is_batch_tracked", "is_active"]
    search_fields = ["code", "name", "specification"]
    search_help_text = _("Code, name, specification or pinyin")
    fields = [
        "code",
        "name",
        "kind",
        "specification",
        "unit",
        "is_batch_tracked",
        "reorder_level",
        "is_active",
        "stock_quantity",
        "unit_cost",
        "stock_value",
    ]
    readonly_fields = ["stock_quantity", "unit_cost", "stock_value"]
    export_fields = [
        "code",
        "name",
        "kind",
        "specification",
        "unit",
        "is_batch_tracked",
        "reorder_level",
        "stock_quantity",
        "unit_cost",
        "stock_value",
        "is_active",
    ]
    inlines = [BalanceInline]

    def get_search_results(self, request, queryset, search_term):
        return item_search(queryset, search_term), False

    @label_display(_("reorder level"), {"below": "danger", "ok": "success"})
    def reorder_badge(self, item: MaterialItem):
        if not item.reorder_level:
            return Label("", "—")
        state = "below" if item.stock_quantity < item.reorder_level else "ok"
        return Label(
            state,
            format_number(item.reorder_level, "quantity"),
            {"below": "danger", "ok": "success"},
        )

    def save_model(self, request, obj, form, change) -> None:
        data = {
            name: form.cleaned_data[name]
            for name in services.items.ITEM_FIELDS
            if name in form.cleaned_data
        }
        saved = services.item_save(by=request.user, item=obj if change else None, **data)
        obj.pk = saved.pk

    def autocomplete_label(self, item: MaterialItem) -> str:
        return f"{item} · {item.code}"


@admin.register(Location)
class LocationAdmin(BaseModelAdmin):
    list_display = ["code", "name", "kind", "holder", "region", "is_active", "counting_since"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["code", "name", "holder__full_name", "holder__username"]
    list_select_related = ["holder", "region"]
    fields = ["code", "name", "kind", "holder", "region", "is_active", "counting_since"]
    readonly_fields = ["counting_since"]
    export_fields = ["code", "name", "kind", "holder", "region", "is_active"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=location_visible_to(request.user).values("pk"))
        )


class ExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("soon", _("Expires within %(days)d days") % {"days": EXPIRY_WARNING_DAYS}),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "soon":
            return queryset.filter(
                expires_on__isnull=False,
                expires_on__lte=today + timezone.timedelta(days=EXPIRY_WARNING_DAYS),
            )
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


@admin.register(StockBalance)
class StockBalanceAdmin(RecordedElsewhere, BaseModelAdmin):
    """On hand as the ledger keeps it: what is left, per item, location and batch."""

    list_display = ["item", "location", "batch", "expires_on", "expiry_badge", "quantity", "value"]
    list_filter = ["location", "item__kind", ExpiryFilter]
    search_fields = [
        "item__code",
        "item__name",
        "item__name_initials",
        "item__name_pinyin",
        "batch",
    ]
    list_select_related = ["item", "location"]
    fields = ["item", "location", "batch", "expires_on", "quantity", "value"]
    readonly_fields = fields
    export_fields = ["item", "location", "batch", "expires_on", "quantity"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(quantity__gt=0)

    @admin.display(description=_("value"))
    def value(self, balance: StockBalance) -> Decimal:
        return round_amount(balance.quantity * balance.item.unit_cost)

    @label_display(_("expiry"), {"expired": "danger", "soon": "warning"})
    def expiry_badge(self, balance: StockBalance):
        colours = {"expired": "danger", "soon": "warning"}
        if balance.expires_on is None:
            return Label("", "—", colours)
        today = timezone.localdate()
        if balance.expires_on < today:
            return Label("expired", _("Expired"), colours)
        if (balance.expires_on - today).days <= EXPIRY_WARNING_DAYS:
            return Label("soon", _("Expires soon"), colours)
        return Label("good", _("Good"), colours)


@admin.register(StockMove)
class StockMoveAdmin(RecordedElsewhere, BaseModelAdmin):
    list_display = [
        "moved_on",
        "kind",
        "item",
        "location",
        "batch",
        "quantity",
        "value",
        "source_number",
        "customer",
        "created_by",
    ]
    list_filter = ["kind", "location", ("moved_on", admin.DateFieldListFilter)]
    search_fields = ["item__code", "item__name", "source_number", "batch", "customer__name"]
    list_select_related = ["item", "location", "customer", "created_by"]
    date_hierarchy = "moved_on"
    fields = [
        "moved_on",
        "kind",
        "item",
        "location",
        "batch",
        "expires_on",
        "quantity",
        "value",
        "source_number",
        "customer",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields
    export_fields = [
        "moved_on",
        "kind",
        "item",
        "location",
        "batch",
        "expires_on",
        "quantity",
        "value",
        "source_number",
        "customer",
        "created_by",
    ]


def _line_rows(formset, fields: list[str]) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("item"):
            continue
        rows.append({name: data.get(name) for name in fields})
    return rows


class ReceiptLineInline(TabularInline):
    model = StockReceiptLine
    extra = 3
    fields = ["item", "quantity", "unit_cost", "batch", "expires_on", "value"]
    readonly_fields = ["value"]
    autocomplete_fields = ["item"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TransferLineInline(ReceiptLineInline):
    model = StockTransferLine
    fields = ["item", "quantity", "value"]


@admin.register(StockTransfer)
class StockTransferAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    """Entered with its lines and posted at once (out there, in here); then kept as it was."""

    list_display = [
        "number",
        "moved_on",
        "from_location",
        "to_location",
        "total_value",
        "created_by",
    ]
    list_filter = ["from_location", "to_location", ("moved_on", admin.DateFieldListFilter)]
    search_fields = ["number", "note"]
    list_select_related = ["from_location", "to_location", "created_by"]
    date_hierarchy = "moved_on"
    inlines = [TransferLineInline]
    export_fields = ["number", "moved_on", "from_location", "to_location", "total_value"]
    entered = ["from_location", "to_location", "moved_on", "note"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.entered
        return ["number", *self.entered, "total_value", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {"moved_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("from_location", "to_location"):
            field.queryset = location_visible_to(request.user).filter(is_active=True)
        return field

    def save_model(self, request, obj, form, change) -> None:
        pass  # created with its lines in save_related, where the lines are known

    def save_related(self, request, form, formsets, change) -> None:
        lines = _line_rows(formsets[0], ["item", "quantity"])
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        transfer = form.instance
        created = services.transfer_create(
            by=request.user,
            from_location=transfer.from_location,
            to_location=transfer.to_location,
            moved_on=transfer.moved_on,
            note=transfer.note,
            lines=lines,
        )
        transfer.pk = created.pk


@admin.register(StockReceipt)
class StockReceiptAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    """Entered with its lines and posted at once; then kept as it was."""

    list_display = ["number", "received_on", "location", "supplier", "total_value", "created_by"]
    list_filter = ["location", ("received_on", admin.DateFieldListFilter)]
    search_fields = ["number", "supplier", "note"]
    list_select_related = ["location", "created_by"]
    date_hierarchy = "received_on"
    inlines = [ReceiptLineInline]
    readonly_fields = ["number", "total_value", "created_by"]
    export_fields = ["number", "received_on", "location", "supplier", "total_value", "created_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["location", "received_on", "supplier", "note"]
        return [
            "number",
            "location",
            "received_on",
            "supplier",
            "note",
            "total_value",
            "created_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {"received_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "location":
            field.queryset = location_visible_to(request.user).filter(is_active=True)
        return field

    def save_model(self, request, obj, form, change) -> None:
        pass  # created with its lines in save_related, where the lines are known

    def save_related(self, request, form, formsets, change) -> None:
        lines = _line_rows(formsets[0], ["item", "quantity", "unit_cost", "batch", "expires_on"])
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        receipt = form.instance
        created = services.receipt_create(
            by=request.user,
            location=receipt.location,
            received_on=receipt.received_on,
            supplier=receipt.supplier,
            note=receipt.note,
            lines=lines,
        )
        receipt.pk = created.pk


class IssueLineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not _line_rows(self, ["item", "quantity"]):
            raise ValidationError(_("Add at least one line."))


class IssueLineInline(DraftOnlyInline):
    model = IssueLine
    formset = IssueLineFormSet
    autocomplete_fields = ["item"]
    readonly_fields = ["available", "batches", "returned_quantity", "value"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["item", "quantity"]
        if obj.status in (IssueRequest.Status.DRAFT, IssueRequest.Status.IN_REVIEW):
            return ["item", "quantity", "available"]
        return ["item", "quantity", "batches", "returned_quantity", "value"]

    def get_formset(self, request, obj=None, **kwargs):
        # the figures each row shows, read once for the document
        self._available = issue_available(obj) if obj is not None else {}
        self._batches = issue_batches(obj) if obj is not None else {}
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("on hand at the location"))
    def available(self, line: IssueLine) -> str:
        if line.pk is None:
            return "—"
        return format_number(self._available.get(line.item_id, 0), "quantity")

    @admin.display(description=_("batches"))
    def batches(self, line: IssueLine) -> str:
        taken = self._batches.get(line.pk, [])
        return (
            "；".join(
                " ".join(
                    part
                    for part in (
                        batch,
                        f"({localize(expires_on)})" if expires_on else "",
                        f"× {format_number(quantity, 'quantity')}",
                    )
                    if part
                )
                for batch, expires_on, quantity in taken
                if batch
            )
            or "—"
        )


class OverdueFilter(admin.SimpleListFilter):
    title = _("lent samples")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue for return"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                pk__in=IssueRequest.objects.filter(overdue_filter()).values("pk")
            )
        return queryset


def _has_outstanding(issue: IssueRequest) -> bool:
    return any(line.outstanding > 0 for line in issue.lines.all())


HEADER = ["location", "purpose", "customer", "recipient", "reference", "due_back_on", "note"]


@admin.register(IssueRequest)
class IssueRequestAdmin(ServiceErrorsAsMessages, ReviewableAdminMixin, BaseModelAdmin):
    submit_step = review_submit_step(services.issue_submit, document="issue")
    steps = [
        Step(
            "return",
            _("Take back into stock"),
            services.issue_return,
            document="issue",
            when=lambda issue: (
                issue.status == IssueRequest.Status.RELEASED and _has_outstanding(issue)
            ),
            form=ReturnForm,
            template="materials/return_lines.html",
            title=_("What came back, line by line"),
            done=_("Taken back into stock."),
        ),
        Step(
            "cancel",
            _("Cancel this issue"),
            services.issue_cancel,
            document="issue",
            to=IssueRequest.Status.CANCELLED,
            form=CancelForm,
            style="secondary",
        ),
    ]
    list_display = [
        "display_number",
        "purpose",
        "for_whom",
        "location",
        "status_badge",
        "due_back_on",
        "total_value",
        "owner",
        "created_at",
    ]
    list_display_links = ["display_number", "purpose"]
    list_filter = ["status", "purpose", "location", OverdueFilter, "region"]
    search_fields = [
        "number",
        "reference",
        "customer__name",
        "customer__name_initials",
        "customer__code",
        "recipient__full_name",
    ]
    list_select_related = ["location", "customer", "recipient", "owner"]
    autocomplete_fields = ["customer"]
    inlines = [IssueLineInline]
    date_hierarchy = "created_at"
    export_fields = [
        "number",
        "status",
        "purpose",
        "customer",
        "recipient",
        "reference",
        "location",
        "due_back_on",
        "total_value",
        "owner",
        "released_at",
    ]
    readonly_fields = ["number", "status", "owner", "total_value", "released_at", "print_link"]

    status_badge = status_badge_display(STATUS_COLOURS)
    print_link = print_link_display("admin:materials_issuerequest_print", _("Material issue slip"))
    print_template = "materials/issue_slip.html"

    @admin.display(description=_("issue number"), ordering="number")
    def display_number(self, issue: IssueRequest) -> str:
        return issue.number or _("draft")

    @admin.display(description=_("for"))
    def for_whom(self, issue: IssueRequest) -> str:
        return str(issue.customer or issue.recipient or issue.reference or "—")

    def get_fields(self, request, obj=None):
        if obj is None:
            return HEADER
        return ["number", "status", "owner", *HEADER, "total_value", "released_at", "print_link"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status != IssueRequest.Status.DRAFT:
            fields += HEADER
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "location":
            field.queryset = location_visible_to(request.user).filter(is_active=True)
        if db_field.name == "recipient":
            field.queryset = field.queryset.filter(is_active=True, groups__name="rep").distinct()
        return field

    def has_change_permission(self, request, obj=None) -> bool:
        editable = obj is None or obj.status == IssueRequest.Status.DRAFT
        return editable and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        pass  # saved with its lines in save_related, through the services

    def save_related(self, request, form, formsets, change) -> None:
        lines = _line_rows(formsets[0], ["item", "quantity"]) if formsets else []
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        issue = form.instance
        if change:
            services.issue_update(issue=issue, by=request.user, lines=lines)
            return
        created = services.issue_create(
            by=request.user,
            lines=lines,
            **{name: getattr(issue, name) for name in HEADER},
        )
        issue.pk = created.pk

    def print_context(self, issue: IssueRequest) -> dict[str, Any]:
        from backoffice.reviews.models import ReviewDecision
        from backoffice.reviews.selectors import review_request_for

        review = review_request_for(issue)
        approvers = []
        if review is not None:
            approvers = [
                d.reviewer
                for d in ReviewDecision.objects.filter(
                    request=review, round=review.round, verdict=ReviewDecision.Verdict.APPROVE
                ).select_related("reviewer")
            ]
        batches = issue_batches(issue)
        lines = list(issue.lines.select_related("item").order_by("line_no"))
        for line in lines:
            line.batches = [(b, e, q) for b, e, q in batches.get(line.pk, []) if b]
        return {"issue": issue, "lines": lines, "approvers": approvers}


class StocktakeLineInline(TabularInline):
    """The count: what the ledger expected, what was counted (typed here while counting),
    the variance and its value."""

    model = StocktakeLine
    extra = 0
    can_delete = False
    fields = ["item", "batch", "expires_on", "expected", "counted", "variance", "value_shown"]

    def get_readonly_fields(self, request, obj=None):
        counting = obj is not None and obj.status == Stocktake.Status.COUNTING
        fixed = ["item", "batch", "expires_on", "expected", "variance", "value_shown"]
        return fixed if counting and self.has_change_permission(request, obj) else self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item").order_by("item__code", "batch")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # found stock comes in by the count sheet or the API

    def has_change_permission(self, request, obj=None) -> bool:
        counting = obj is not None and obj.status == Stocktake.Status.COUNTING
        return counting and request.user.has_perm("materials.change_stocktake")

    @label_display(_("variance"), {"short": "danger", "over": "warning", "even": "success"})
    def variance(self, line: StocktakeLine):
        colours = {"short": "danger", "over": "warning", "even": "success"}
        if line.variance is None:
            return Label("", _("not counted"), colours)
        state = "short" if line.variance < 0 else "over" if line.variance > 0 else "even"
        shown = format_number(line.variance, "quantity")
        return Label(state, f"+{shown}" if line.variance > 0 else shown, colours)

    @admin.display(description=_("variance value"))
    def value_shown(self, line: StocktakeLine) -> str:
        if line.variance in (None, 0):
            return "—"
        if line.stocktake.status == Stocktake.Status.APPROVED:
            return format_number(line.value, "amount")
        return format_number(round_amount(line.variance * line.item.unit_cost), "amount")


@admin.register(Stocktake)
class StocktakeAdmin(ServiceErrorsAsMessages, ReviewableAdminMixin, BaseModelAdmin):
    """Started on a location (it locks it), counted on this page or from a sheet, approved
    by a sales manager, who sees each variance and its value."""

    submit_step = review_submit_step(services.stocktake_submit, document="stocktake")
    steps = [
        Step(
            "import",
            _("Import the counts"),
            services.stocktake_count,
            document="stocktake",
            when=lambda stocktake: stocktake.status == Stocktake.Status.COUNTING,
            form=CountSheetForm,
            style="secondary",
            done=_("Counts imported."),
        ),
        Step(
            "cancel",
            _("Cancel this stocktake"),
            services.stocktake_cancel,
            document="stocktake",
            to=Stocktake.Status.CANCELLED,
            form=CancelForm,
            style="secondary",
        ),
    ]
    list_display = [
        "number",
        "location",
        "status_badge",
        "variance_value",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "location"]
    search_fields = ["number", "location__name", "note"]
    list_select_related = ["location", "created_by"]
    inlines = [StocktakeLineInline]
    readonly_fields = [
        "number",
        "status",
        "location",
        "created_by",
        "created_at",
        "variance_value",
        "approved_at",
        "print_link",
    ]
    export_fields = ["number", "location", "status", "variance_value", "created_by", "approved_at"]

    status_badge = status_badge_display(
        {"counting": "info", "in_review": "warning", "approved": "success", "cancelled": "danger"}
    )
    print_link = print_link_display("admin:materials_stocktake_print", _("Count sheet"))
    print_template = "materials/count_sheet.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["location", "note"]
        return [*self.readonly_fields, "note"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "location":
            field.queryset = location_visible_to(request.user).filter(
                is_active=True, counting_since__isnull=True
            )
        return field

    def has_change_permission(self, request, obj=None) -> bool:
        counting = obj is None or obj.status == Stocktake.Status.COUNTING
        return counting and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            started = services.stocktake_start(
                by=request.user, location=obj.location, note=obj.note
            )
            obj.pk = started.pk

    def save_related(self, request, form, formsets, change) -> None:
        counts = []
        for formset in formsets:
            for line_form in formset.forms:
                data = getattr(line_form, "cleaned_data", None)
                if line_form.has_changed() and data and data.get("counted") is not None:
                    line = line_form.instance
                    counts.append(
                        {"item": line.item, "batch": line.batch, "counted": data["counted"]}
                    )
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if change and counts:
            services.stocktake_count(stocktake=form.instance, by=request.user, counts=counts)

    def print_context(self, stocktake: Stocktake) -> dict[str, Any]:
        return {
            "stocktake": stocktake,
            "lines": stocktake.lines.select_related("item").order_by("item__code", "batch"),
        }


@admin.register(PrintingJob)
class PrintingJobAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    """Ordered here; received with a step, which posts the stock receipt at the job's cost."""

    steps = [
        Step(
            "receive",
            _("Received"),
            services.printing_receive,
            document="job",
            to=PrintingJob.Status.RECEIVED,
            form=ReceiveForm,
            title=_("The printed goods came into stock"),
            done=_("Received into stock."),
        ),
        Step(
            "cancel",
            _("Cancel this printing job"),
            services.printing_cancel,
            document="job",
            to=PrintingJob.Status.CANCELLED,
            form=CancelForm,
            style="secondary",
        ),
    ]
    list_display = [
        "number",
        "item",
        "for_whom",
        "supplier",
        "quantity",
        "cost",
        "ordered_on",
        "expected_on",
        "status_badge",
        "receipt",
    ]
    list_display_links = ["number", "item"]
    list_filter = ["status", "item__kind", ("ordered_on", admin.DateFieldListFilter)]
    search_fields = ["number", "item__name", "item__code", "for_whom", "supplier"]
    list_select_related = ["item", "receipt"]
    autocomplete_fields = ["item"]
    date_hierarchy = "ordered_on"
    export_fields = [
        "number",
        "item",
        "for_whom",
        "supplier",
        "quantity",
        "cost",
        "ordered_on",
        "expected_on",
        "status",
        "receipt",
    ]
    editable = [
        "item",
        "for_whom",
        "supplier",
        "quantity",
        "cost",
        "ordered_on",
        "expected_on",
        "note",
    ]
    readonly_fields = ["number", "status", "receipt", "created_by", "received_at"]

    status_badge = status_badge_display(
        {"ordered": "info", "received": "success", "cancelled": "danger"}
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.editable
        return ["number", "status", *self.editable, "receipt", "created_by", "received_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, *self.editable]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {"ordered_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change) -> None:
        job = services.printing_order(
            by=request.user, **{name: form.cleaned_data.get(name) for name in self.editable}
        )
        obj.pk = job.pk
