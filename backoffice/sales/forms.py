"""The input of the sales documents' steps on their pages (core.steps)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.core.steps import StepForm
from backoffice.sales.models import Delivery, Invoice
from backoffice.sales.services import order_deliverable


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
    tracking_number = forms.CharField(label=_("tracking number"), max_length=64, required=False)


class DeliverySignForm(StepForm):
    signed_on = forms.DateField(label=_("signed on"))
    signed_by = forms.CharField(label=_("signed by"), max_length=100)


class OrderDeliverForm(StepForm):
    """A quantity for each line that can still be delivered (its remainder to start with),
    how the goods go, and when they are promised."""

    method = forms.ChoiceField(
        label=_("method"), choices=Delivery.Method.choices, initial=Delivery.Method.EXPRESS
    )
    carrier = forms.CharField(label=_("carrier"), max_length=100, required=False)
    promised_on = forms.DateField(label=_("promised on"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
        }


class InvoiceIssueForm(StepForm):
    invoice_number = forms.CharField(label=_("VAT invoice number"), max_length=20)
    issued_on = forms.DateField(label=_("issued on"))
    invoice_type = forms.ChoiceField(label=_("invoice type"), choices=Invoice.InvoiceType.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice_type"].initial = self.document.invoice_type


class InvoiceReverseForm(StepForm):
    invoice_number = forms.CharField(label=_("VAT invoice number"), max_length=20)
    issued_on = forms.DateField(label=_("issued on"))
    reason = forms.CharField(label=_("reason"), max_length=2000)
