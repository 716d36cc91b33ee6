"""Forms of the customer file's pages: the customer's own form, a feedback ticket's steps
(core.steps), an attachment, and the two stages of the customer import (upload, then
confirm)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldBooleanWidget

from backoffice.core.exceptions import ApplicationError
from backoffice.core.steps import StepForm
from backoffice.parties.exceptions import DuplicateName, DuplicateTaxId
from backoffice.parties.models import Customer
from backoffice.parties.services import check_customer
from backoffice.parties.services.customers import NAME_TAKEN, TAX_ID_TAKEN


def _customer_link(reference: dict[str, Any]) -> SafeString:
    return format_html(
        '<a class="text-primary-600 underline" href="{}" target="_blank" '
        'data-testid="duplicate-customer-link">{}</a>',
        reverse("admin:parties_customer_change", args=[reference["id"]]),
        reference["label"],
    )


def refusal_html(error: ApplicationError) -> SafeString | None:
    """A refusal naming customers the user may see, with each name a link to its page;
    None when it names none (the plain message says it all)."""
    if isinstance(error, DuplicateTaxId) and error.extra.get("customer"):
        reference = error.extra["customer"]
        values = {"tax_id": escape(error.extra["tax_id"]), "customer": _customer_link(reference)}
        template = TAX_ID_TAKEN
    elif isinstance(error, DuplicateName) and error.extra.get("customers"):
        links = [_customer_link(reference) for reference in error.extra["customers"]]
        values = {"customers": mark_safe("; ".join(links))}  # noqa: S308 (each link is format_html)
        template = NAME_TAKEN
    else:
        return None
    # The text is escaped; only the links, built by format_html, are markup.
    return mark_safe(escape(str(template)) % values)  # noqa: S308


class CustomerForm(forms.ModelForm):
    """The customer's page. The services' rules run before saving, so that a refusal shows
    beside its field: a tax id or a name another customer has names that customer with a
    link to it. A name already taken is saved after the user ticks the box that appears."""

    by: Any = None  # the acting user: set by the admin's get_form for each request

    confirm_duplicate_name = forms.BooleanField(
        label=_("I know, save as a separate customer (branch)"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Customer
        fields = [*Customer.MASTER_FIELDS, *Customer.BILLING_FIELDS]  # the admin narrows them

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "code" in self.fields and self.instance.pk is None:
            self.fields["code"].required = False  # customer_create numbers it
            self.fields["code"].help_text = _("Left empty, the next number (CU-YYYY-NNNNNN).")

    def validate_constraints(self) -> None:
        # The head office's unique tax id is the service's to explain, naming the customer
        # that has it, not the database constraint's.
        try:
            self.instance.validate_constraints(
                exclude=self._get_validation_exclusions() | {"tax_id"}
            )
        except ValidationError as error:
            self._update_errors(error)

    def _post_clean(self) -> None:
        super()._post_clean()
        confirmed = bool(self.cleaned_data.get("confirm_duplicate_name"))
        try:
            # the owner must be a rep of the region when either was chosen or changed
            chosen = self.instance.pk is None or bool({"owner", "region"} & set(self.changed_data))
            check_customer(
                self.instance,
                by=self.by,
                confirm_duplicate_name=confirmed,
                owner_chosen=chosen,
            )
        except ApplicationError as error:
            if isinstance(error, DuplicateName):
                self.fields["confirm_duplicate_name"].widget = UnfoldBooleanWidget()
            fields = error.extra.get("fields") or {None: [error.message]}
            html = refusal_html(error)
            for name, problems in fields.items():
                for problem in problems:
                    field = name if name in self.fields else None
                    self.add_error(field, html if html is not None else str(problem))


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
