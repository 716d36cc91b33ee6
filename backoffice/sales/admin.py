"""Staff UI of sales orders: entry with lines, the audit panel, the outbound order print."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from backoffice.core.admin import BaseModelAdmin, object_or_404
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import rmb_upper
from backoffice.core.services import model_save
from backoffice.core.transitions import allowed_transitions
from backoffice.reviews.admin import ReviewableAdminMixin
from backoffice.sales import services
from backoffice.sales.models import SalesOrder, SalesOrderLine

STATUS_COLOURS = {
    "draft": "info",
    "in_review": "warning",
    "approved": "success",
    "partially_delivered": "primary",
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
                customer=order.customer, lines=_line_dicts(self), ordered_on=order.ordered_on
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


class OrderLineInline(TabularInline):
    model = SalesOrderLine
    form = OrderLineForm
    formset = OrderLineFormSet
    extra = 1
    autocomplete_fields = ["product"]
    readonly_fields = ["gross_amount", "delivered_quantity", "invoiced_quantity"]
    fields = [
        "product",
        "quantity",
        "unit_price",
        "is_gift",
        "gross_amount",
        "delivered_quantity",
        "invoiced_quantity",
    ]


@admin.register(SalesOrder)
class SalesOrderAdmin(ReviewableAdminMixin, BaseModelAdmin):
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
    autocomplete_fields = ["customer"]
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
            return ["customer", "ordered_on", "note"]
        return [
            "number",
            "customer",
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
            fields.append("customer")
        return fields

    def get_changeform_initial_data(self, request):
        from django.utils import timezone

        return {"ordered_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None) -> bool:
        editable = obj is None or obj.status == SalesOrder.Status.DRAFT
        return editable and super().has_change_permission(request, obj)

    @display(description=_("order number"))
    def display_number(self, obj: SalesOrder) -> str:
        return str(obj)

    @display(description=_("status"), label=STATUS_COLOURS)
    def status_badge(self, obj: SalesOrder):
        return obj.status, obj.get_status_display()

    @display(description=_("print"))
    def print_link(self, obj: SalesOrder) -> str:
        url = reverse("admin:sales_salesorder_print", args=[obj.pk])
        return format_html(
            '<a class="text-primary-600" href="{}" target="_blank">{}</a> · '
            '<a class="text-primary-600" href="{}?format=pdf">PDF</a>',
            url,
            _("Outbound order"),
            url,
        )

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
        )
        order.pk = created.pk

    def review_submit_document(self, request, obj) -> None:
        services.order_submit(order=obj, by=request.user)

    def may_submit(self, request, obj) -> bool:
        return "in_review" in allowed_transitions(obj) and super().has_change_permission(
            request, obj
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/print/",
                self.admin_site.admin_view(self.print_view),
                name="sales_salesorder_print",
            ),
            *super().get_urls(),
        ]

    def print_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = object_or_404(self.get_queryset(request), pk)
        html = render_to_string(
            "sales/outbound_order.html",
            {
                "order": order,
                "lines": order.lines.select_related("product"),
                "address": order.customer.addresses.first(),
                "contact": order.customer.contacts.first(),
                "amount_words": rmb_upper(order.gross_amount),
                "is_outbound": order.number != "",
            },
            request=request,
        )
        if request.GET.get("format") != "pdf":
            return HttpResponse(html)
        from weasyprint import HTML

        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        name = order.number or f"order-{order.pk}"
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
