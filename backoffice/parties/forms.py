"""Forms of the customer file's pages: a feedback ticket's steps (core.steps), an attachment,
and the two stages of the customer import (upload, then confirm)."""

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


class UploadForm(forms.Form):
    """One file: an attachment to a customer, or a sheet of customers to import."""

    file = forms.FileField(label=_("file"))


class ImportConfirmForm(forms.Form):
    """The second stage of an import: the upload checked in the first, by its token."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$")
