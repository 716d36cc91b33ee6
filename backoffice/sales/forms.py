"""The input of the sales documents' steps on their pages (core.steps)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.steps import StepForm
from backoffice.office.models import Carrier
from backoffice.parties.models import DeliveryAddress
from backoffice.sales.models import Delivery, Invoice, SalesOrder
from backoffice.sales.selectors import delivery_batch_choices
from backoffice.sales.services import (
    INVOICEABLE,
    invoice_reversible,
    invoiceable,
    order_deliverable,
)


class ReasonForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=2000)


class OrderOverrideForm(StepForm):
    """Why a sales manager lets the order through the trade and credit checks (audited)."""

    reason = forms.CharField(
        label=_("Why the checks are overridden"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliveryShipForm(StepForm):
    """Goods leave the warehouse: one row per line with the batch and expiry of the goods
    (required), their manufacturer and approval number (the product's to start with), and
    the tracking number. The batches offered come from `delivery_batch_choices` (none until
    the materials stock exists: the warehouse types them)."""

    tracking_number = forms.CharField(label=_("tracking number"), max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.rows = []
        lines = self.document.lines.select_related("order_line__product").order_by(
            "order_line__line_no"
        )
        for line in lines:
            product = line.order_line.product
            row: dict[str, Any] = {
                "line": line,
                "batches": delivery_batch_choices(product),
                "list_id": f"batches_{line.pk}",
            }
            specs = {
                "batch": forms.CharField(
                    label=_("batch number"),
                    max_length=64,
                    initial=line.batch_number,
                    widget=forms.TextInput(attrs={"list": row["list_id"], "class": "w-36"}),
                ),
                "expiry": forms.DateField(
                    label=_("expiry date"),
                    initial=line.expires_on,
                ),
                "manufacturer": forms.CharField(
                    label=_("manufacturer"),
                    max_length=200,
                    required=False,
                    initial=line.manufacturer or product.manufacturer,
                ),
                "approval": forms.CharField(
                    label=_("approval number"),
                    max_length=64,
                    required=False,
                    initial=line.approval_number or product.approval_number,
                    widget=forms.TextInput(attrs={"class": "w-44"}),
                ),
            }
            for key, field in specs.items():
                name = f"{key}_{line.pk}"
                self.fields[name] = self.style(field)
                if key == "expiry":  # the style gives dates the picker; no past expiry in it
                    self.fields[name].widget.attrs["min"] = today.isoformat()
                row[key] = self[name]
            self.rows.append(row)
        self.in_template = frozenset(
            f"{key}_{row['line'].pk}"
            for row in self.rows
            for key in ("batch", "expiry", "manufacturer", "approval")
        )
        if self.document.method in {Delivery.Method.EXPRESS, Delivery.Method.LOGISTICS}:
            # chosen with the delivery, or now: the one the goods leave with
            self.fields["carrier"] = self.style(
                forms.ModelChoiceField(
                    label=_("carrier"),
                    queryset=Carrier.objects.choosable([self.document.carrier_id]),
                    initial=self.document.carrier_id,
                )
            )
            self.fields["tracking_number"].required = True
            self.order_fields(["carrier", "tracking_number"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        for row in self.rows:
            name = f"expiry_{row['line'].pk}"
            expires_on = data.get(name)
            if expires_on and expires_on < today:
                self.add_error(name, _("expired: these goods cannot be shipped"))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "tracking_number": data["tracking_number"],
            "carrier": data.get("carrier"),
            "lines": [
                {
                    "delivery_line": row["line"].pk,
                    "batch_number": data[f"batch_{row['line'].pk}"],
                    "expires_on": data[f"expiry_{row['line'].pk}"],
                    "manufacturer": data[f"manufacturer_{row['line'].pk}"],
                    "approval_number": data[f"approval_{row['line'].pk}"],
                }
                for row in self.rows
            ],
        }


class DeliverySignForm(StepForm):
    signed_on = forms.DateField(label=_("signed on"))
    signed_by = forms.CharField(label=_("signed by"), max_length=100)


class OrderDeliverForm(StepForm):
    """A quantity for each line that can still be delivered (its remainder to start with),
    how the goods go, and when they are promised."""

    method = forms.ChoiceField(
        label=_("method"), choices=Delivery.Method.choices, initial=Delivery.Method.EXPRESS
    )
    carrier = forms.ModelChoiceField(
        label=_("carrier"),
        queryset=Carrier.objects.filter(status=Carrier.Status.APPROVED),
        required=False,
    )
    promised_on = forms.DateField(label=_("promised on"), required=False)
    address = forms.ModelChoiceField(
        label=_("ship-to address"), queryset=DeliveryAddress.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        addresses = DeliveryAddress.objects.filter(customer_id=self.document.customer_id).order_by(
            "-is_default", "id"
        )
        address = self.fields["address"]
        address.queryset = addresses
        address.label_from_instance = _address_label
        address.empty_label = None
        address.required = addresses.exists()
        address.initial = next(iter(addresses.values_list("pk", flat=True)[:1]), None)
        self.rows = order_deliverable(self.document)
        for row in self.rows:
            line = row["line"]
            name = f"qty_{line.pk}"
            self.fields[name] = self.style(
                forms.DecimalField(
                    label=f"{line.line_no} · {line.product}",
                    required=False,
                    min_value=0,
                    max_digits=16,
                    decimal_places=3,
                    initial=f"{row['remaining'].normalize():f}",
                    widget=forms.TextInput(attrs={"class": "w-32", "inputmode": "decimal"}),
                )
            )
            row["field"] = self[name]
        self.in_template = frozenset(f"qty_{row['line'].pk}" for row in self.rows)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in self.in_template):
            raise forms.ValidationError(_("Enter the quantity to deliver of at least one line."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "lines": [
                {"order_line": row["line"].pk, "quantity": str(quantity)}
                for row in self.rows
                if (quantity := data.get(f"qty_{row['line'].pk}"))
            ],
            "method": data["method"],
            "carrier": data["carrier"],
            "promised_on": data["promised_on"],
            "address": data.get("address"),
        }


def _address_label(address: DeliveryAddress) -> str:
    parts = [address.label, address.address, address.recipient, address.phone]
    return " · ".join(part for part in parts if part)


class OrderInvoiceForm(StepForm):
    """An invoice request of chosen lines and quantities: this order's invoiceable lines
    (all of what is available, to start with), and those of the customer's other orders,
    to merge into the same request (empty to start with)."""

    MERGE_ORDERS = 20  # the customer's most recent other orders offered for merging

    invoice_type = forms.ChoiceField(label=_("invoice type"), choices=Invoice.InvoiceType.choices)
    reason = forms.CharField(
        label=_("reason for differences"),
        max_length=2000,
        required=False,
        help_text=_("only when quantities go beyond what was delivered"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = self.document
        self.fields["invoice_type"].initial = order.customer.invoice_type
        others = (
            SalesOrder.objects.filter(customer_id=order.customer_id, status__in=INVOICEABLE)
            .exclude(pk=order.pk)
            .select_related("customer")
            .order_by("-ordered_on", "-id")[: self.MERGE_ORDERS]
        )
        self.rows = []
        for each in [order, *others]:
            for row in invoiceable(each):
                line = row["line"]
                name = f"qty_{line.pk}"
                own = each.pk == order.pk
                self.fields[name] = self.style(
                    forms.DecimalField(
                        label=f"{each.number} · {line.line_no} · {line.product}",
                        required=False,
                        min_value=0,
                        max_digits=16,
                        decimal_places=3,
                        initial=f"{row['available'].normalize():f}" if own else None,
                        widget=forms.TextInput(attrs={"class": "w-32", "inputmode": "decimal"}),
                    )
                )
                self.rows.append({**row, "order": each, "own": own, "field": self[name]})
        self.in_template = frozenset(f"qty_{row['line'].pk}" for row in self.rows)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in self.in_template):
            raise forms.ValidationError(_("Enter the quantity to invoice of at least one line."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        chosen = [row for row in self.rows if data.get(f"qty_{row['line'].pk}")]
        return {
            "lines": [
                {"order_line": row["line"].pk, "quantity": str(data[f"qty_{row['line'].pk}"])}
                for row in chosen
            ],
            "orders": list({row["order"].pk: row["order"] for row in chosen}.values()),
            "reason": data["reason"],
            "invoice_type": data["invoice_type"],
        }


INVOICE_CODE_HELP = _("paper invoices: 10 or 12 digits; none on a fully-digital e-invoice")


class InvoiceIssueForm(StepForm):
    invoice_type = forms.ChoiceField(label=_("invoice type"), choices=Invoice.InvoiceType.choices)
    invoice_code = forms.CharField(
        label=_("VAT invoice code"), max_length=12, required=False, help_text=INVOICE_CODE_HELP
    )
    invoice_number = forms.CharField(label=_("VAT invoice number"), max_length=20)
    issued_on = forms.DateField(label=_("issued on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice_type"].initial = self.document.invoice_type


class InvoiceMailForm(StepForm):
    """How the invoice went to the customer: by which carrier, under which number."""

    carrier = forms.ModelChoiceField(
        label=_("carrier"), queryset=Carrier.objects.filter(status=Carrier.Status.APPROVED)
    )
    tracking_number = forms.CharField(label=_("tracking number"), max_length=64)
    promised_on = forms.DateField(label=_("promised date"), required=False)
    cost = forms.DecimalField(
        label=_("expected cost"), max_digits=16, decimal_places=2, min_value=0, initial="0"
    )
    address = forms.CharField(label=_("address"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"].initial = self.document.customer.address


class InvoiceReverseForm(StepForm):
    invoice_code = forms.CharField(
        label=_("VAT invoice code"), max_length=12, required=False, help_text=INVOICE_CODE_HELP
    )
    invoice_number = forms.CharField(label=_("VAT invoice number"), max_length=20)

    issued_on = forms.DateField(label=_("issued on"))
    reason = forms.CharField(label=_("reason"), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice_code"].initial = self.document.vat_invoice_code
        # A red letter of chosen lines and quantities: what is left of each line, to start
        # with (the whole invoice).
        self.rows = invoice_reversible(self.document)
        for row in self.rows:
            line = row["line"]
            name = f"qty_{line.order_line_id}"
            self.fields[name] = self.style(
                forms.DecimalField(
                    label=f"{line.order_line.order.number} · {line.order_line.line_no} · "
                    f"{line.order_line.product}",
                    required=False,
                    min_value=0,
                    max_digits=16,
                    decimal_places=3,
                    initial=f"{row['left'].normalize():f}",
                    widget=forms.TextInput(attrs={"class": "w-32", "inputmode": "decimal"}),
                )
            )
            row["field"] = self[name]
        self.in_template = frozenset(f"qty_{row['line'].order_line_id}" for row in self.rows)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in self.in_template):
            raise forms.ValidationError(_("Enter the quantity to reverse of at least one line."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "invoice_code": data["invoice_code"],
            "invoice_number": data["invoice_number"],
            "issued_on": data["issued_on"],
            "reason": data["reason"],
            "lines": [
                {"order_line": line.order_line_id, "quantity": str(quantity)}
                for line in (row["line"] for row in self.rows)
                if (quantity := data.get(f"qty_{line.order_line_id}"))
            ],
        }
