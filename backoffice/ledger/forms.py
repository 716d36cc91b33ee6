"""Forms of the ledger's pages: a receipt allocated to the customer's open invoices, as rows
(when it is entered, and later as the receipt's "Apply credit" step), and the customer
statement's period."""

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.filters import IsoDateField, is_ascii_digits
from backoffice.core.money import ZERO, sum_amounts, to_decimal
from backoffice.core.steps import StepForm
from backoffice.ledger.models import Receipt, Receivable
from backoffice.ledger.selectors import customer_visible_to, open_receivables


def oldest_first(open_amounts: list[Decimal], available: Decimal) -> list[Decimal]:
    """The proposal: `available` spread over the open amounts in their order, each taking
    all it can until nothing is left."""
    left, shares = max(available, ZERO), []
    for open_amount in open_amounts:
        share = min(left, open_amount)
        shares.append(share)
        left -= share
    return shares


def _amount_or_none(value: Any) -> Decimal | None:
    try:
        return to_decimal(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class AllocationRows:
    """One "amount to allocate" input per open invoice of the customer (field
    `allocate_<receivable id>`), the money proposed oldest due first. A bound form also
    keeps the rows it was shown with, so that an invoice settled meanwhile comes back with
    an error beside it rather than being dropped."""

    rows: list[dict[str, Any]]

    def add_allocation_rows(self, *, customer: Any, available: Decimal | None) -> None:
        self.rows = []
        if customer is None:
            return
        receivables = list(open_receivables(customer))
        if self.is_bound:
            shown = {
                int(key.removeprefix("allocate_"))
                for key in self.data
                if key.startswith("allocate_") and is_ascii_digits(key.removeprefix("allocate_"))
            } - {r.pk for r in receivables}
            if shown:
                receivables += Receivable.objects.filter(
                    customer=customer, amount__gt=0, pk__in=shown
                )
                receivables.sort(key=lambda r: (r.due_on, r.issued_on, r.pk))
        proposal = oldest_first([r.open_amount for r in receivables], available or ZERO)
        for receivable, share in zip(receivables, proposal, strict=True):
            name = f"allocate_{receivable.pk}"
            self.fields[name] = StepForm.style(
                forms.DecimalField(
                    label=_("amount to allocate to %s") % receivable.document_number,
                    required=False,
                    max_digits=16,
                    decimal_places=2,
                    initial=f"{share:f}" if share else "",
                    widget=forms.TextInput(
                        attrs={
                            "class": "w-36 text-right",
                            "inputmode": "decimal",
                            "data-open": f"{receivable.open_amount:f}",
                        }
                    ),
                )
            )
            self.rows.append(
                {"receivable": receivable, "open": receivable.open_amount, "field": self[name]}
            )
        self.in_template = frozenset(f"allocate_{row['receivable'].pk}" for row in self.rows)

    def clean_allocation_rows(self, *, available: Decimal | None) -> list[dict[str, Any]]:
        """The shares asked for, each checked against its invoice's outstanding amount and
        all together against the money available; every problem beside its row."""
        wanted, running = [], ZERO
        for row in self.rows:
            receivable, name = row["receivable"], f"allocate_{row['receivable'].pk}"
            share = self.cleaned_data.get(name)
            if share is None or share == 0:
                continue
            if share < 0:
                self.add_error(name, _("An amount to allocate cannot be negative."))
                continue
            if share > receivable.open_amount:
                self.add_error(
                    name,
                    _("Invoice %(invoice)s has only %(open)s outstanding.")
                    % {"invoice": receivable.document_number, "open": receivable.open_amount},
                )
                continue
            running += share
            if available is not None and running > available:
                self.add_error(
                    name,
                    _("This goes beyond the %(available)s the receipt has to allocate.")
                    % {"available": available},
                )
            wanted.append({"receivable": receivable, "amount": share})
        total = sum_amounts(row["amount"] for row in wanted)
        if available is not None and total > available:
            self.add_error(
                None,
                _("%(total)s would be allocated, but the receipt has only %(available)s.")
                % {"total": total, "available": available},
            )
        return wanted


class ReceiptForm(AllocationRows, forms.ModelForm):
    """A receipt as it is entered: the money, and its allocation to the customer's open
    invoices. The rows are those of the customer chosen (the page reloads when the customer
    changes); only customers the user may see are offered."""

    user: Any = None  # set by the admin's get_form

    class Meta:
        model = Receipt
        fields = ["customer", "received_on", "amount", "method", "bank_reference"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customers = customer_visible_to(self.user)
        if "customer" in self.fields:
            self.fields["customer"].queryset = customers
        source = self.data if self.is_bound else self.initial
        raw = source.get("customer")
        is_id = raw is not None and is_ascii_digits(str(raw))
        customer = customers.filter(pk=raw).first() if is_id else None
        self.add_allocation_rows(
            customer=customer,
            available=None if self.is_bound else _amount_or_none(source.get("amount")),
        )
        self.customer_chosen = customer

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("The amount received must be more than 0."))
        return amount

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["allocations"] = self.clean_allocation_rows(available=data.get("amount"))
        return data


class ReceiptAllocateForm(AllocationRows, StepForm):
    """The receipt's "Apply credit" step: what it left unallocated, proposed to the
    customer's open invoices oldest due first."""

    allocated_on = forms.DateField(label=_("allocated on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        receipt = self.document
        self.fields["allocated_on"].initial = timezone.localdate()
        self.available = receipt.amount - receipt.allocated_amount
        self.add_allocation_rows(customer=receipt.customer, available=self.available)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["allocations"] = self.clean_allocation_rows(available=self.available)
        if not data["allocations"] and not self.errors:
            raise forms.ValidationError(_("Enter an amount to allocate to at least one invoice."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        return {
            "allocations": self.cleaned_data["allocations"],
            "allocated_on": self.cleaned_data["allocated_on"],
        }


# — The statement's period.


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_presets(today: date) -> list[tuple[Any, date, date]]:
    """(label, first day, last day) of this month, last month, this quarter, this year."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    quarter_end = _month_end(quarter_start.replace(month=quarter_start.month + 2))
    return [
        (_("This month"), month_start, _month_end(today)),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("This quarter"), quarter_start, quarter_end),
        (_("This year"), today.replace(month=1, day=1), today.replace(month=12, day=31)),
    ]


class StatementPeriodForm(forms.Form):
    """From and to, as the page's query (?date_from=&date_to=); this year so far when
    absent. A bad date is an error beside its field, never a default."""

    date_from = IsoDateField(label=_("period from"))
    date_to = IsoDateField(label=_("period to"))

    def __init__(self, query: Any, *, today: date) -> None:
        data = {
            "date_from": query.get("date_from") or today.replace(month=1, day=1).isoformat(),
            "date_to": query.get("date_to") or today.isoformat(),
        }
        super().__init__(data)
        for field in self.fields.values():
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data
