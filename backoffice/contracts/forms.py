"""The input of a contract's steps on its page (core.steps)."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.core.steps import StepForm

SCANS = ".pdf,.jpg,.jpeg,.png"


class ContractSignForm(StepForm):
    signed_on = forms.DateField(
        label=pgettext_lazy("contract", "signed on"), initial=timezone.localdate
    )
    scan = forms.FileField(
        label=_("scan of the signed contract"),
        widget=forms.ClearableFileInput(attrs={"accept": SCANS}),
    )

    def clean_signed_on(self) -> date:
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("A contract cannot be signed in the future."))
        return signed_on


class ContractTerminateForm(StepForm):
    reason = forms.CharField(label=_("reason for termination"), max_length=2000)


class ContractCancelForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=2000, required=False)
