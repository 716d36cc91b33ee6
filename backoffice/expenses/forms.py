"""The input of an expense application's steps on its page (core.steps)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.core.steps import StepForm


class OverrideForm(StepForm):
    reason = forms.CharField(
        label=_("reason for exceeding the budget"), max_length=2000, widget=forms.Textarea
    )


class CancelForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=2000, required=False)


class CancelRequestForm(StepForm):
    reason = forms.CharField(label=_("reason"), max_length=2000)
