"""Forms of the office's steps and of a carrier's bill upload."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.steps import StepForm
from backoffice.office.models import Carrier, CarrierBill, MailItem


class StatusForm(StepForm):
    """How far a mail item got; the status is the step's."""

    status = ""
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def service_arguments(self) -> dict[str, Any]:
        return {"status": self.status, "note": self.cleaned_data.get("note", "")}


class SentForm(StatusForm):
    status = MailItem.Status.SENT


class DeliveredForm(StatusForm):
    status = MailItem.Status.DELIVERED
    on = forms.DateField(label=_("delivered on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def service_arguments(self) -> dict[str, Any]:
        return {**super().service_arguments(), "on": self.cleaned_data["on"]}


class ReturnedForm(StatusForm):
    status = MailItem.Status.RETURNED


class LostForm(StatusForm):
    status = MailItem.Status.LOST


class DamagedForm(StatusForm):
    status = MailItem.Status.DAMAGED


def _last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


class BillUploadForm(forms.ModelForm):
    """A carrier's bill for a month, as the carrier sent it."""

    month_text = forms.RegexField(
        label=_("month"),
        regex=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$",
        help_text=_("YYYY-MM"),
        error_messages={"invalid": _("A month: YYYY-MM")},
    )
    file = forms.FileField(
        label=_("bill"),
        help_text=_("Excel or CSV with the columns 运单号, 日期, 重量, 费用"),
    )

    class Meta:
        model = CarrierBill
        fields = ["carrier", "tolerance"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = Carrier.objects.exclude(
            status=Carrier.Status.CANDIDATE
        ).order_by("code")
        self.fields["month_text"].initial = _last_month().strftime("%Y-%m")
        self.fields["tolerance"].initial = "1.00"
        self.fields["tolerance"].help_text = _(
            "a fee further than this from the expected cost is shown as differing"
        )

    def month(self) -> date:
        year, month = self.cleaned_data["month_text"].split("-")
        return date(int(year), int(month), 1)
