"""Staff UI of the ledger: receipts (entered with their allocations), receivables, the
journal and the chart of accounts (read-only); supplier invoices and payments."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from backoffice.core.access import Actor, visibility_selector
from backoffice.core.admin import (
    BaseModelAdmin,
    ReadOnlyRowsInline,
    RecordedElsewhere,
    ServiceErrorsAsMessages,
    object_or_404,
    print_link_display,
)
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import rmb_upper
from backoffice.core.printing import PRINT_LANGUAGE, render_document
from backoffice.core.steps import Step
from backoffice.ledger.forms import (
    ReceiptAllocateForm,
    ReceiptForm,
    StatementPeriodForm,
    period_presets,
)
from backoffice.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    PaymentAllocation,
    Receipt,
    ReceiptAllocation,
    Receivable,
    SupplierInvoice,
    SupplierPayment,
)
from backoffice.ledger.selectors import (
    OPEN,
    customer_credit,
    customer_statement,
    open_receivables,
    payable_source,
)
from backoffice.ledger.services import (
    receipt_allocate,
    receipt_create,
    supplier_invoice_create,
    supplier_payment_create,
)


class ReadOnlyAdmin(RecordedElsewhere, BaseModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("open", _("Open (not yet settled)"))]

    def queryset(self, request, queryset):
        # the one definition of open and overdue (ledger.selectors), as the dashboard counts
        if self.value() == "yes":
            return queryset.filter(OPEN, due_on__lt=timezone.localdate())
        if self.value() == "open":
            return queryset.filter(OPEN)
        return queryset


@admin.register(Receivable)
class ReceivableAdmin(ReadOnlyAdmin):
    list_display = [
        "document_number",
        "customer",
        "issued_on",
        "due_on",
        "amount",
        "allocated_amount",
        "credited_amount",
        "open",
    ]
    list_filter = [OverdueFilter, "region", ("due_on", admin.DateFieldListFilter)]
    search_fields = ["document_number", "customer__name", "customer__name_initials"]
    list_select_related = ["customer"]

    @display(description=_("outstanding"))
    def open(self, obj: Receivable):
        return obj.open_amount


class AllocationInline(TabularInline):
    model = ReceiptAllocation
    extra = 0
    show_title = False  # each row's heading would repeat it as "RC-… → INV-…: 100.00"
    fields = ["receivable", "amount", "allocated_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CreditFilter(admin.SimpleListFilter):
    """Receipts that still hold part of their money as the customer's credit."""

    title = _("customer credit")
    parameter_name = "credit"

    def lookups(self, request, model_admin):
        return [("yes", _("With credit left to allocate"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.filter(allocated_amount__lt=F("amount"))


def _has_credit_and_invoices(receipt: Receipt) -> bool:
    return receipt.allocated_amount < receipt.amount and (
        open_receivables(receipt.customer_id).exists()
    )


@admin.register(Receipt)
class ReceiptAdmin(BaseModelAdmin):
    form = ReceiptForm
    # The rows of open invoices follow the customer chosen: the page reloads with what was
    # typed so far, which the theme's "leave the page?" warning would stop.
    warn_unsaved_form = False
    change_form_after_template = "ledger/receipt_allocation.html"
    steps = [
        Step(
            "allocate",
            _("Apply credit"),
            receipt_allocate,
            document="receipt",
            when=_has_credit_and_invoices,
            form=ReceiptAllocateForm,
            title=lambda receipt: (
                _("Allocate the %(credit)s left on this receipt to open invoices")
                % {"credit": receipt.amount - receipt.allocated_amount}
            ),
            template="ledger/allocation_rows.html",
            done=_("Credit applied to the invoices."),
        )
    ]
    print_link = print_link_display("admin:ledger_receipt_print", _("Receipt"))
    list_display = [
        "number",
        "customer",
        "received_on",
        "amount",
        "allocated_amount",
        "unallocated",
        "method",
    ]
    list_filter = [
        CreditFilter,
        "method",
        "region",
        ("received_on", admin.DateFieldListFilter),
    ]
    search_fields = ["number", "bank_reference", "customer__name", "customer__name_initials"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    inlines = [AllocationInline]
    export_fields = [
        "number",
        "customer",
        "received_on",
        "amount",
        "allocated_amount",
        "method",
        "bank_reference",
    ]

    print_template = "ledger/receipt.html"

    @display(description=_("credit left"))
    def unallocated(self, obj: Receipt):
        return obj.amount - obj.allocated_amount

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a class of this request's own (modelform_factory)
        return form

    def print_context(self, receipt: Receipt) -> dict[str, Any]:
        return {
            "receipt": receipt,
            "allocations": receipt.allocations.select_related("receivable"),
            "amount_words": rmb_upper(receipt.amount),
            "unallocated": receipt.amount - receipt.allocated_amount,
        }

    def get_inlines(self, request, obj=None):
        return [AllocationInline] if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "received_on", "amount", "method", "bank_reference"]
        return [
            "print_link",
            "number",
            "customer",
            "received_on",
            "amount",
            "allocated_amount",
            "unallocated",
            "method",
            "bank_reference",
            "created_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {"received_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        try:
            receipt = receipt_create(
                customer=data["customer"],
                by=request.user,
                amount=data["amount"],
                received_on=data["received_on"],
                method=data["method"],
                bank_reference=data.get("bank_reference", ""),
                allocations=data["allocations"],
            )
        except ApplicationError as error:
            raise forms.ValidationError(str(error.message)) from error
        obj.pk = receipt.pk

    def add_view(self, request, form_url="", extra_context=None):
        # The form checked the amounts; a receipt entered elsewhere at the same moment can
        # still take the outstanding amount. The admin's transaction is rolled back by then.
        try:
            return super().add_view(request, form_url, extra_context)
        except forms.ValidationError as error:
            self.message_user(request, " ".join(error.messages), level="ERROR")
            return HttpResponseRedirect(request.path)


class JournalLineInline(TabularInline):
    model = JournalLine
    extra = 0
    fields = ["account", "customer", "debit", "credit"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["number", "posted_on", "source_number", "memo"]
    list_filter = [("posted_on", admin.DateFieldListFilter), "source_model"]
    search_fields = ["number", "source_number", "memo"]
    inlines = [JournalLineInline]
    date_hierarchy = "posted_on"


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


def statement_view(request: HttpRequest, customer_id: int):
    """The customer statement (对账单) to send to the customer, as a page or a PDF, for a
    period picked on the page; a bad date is shown beside its field (400), never a 500."""
    customers = visibility_selector("parties.customer")(request.user)
    customer = object_or_404(customers, customer_id)
    if not request.user.has_perm("ledger.view_journalline"):
        raise PermissionDenied
    today = timezone.localdate()
    period = StatementPeriodForm(request.GET, today=today)
    context: dict[str, Any] = {
        "customer": customer,
        "period": period,
        "presets": period_presets(today),
        "credit": customer_credit(customer),
        "credit_url": reverse("admin:ledger_receipt_changelist")
        + f"?customer__id__exact={customer.pk}&credit=yes",
        "may_allocate": request.user.has_perm("ledger.add_receiptallocation"),
    }
    if not period.is_valid():  # the page with the errors, even when a PDF was asked for
        return render(request, "ledger/statement.html", context, status=400)
    date_from, date_to = period.cleaned_data["date_from"], period.cleaned_data["date_to"]
    statement = customer_statement(customer=customer, date_from=date_from, date_to=date_to)
    context.update(
        statement=statement,
        date_from=date_from,
        date_to=date_to,
        closing_words=rmb_upper(statement["closing"]),
    )
    return render_document(
        request,
        "ledger/statement.html",
        context,
        filename=f"statement-{customer.code}-{date_to.isoformat()}",
        # the page is also a form, in the reader's language, as when its period is refused
        language=PRINT_LANGUAGE if request.GET.get("format") == "pdf" else None,
    )


# — Payables: supplier invoices and payments (moved from contracts, as they were).


class InvoiceAllocationInline(ReadOnlyRowsInline):
    model = PaymentAllocation
    fields = ["payment", "amount"]
    readonly_fields = fields


class SupplierInvoiceForm(forms.ModelForm):
    class Meta:
        model = SupplierInvoice
        fields = ["contract", "vat_invoice_number", "issued_on", "due_on", "gross_amount",
                  "tax_amount"]  # fmt: skip
        help_texts = {"due_on": _("empty: by the supplier's payment terms")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "due_on" in self.fields:
            self.fields["due_on"].required = False

    def save_via_service(self, by: Actor) -> SupplierInvoice:
        data = self.cleaned_data
        return supplier_invoice_create(
            contract=data["contract"],
            by=by,
            vat_invoice_number=data["vat_invoice_number"],
            issued_on=data["issued_on"],
            due_on=data.get("due_on"),
            gross_amount=data["gross_amount"],
            tax_amount=data["tax_amount"],
        )


@admin.register(SupplierInvoice)
class SupplierInvoiceAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    form = SupplierInvoiceForm
    list_display = ["number", "vat_invoice_number", "supplier", "contract", "issued_on",
                    "due_on", "gross_amount", "paid_amount"]  # fmt: skip
    list_filter = [("due_on", admin.DateFieldListFilter)]
    search_fields = ["number", "vat_invoice_number", "supplier__name", "contract__number"]
    list_select_related = ["supplier", "contract"]
    inlines = [InvoiceAllocationInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contract":
            kwargs["queryset"] = payable_source().open_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["number", "supplier", *SupplierInvoiceForm.Meta.fields, "net_amount",
                "paid_amount"]  # fmt: skip

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.pk = form.save_via_service(request.user).pk


class PaymentAllocationInline(ReadOnlyRowsInline):
    model = PaymentAllocation
    fields = ["invoice", "amount"]
    readonly_fields = fields


class SupplierPaymentForm(forms.ModelForm):
    allocate = forms.CharField(
        label=_("allocate to supplier invoices"),
        required=False,
        help_text=_("one per line: VAT invoice number, amount — e.g. 12345678, 1000.00"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = SupplierPayment
        fields = ["supplier", "paid_on", "amount", "method", "bank_reference"]

    def allocations(self) -> list[dict[str, Any]]:
        rows = []
        supplier = self.cleaned_data.get("supplier")
        for number, raw in enumerate((self.cleaned_data.get("allocate") or "").splitlines(), 1):
            if not raw.strip():
                continue
            document, _sep, amount = raw.replace("，", ",").partition(",")
            invoice = SupplierInvoice.objects.filter(
                vat_invoice_number=document.strip(), supplier=supplier
            ).first()
            if invoice is None:
                raise ValidationError(
                    _("Line %(n)d: no invoice %(doc)s of this supplier.")
                    % {"n": number, "doc": document.strip()}
                )
            rows.append({"invoice": invoice, "amount": amount.strip() or "0"})
        return rows


@admin.register(SupplierPayment)
class SupplierPaymentAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    form = SupplierPaymentForm
    list_display = ["number", "supplier", "paid_on", "amount", "method", "bank_reference"]
    list_filter = ["method", ("paid_on", admin.DateFieldListFilter)]
    search_fields = ["number", "supplier__name", "bank_reference"]
    list_select_related = ["supplier"]
    autocomplete_fields = ["supplier"]
    inlines = [PaymentAllocationInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*SupplierPaymentForm.Meta.fields, "allocate"]
        return ["number", *SupplierPaymentForm.Meta.fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        payment = supplier_payment_create(
            supplier=data["supplier"],
            by=request.user,
            amount=data["amount"],
            paid_on=data["paid_on"],
            method=data["method"],
            bank_reference=data.get("bank_reference", ""),
            allocations=form.allocations(),
        )
        obj.pk = payment.pk

    def save_related(self, request, form, formsets, change) -> None:
        pass
