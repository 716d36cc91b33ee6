"""Staff UI of sales orders: entry with lines, the audit panel, the outbound order print."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import TabularInline
from unfold.decorators import action, display

from backoffice.core.admin import (
    BaseModelAdmin,
    DraftOnlyInline,
    Label,
    label_display,
    object_or_404,
    print_link_display,
    status_badge_display,
    str_display,
)
from backoffice.core.exceptions import ApplicationError
from backoffice.core.filters import is_ascii_digits
from backoffice.core.imports import import_failure, import_previous, imports_fail_stale
from backoffice.core.money import rmb_upper, sum_amounts
from backoffice.core.services import model_save
from backoffice.core.steps import ASKED, Step
from backoffice.office.services import mail_for
from backoffice.parties.models import Customer
from backoffice.reviews.admin import ReviewableAdminMixin, review_submit_step
from backoffice.sales import services
from backoffice.sales.forms import (
    DeliveryShipForm,
    DeliverySignForm,
    InvoiceIssueForm,
    InvoiceMailForm,
    InvoiceReverseForm,
    OrderDeliverForm,
    OrderInvoiceForm,
    OrderOverrideForm,
    ReasonForm,
)
from backoffice.sales.history import (
    FILES,
    count_rows,
    history_import_retry,
    history_progress,
    history_upload,
)
from backoffice.sales.models import (
    Delivery,
    DeliveryExtra,
    DeliveryLine,
    HistoryImport,
    HistoryOrder,
    Invoice,
    InvoiceLine,
    SalesOrder,
    SalesOrderLine,
)
from backoffice.sales.selectors import (
    delivery_note_lines,
    invoice_orders,
    order_checks,
    order_documents,
)


def _invoiceable_now(order: SalesOrder) -> bool:
    return order.status in services.INVOICEABLE and bool(services.invoiceable(order))


def _invoiceable_summary(order: SalesOrder) -> str:
    """What an invoice requested now would hold: each product and its quantity."""
    return "；".join(
        f"{row['line'].product.name} × {row['available'].normalize():f}"
        for row in services.invoiceable(order)
    )


STATUS_COLOURS = {
    "in_review": "warning",
    "approved": "success",
    "partially_delivered": "info",
    "delivered": "success",
    "closed": "info",
    "cancelled": "danger",
}


def _line_dicts(formset) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("product"):
            continue
        rows.append(
            {
                "product": data["product"],
                "quantity": data["quantity"],
                "unit_price": data.get("unit_price"),
                "is_gift": data.get("is_gift", False),
            }
        )
    return rows


class OrderLineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        order = self.instance
        if getattr(order, "customer_id", None) is None:
            return
        try:
            services.order_lines_check(
                customer=order.customer,
                lines=_line_dicts(self),
                ordered_on=order.ordered_on,
                contract=order.contract,
            )
        except ApplicationError as error:
            raise ValidationError(str(error.message)) from error


class OrderLineForm(forms.ModelForm):
    unit_price = forms.DecimalField(
        label=_("unit price (incl. VAT)"),
        required=False,
        max_digits=18,
        decimal_places=6,
        help_text=_("empty: the policy price"),
    )

    class Meta:
        model = SalesOrderLine
        fields = ["product", "quantity", "unit_price", "is_gift"]


class OrderLineInline(DraftOnlyInline):
    model = SalesOrderLine
    form = OrderLineForm
    formset = OrderLineFormSet
    autocomplete_fields = ["product"]
    readonly_fields = ["contract_line", "gross_amount", "delivered_quantity", "invoiced_quantity"]
    fields = [
        "product",
        "quantity",
        "unit_price",
        "is_gift",
        "contract_line",
        "gross_amount",
        "delivered_quantity",
        "invoiced_quantity",
    ]


CHECKED_STATUSES = (SalesOrder.Status.DRAFT, SalesOrder.Status.IN_REVIEW)


def _refused_by_checks(order: SalesOrder) -> bool:
    """Before approval, the audit's trade or credit checks would refuse the order now."""
    return order.status in CHECKED_STATUSES and order_checks(order).refused


def _day(value: Any) -> Any:
    """A stamp's day in the company's time zone (a date stays as it is)."""
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def _document_sections(documents: dict) -> list[dict]:
    """The order page's lists of what was made from it, one shape for all three: each row
    is (number, url, day, state, amount)."""
    draft = _("draft")
    document = [_("Document number"), _("Date"), _("Status"), _("Amount (incl. VAT)")]
    return [
        {
            "key": "deliveries",
            "title": _("Deliveries"),
            "headings": document,
            "rows": [
                (
                    d.number or draft,
                    reverse("admin:sales_delivery_change", args=[d.pk]),
                    _day(d.signed_on or d.released_at or d.created_at),
                    d.get_status_display(),
                    d.amount,
                )
                for d in documents["deliveries"]
            ],
        },
        {
            "key": "invoices",
            "title": _("Invoices"),
            "headings": document,
            "rows": [
                (
                    " ".join(
                        [str(i.get_kind_display())] * (i.kind == Invoice.Kind.RED)
                        + [i.vat_invoice_number or i.number or str(draft)]
                    ),
                    reverse("admin:sales_invoice_change", args=[i.pk]),
                    _day(i.issued_on or i.created_at),
                    i.get_status_display(),
                    i.gross_amount,
                )
                for i in documents["invoices"]
            ],
        },
        {
            "key": "receipts",
            "title": _("Receipts"),
            "headings": [_("Document number"), _("Date"), _("Allocated to"), _("Amount allocated")],
            "rows": [
                (
                    a.receipt.number,
                    reverse("admin:ledger_receipt_change", args=[a.receipt_id]),
                    a.allocated_on,
                    _("invoice %(invoice)s") % {"invoice": a.receivable.document_number},
                    a.amount,
                )
                for a in documents["allocations"]
            ],
        },
    ]


@admin.register(SalesOrder)
class SalesOrderAdmin(ReviewableAdminMixin, BaseModelAdmin):
    submit_step = review_submit_step(services.order_submit, document="order")
    change_form_outer_before_template = "sales/order_checks.html"
    change_form_outer_after_template = "sales/order_documents.html"
    steps = [
        Step(
            "override",
            _("Override the checks"),
            services.order_override_block,
            document="order",
            when=_refused_by_checks,
            form=OrderOverrideForm,
            title=_("Let the order through the trade and credit checks, saying why"),
            style="danger",
            done=_("The checks are overridden: the audit can go on."),
        ),
        Step(
            "ask_cancel",
            _("Ask to cancel the order"),
            services.order_cancel_request,
            document="order",
            to=SalesOrder.Status.CANCELLED,
            when=lambda order: order.status in SalesOrder.COMMITTED_STATUSES,
            form=ReasonForm,
            title=_("An approved order is cancelled once reviewed: say why"),
            style="danger",
            done=ASKED,
        ),
        Step(
            "invoice",
            _("Request invoice"),
            services.invoice_request_create,
            document="order",
            when=_invoiceable_now,
            title=_invoiceable_summary,
            form=OrderInvoiceForm,
            template="sales/order_invoice_lines.html",
            done=_("Invoice request created: check it and submit it for audit."),
            next_url=lambda order, invoice: reverse(
                "admin:sales_invoice_change", args=[invoice.pk]
            ),
        ),
        Step(
            "deliver",
            _("Create delivery"),
            services.delivery_create,
            document="order",
            when=lambda order: bool(services.order_deliverable(order)),
            form=OrderDeliverForm,
            title=_("Deliver"),
            template="sales/order_deliver_lines.html",
            done=_("Delivery created: check it and submit it for review."),
            next_url=lambda order, delivery: reverse(
                "admin:sales_delivery_change", args=[delivery.pk]
            ),
        ),
    ]
    list_display = [
        "display_number",
        "customer",
        "ordered_on",
        "status_badge",
        "gross_amount",
        "owner",
    ]
    list_display_links = ["display_number", "customer"]
    list_filter = ["status", "region", ("ordered_on", admin.DateFieldListFilter)]
    search_fields = ["number", "customer__name", "customer__name_initials", "customer__code"]
    list_select_related = ["customer", "owner"]
    autocomplete_fields = ["customer", "contract"]
    inlines = [OrderLineInline]
    date_hierarchy = "ordered_on"
    export_fields = [
        "number",
        "customer",
        "ordered_on",
        "status",
        "gross_amount",
        "net_amount",
        "tax_amount",
        "owner",
        "region",
    ]
    readonly_fields = [
        "number",
        "status",
        "gross_amount",
        "net_amount",
        "tax_amount",
        "block_override_reason",
        "block_override_by",
        "approved_by",
        "approved_at",
        "print_link",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "contract", "ordered_on", "note"]
        return [
            "number",
            "customer",
            "contract",
            "ordered_on",
            "status",
            "note",
            "gross_amount",
            "net_amount",
            "tax_amount",
            "block_override_reason",
            "block_override_by",
            "approved_by",
            "approved_at",
            "print_link",
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["customer", "contract"]
        return fields

    def get_changeform_initial_data(self, request):
        from django.utils import timezone

        return {"ordered_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None) -> bool:
        editable = obj is None or obj.status == SalesOrder.Status.DRAFT
        return editable and super().has_change_permission(request, obj)

    display_number = str_display(_("order number"))
    status_badge = status_badge_display(STATUS_COLOURS)
    print_link = print_link_display("admin:sales_salesorder_print", _("Outbound order"))

    def save_model(self, request, obj, form, change) -> None:
        if change:
            model_save(instance=obj, by=request.user)  # header fields of a draft
        # A new order is created with its lines in save_related, where the lines are known.

    def save_related(self, request, form, formsets, change) -> None:
        lines = _line_dicts(formsets[0]) if formsets else []
        for formset in formsets:  # the services save the lines; the admin's log reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        order = form.instance
        if change:
            services.order_lines_replace(order=order, by=request.user, lines=lines)
            return
        created = services.order_create(
            customer=order.customer,
            by=request.user,
            lines=lines,
            ordered_on=order.ordered_on,
            note=order.note,
            contract=order.contract,
        )
        order.pk = created.pk

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id) if object_id else None
        if order is not None:
            extra_context = {
                **(extra_context or {}),
                "order_checks": order_checks(order) if order.status in CHECKED_STATUSES else None,
                "order_documents": _document_sections(order_documents(order, by=request.user)),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_if_refused(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._warn_if_refused(request, obj)
        return super().response_change(request, obj)

    def _warn_if_refused(self, request: HttpRequest, order: SalesOrder) -> None:
        """At entry, before submission: what the audit would refuse, in words."""
        order = SalesOrder.objects.select_related("customer").get(pk=order.pk)
        checks = order_checks(order)
        if checks.refused:
            self.message_user(
                request,
                _("The audit will refuse this order unless a sales manager overrides: %s")
                % " ".join(checks.messages),
                level=messages.WARNING,
            )

    print_template = "sales/outbound_order.html"

    def print_context(self, order: SalesOrder) -> dict[str, Any]:
        return {
            "order": order,
            "lines": order.lines.select_related("product"),
            "address": order.customer.addresses.first(),
            "contact": order.customer.contacts.first(),
            "amount_words": rmb_upper(order.gross_amount),
            "is_outbound": order.number != "",
        }

    def print_filename(self, order: SalesOrder) -> str:
        return order.number or f"order-{order.pk}"


class DeliveryLineInline(TabularInline):
    model = DeliveryLine
    extra = 0
    fields = [
        "order_line",
        "quantity",
        "batch_number",
        "expires_on",
        "manufacturer",
        "approval_number",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DeliveryExtraInline(TabularInline):
    model = DeliveryExtra
    extra = 0
    fields = ["kind", "description", "quantity", "item", "location"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


DELIVERY_COLOURS = {
    "in_review": "warning",
    "released": "info",
    "shipped": "info",
    "signed": "success",
    "returned": "danger",
    "cancelled": "danger",
}


@admin.register(Delivery)
class DeliveryAdmin(ReviewableAdminMixin, BaseModelAdmin):
    submit_step = review_submit_step(services.delivery_submit, document="delivery")
    list_display = [
        "display_number",
        "order",
        "customer",
        "status_badge",
        "method",
        "promised_on",
        "tracking_number",
    ]
    list_display_links = ["display_number"]
    list_filter = ["status", "method", "region"]
    search_fields = [
        "number",
        "tracking_number",
        "customer__name",
        "customer__name_initials",
        "order__number",
    ]
    list_select_related = ["order", "customer"]
    inlines = [DeliveryLineInline, DeliveryExtraInline]
    steps = [
        Step(
            "shipped",
            _("Mark shipped"),
            services.delivery_ship,
            document="delivery",
            to=Delivery.Status.SHIPPED,
            form=DeliveryShipForm,
            title=_("Record the batch and expiry date of the goods of every line"),
            template="sales/delivery_ship_lines.html",
        ),
        Step(
            "signed",
            _("Signed for"),
            services.delivery_sign,
            document="delivery",
            to=Delivery.Status.SIGNED,
            form=DeliverySignForm,
        ),
        Step(
            "returned",
            _("Returned"),
            services.delivery_return,
            document="delivery",
            to=Delivery.Status.RETURNED,
            form=ReasonForm,
            style="danger",
        ),
    ]
    export_fields = [
        "number",
        "order",
        "customer",
        "status",
        "method",
        "carrier",
        "promised_on",
        "tracking_number",
        "signed_on",
        "signed_by_name",
    ]
    fields = [
        *export_fields,
        "ship_to_text",
        "return_reason",
        "released_by",
        "released_at",
        "print_link",
    ]
    readonly_fields = fields

    @display(description=_("ship-to address"))
    def ship_to_text(self, delivery: Delivery) -> str:
        parts = [delivery.ship_to_address, delivery.ship_to_recipient, delivery.ship_to_phone]
        return " · ".join(part for part in parts if part) or "—"

    def has_add_permission(self, request) -> bool:
        return False  # deliveries are made from an approved order's page

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # every change is a step (submit, review, ship, sign, return)

    display_number = str_display(_("delivery number"))
    status_badge = status_badge_display(DELIVERY_COLOURS)
    print_link = print_link_display("admin:sales_delivery_print", _("Delivery note"))

    print_template = "sales/delivery_note.html"

    def print_context(self, delivery: Delivery) -> dict[str, Any]:
        lines = delivery_note_lines(delivery)
        return {
            "delivery": delivery,
            "order": delivery.order,
            "lines": lines,
            "extras": delivery.extras.all(),
            "total": sum_amounts(row.amount for row in lines),
            "amount_words": rmb_upper(sum_amounts(row.amount for row in lines)),
        }


DIFFERENCE_COLOURS = {"differs": "danger", "ok": "success"}


class InvoiceLineInline(TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ["order_line", "quantity", "unit_price", "gross_amount", "difference"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @label_display(_("difference"), DIFFERENCE_COLOURS)
    def difference(self, line: InvoiceLine):
        problems = []
        if line.price_differs:
            problems.append(str(_("price differs from the order")))
        if line.quantity_exceeds:
            problems.append(str(_("beyond delivered")))
        if problems:
            return Label("differs", "; ".join(problems), DIFFERENCE_COLOURS)
        return Label("ok", _("matches"), DIFFERENCE_COLOURS)


INVOICE_COLOURS = {
    "in_review": "warning",
    "approved": "info",
    "issued": "success",
    "cancelled": "danger",
}


@admin.register(Invoice)
class InvoiceAdmin(ReviewableAdminMixin, BaseModelAdmin):
    submit_step = review_submit_step(services.invoice_submit, document="invoice")
    steps = [
        Step(
            "issue",
            _("Issued"),
            services.invoice_issue,
            document="invoice",
            to=Invoice.Status.ISSUED,
            form=InvoiceIssueForm,
            title=_("Record the issued VAT invoice"),
        ),
        Step(
            "mail",
            _("Mailed"),
            services.invoice_mail,
            document="invoice",
            when=lambda invoice: (
                invoice.status == Invoice.Status.ISSUED
                and invoice.kind == Invoice.Kind.NORMAL
                and not mail_for(invoice)
            ),
            form=InvoiceMailForm,
            title=_("The invoice went to the customer by express: its entry in the register"),
            style="secondary",
        ),
        Step(
            "reverse",
            _("Ask for a red letter"),
            services.invoice_reverse_request,
            document="invoice",
            when=lambda invoice: bool(services.invoice_reversible(invoice)),
            form=InvoiceReverseForm,
            title=_(
                "Ask for a red-letter invoice reversing it, in full or for chosen quantities: "
                "it is issued once reviewed"
            ),
            template="sales/invoice_reverse_lines.html",
            style="danger",
            done=ASKED,
        ),
    ]
    list_display = [
        "display_number",
        "kind",
        "order",
        "customer",
        "status_badge",
        "gross_amount",
        "vat_invoice_number",
        "issued_on",
    ]
    list_display_links = ["display_number"]
    list_filter = ["status", "kind", "invoice_type", "has_differences", "region"]
    search_fields = [
        "number",
        "vat_invoice_number",
        "customer__name",
        "customer__name_initials",
        "order__number",
    ]
    list_select_related = ["order", "customer"]
    inlines = [InvoiceLineInline]
    export_fields = [
        "number",
        "kind",
        "order",
        "customer",
        "status",
        "invoice_type",
        "gross_amount",
        "net_amount",
        "tax_amount",
        "vat_invoice_code",
        "vat_invoice_number",
        "issued_on",
    ]
    fields = [
        "print_link",
        "number",
        "kind",
        "reverses",
        "order",
        "merged_orders",
        "customer",
        "status",
        "invoice_type",
        "reason",
        "has_differences",
        "gross_amount",
        "net_amount",
        "tax_amount",
        "vat_invoice_code",
        "vat_invoice_number",
        "issued_on",
        "approved_by",
        "issued_by",
    ]
    readonly_fields = fields

    @display(description=_("orders invoiced"))
    def merged_orders(self, invoice: Invoice) -> str:
        return "、".join(str(order) for order in invoice_orders(invoice))

    @display(description=_("reason for the red letter"))
    def red_letter_reason(self, invoice: Invoice) -> str:
        return invoice.reason

    def is_reviewed(self, obj: Invoice) -> bool:
        return obj.kind == Invoice.Kind.NORMAL

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.kind == Invoice.Kind.RED:
            # a red letter's reason is why it reverses, not a difference from the order
            fields = [
                "red_letter_reason" if name == "reason" else name
                for name in fields
                if name != "has_differences"
            ]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "red_letter_reason"]

    def has_add_permission(self, request) -> bool:
        return False  # requested from an order's page

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # every change is a step (submit, audit, issue, reverse)

    display_number = str_display(_("number"))
    status_badge = status_badge_display(INVOICE_COLOURS)
    print_link = print_link_display("admin:sales_invoice_print", _("Invoice request"))

    print_template = "sales/invoice_request.html"

    def print_context(self, invoice: Invoice) -> dict[str, Any]:
        return {
            "invoice": invoice,
            "orders": list(invoice_orders(invoice)),
            "customer": invoice.customer,
            "lines": invoice.lines.select_related("order_line__product", "order_line__order"),
            "amount_words": rmb_upper(invoice.gross_amount),
        }

    def print_filename(self, invoice: Invoice) -> str:
        return invoice.number or invoice.vat_invoice_number or f"invoice-{invoice.pk}"


IMPORT_COLOURS = {
    "queued": "info",
    "running": "warning",
    "succeeded": "success",
    "failed": "danger",
}


@admin.register(HistoryImport)
class HistoryImportAdmin(BaseModelAdmin):
    """Historical imports: upload the files, watch the progress bar, read the counts or
    every bad row. The import itself runs in the task worker (history_import_task)."""

    list_display = ["__str__", "status_badge", "file_list", "summary", "created_by", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "source", "files", "counts", "created_by", "started_at"]
    actions_list = ["upload_history"]
    object_views = {"progress": "progress_view", "status": "status_view"}
    status_badge = status_badge_display(IMPORT_COLOURS)
    steps = [
        Step(
            "retry",
            _("Retry"),
            history_import_retry,
            document="history_import",
            # only a run that died: files with errors fail again until they are corrected
            when=lambda record: import_failure(record)["can_retry"],
            done=_("The import is queued again."),
            next_url=lambda record, _result: reverse(
                "admin:sales_historyimport_progress", args=[record.pk]
            ),
        )
    ]

    def changelist_view(self, request, extra_context=None):
        imports_fail_stale(HistoryImport)  # a run whose worker is gone shows as failed
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the upload page adds imports

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @display(description=_("files"))
    def file_list(self, obj: HistoryImport) -> str:
        return ", ".join(obj.files)

    @display(description=_("result"))
    def summary(self, obj: HistoryImport) -> str:
        if obj.errors:
            count = len(obj.errors)
            return ngettext("%(count)d problem", "%(count)d problems", count) % {"count": count}
        return "、".join(f"{label} {count}" for label, count in count_rows(obj) if count)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not is_ascii_digits(str(object_id)):  # no import has that id: the admin's own message
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return HttpResponseRedirect(reverse("admin:sales_historyimport_progress", args=[object_id]))

    @action(description=_("Import history"), icon="upload", url_path="upload")
    def upload_history(self, request: HttpRequest):
        if not request.user.has_perm("sales.add_historyimport"):
            raise PermissionDenied
        if request.method == "POST":
            try:
                record = history_upload(
                    files=request.FILES.getlist("files"),
                    by=request.user,
                    again=request.POST.get("again") == "on",
                )
            except ApplicationError as error:
                self.message_error(request, error)
                return HttpResponseRedirect(request.path)
            return HttpResponseRedirect(
                reverse("admin:sales_historyimport_progress", args=[record.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import history"),
            "opts": self.model._meta,
            "files": FILES,
        }
        return TemplateResponse(request, "sales/history_upload.html", context)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = object_or_404(self.get_queryset(request), pk)
        context = {
            **self.admin_site.each_context(request),
            "title": str(record),
            "opts": self.model._meta,
            "record": record,
            "progress": history_progress(record),  # first: it marks a dead run failed
            "failure": import_failure(record),
            "counts": count_rows(record),
            "document_steps": self.document_steps(request, record),
            "previous": import_previous(HistoryImport, sha256=record.sha256, other_than=record.pk),
            "status_url": reverse("admin:sales_historyimport_status", args=[pk]),
        }
        return TemplateResponse(request, "sales/history_progress.html", context)

    def status_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        record = object_or_404(self.get_queryset(request), pk)
        return JsonResponse(history_progress(record))


@admin.register(HistoryOrder)
class HistoryOrderAdmin(BaseModelAdmin):
    """Orders brought in by a history import: read only, searched and filtered like the
    orders, each with its lines. The same visibility as the orders (registered in apps)."""

    list_display = [
        "number",
        "customer",
        "day",
        "gross_amount",
        "net_amount",
        "line_count",
        "owner",
        "region",
    ]
    list_filter = ["region", ("day", admin.DateFieldListFilter), "history_import"]
    search_fields = ["number", "customer__name", "customer__name_initials", "customer__code"]
    list_select_related = ["customer", "owner", "region"]
    date_hierarchy = "day"
    show_full_result_count = False  # a million-row history: no second COUNT per page
    export_fields = [
        "number",
        "customer",
        "day",
        "customer_kind",
        "quantity",
        "gross_amount",
        "net_amount",
        "line_count",
        "owner",
        "region",
        "history_import",
    ]
    fields = [
        "number",
        "customer",
        "day",
        "owner",
        "region",
        "kind",
        "gross_amount",
        "net_amount",
        "tax",
        "history_import",
        "line_table",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the history import adds them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @display(description=_("VAT"))
    def tax(self, obj: HistoryOrder) -> Any:
        return obj.tax_amount

    @display(description=_("customer kind"))
    def kind(self, obj: HistoryOrder) -> str:
        return Customer.Kind(obj.customer_kind).label if obj.customer_kind else ""

    @display(description=_("Order lines"))
    def line_table(self, obj: HistoryOrder) -> str:
        lines = [
            (line, f"{line.unit_price.normalize():f}")  # 2.675 stays 2.675, 12.500000 is 12.5
            for line in obj.lines.select_related("product").order_by("line_no")
        ]
        return render_to_string("sales/history_lines.html", {"lines": lines})
