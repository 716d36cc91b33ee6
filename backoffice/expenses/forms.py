"""The input of the expense documents' steps on their pages (core.steps), and the form
that issues a petty cash float."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from backoffice.core.periods import shift_start
from backoffice.core.steps import StepForm
from backoffice.expenses.models import ExpenseCategory, PettyCashFloat


class OverrideForm(StepForm):
    reason = forms.CharField(
        label=_("reason for exceeding the budget"), max_length=2000, widget=forms.Textarea
    )


class AttachForm(StepForm):
    upload = forms.FileField(
        label=_("file"), help_text=_("a quote, an agenda, an invitation: PDF, image or Office")
    )


class CancelForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=2000, required=False)


class CancelRequestForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=2000)


VERIFY_ROWS = 5


class VerifyForm(StepForm):
    """What an approved application cost: up to five receipts as rows (the first required)
    and the scan of them; the service checks the lines and the tolerance."""

    scan = forms.FileField(label=_("receipt scans"), help_text=_("one file holding them all"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.rows = []
        for no in range(1, VERIFY_ROWS + 1):
            row = {
                "spent_on": forms.DateField(
                    label=_("date"), required=False, initial=today if no == 1 else None
                ),
                "description": forms.CharField(
                    label=_("description"), max_length=200, required=False
                ),
                "amount": forms.DecimalField(
                    label=_("amount"), max_digits=16, decimal_places=2, required=False
                ),
                "invoice_number": forms.CharField(
                    label=_("invoice number"), max_length=40, required=False
                ),
            }
            for name, field in row.items():
                self.fields[f"{name}_{no}"] = self.style(field)
            self.rows.append([self[f"{name}_{no}"] for name in row])
        self.in_template = frozenset(
            name for name in self.fields if name[-2:-1] == "_" and name[-1].isdigit()
        )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        lines = []
        for no in range(1, VERIFY_ROWS + 1):
            line = {
                name: data.get(f"{name}_{no}")
                for name in ("spent_on", "description", "amount", "invoice_number")
            }
            if any(value not in (None, "") for value in line.values()):
                lines.append(line)
        return {"lines": lines, "scans": [data["scan"]]}


class FloatIssueForm(forms.ModelForm):
    class Meta:
        model = PettyCashFloat
        fields = ["holder", "amount", "source", "issued_on", "note"]


class EntryForm(StepForm):
    """A payment out of the float, with its receipt's scan."""

    spent_on = forms.DateField(label=_("date"))
    category = forms.ModelChoiceField(
        label=_("category"),
        queryset=ExpenseCategory.objects.filter(
            is_active=True, group=ExpenseCategory.Group.OPERATIONS
        ),
    )
    amount = forms.DecimalField(label=_("amount"), max_digits=16, decimal_places=2)
    description = forms.CharField(label=_("description"), max_length=200)
    invoice_number = forms.CharField(label=_("invoice number"), max_length=40, required=False)
    scan = forms.FileField(label=_("receipt scan"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spent_on"].initial = timezone.localdate()


class SettleMonthForm(StepForm):
    """The month to settle: from the float's first month to the last one ended, those not
    settled yet, the latest first."""

    month = forms.TypedChoiceField(label=_("month"), coerce=date.fromisoformat)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        petty_float = self.document
        taken = set(petty_float.settlements.values_list("month", flat=True))
        month, choices = petty_float.issued_on.replace(day=1), []
        last = timezone.localdate().replace(day=1)
        while month < last:
            if month not in taken:
                choices.append((month.isoformat(), date_format(month, "YEAR_MONTH_FORMAT")))
            month = shift_start(month, "month", 1)
        self.fields["month"].choices = list(reversed(choices))


class FloatReturnForm(StepForm):
    returned_on = forms.DateField(label=_("returned on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["returned_on"].initial = timezone.localdate()
