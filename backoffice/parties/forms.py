"""The input of a feedback ticket's steps on its page (core.steps)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.core.steps import StepForm


class FeedbackAnswerForm(StepForm):
    response = forms.CharField(
        label=_("Response given to the customer"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].initial = self.document.response


class FeedbackCloseForm(StepForm):
    resolution = forms.CharField(
        label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"].initial = self.document.resolution
