"""Staff UI of contracts: the contract ledger (台账), entry from a template with lines and
milestones, the review panel, signing with the scan, termination; templates."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from backoffice.contracts import services
from backoffice.contracts.forms import ContractCancelForm, ContractSignForm, ContractTerminateForm
from backoffice.contracts.models import (
    Contract,
    ContractLine,
    ContractMilestone,
    ContractTemplate,
)
from backoffice.core.admin import (
    BaseModelAdmin,
    DraftOnlyInline,
    ServiceErrorsAsMessages,
    print_link_display,
    service_error_message,
    status_badge_display,
)
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import rmb_upper
from backoffice.core.steps import ASKED, Step
from backoffice.reviews.admin import ReviewableAdminMixin, review_submit_step

STATUS_COLOURS = {
    "in_review": "warning",
    "approved": "info",
    "signed": "info",
    "active": "success",
    "completed": "success",
    "terminated": "danger",
    "expired": "warning",
}


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ContractTemplate
        fields = ["name", "kind", "body", "payment_terms", "delivery_terms", "is_active"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            services.template_check(body)
        except ApplicationError as error:
            raise ValidationError(str(error.message)) from error
        return body


@admin.register(ContractTemplate)
class ContractTemplateAdmin(BaseModelAdmin):
    form = TemplateForm
    list_display = ["name", "kind", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        known = "  ".join(
            "{" + name + "} " + str(label) for name, label in services.PLACEHOLDERS.items()
        )
        form.base_fields["body"].help_text = _("Placeholders: %s") % known
        return form


def _rows(formset, keys: list[str]) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not any(data.get(key) for key in keys):
            continue
        rows.append({key: data.get(key) for key in keys})
    return rows


LINE_KEYS = ["product", "description", "quantity", "unit_price", "amount"]
MILESTONE_KEYS = ["kind", "due_on", "amount", "description"]


class ContractLineForm(forms.ModelForm):
    amount = forms.DecimalField(
        label=_("amount (incl. VAT)"),
        required=False,
        max_digits=16,
        decimal_places=2,
        help_text=_("only for lines without a product"),
    )
    unit_price = forms.DecimalField(
        label=_("unit price (incl. VAT)"),
        required=False,
        max_digits=18,
        decimal_places=6,
        help_text=_("empty: the policy price"),
    )

    class Meta:
        model = ContractLine
        fields = ["product", "description", "quantity", "unit_price", "amount"]


class ContractLineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        contract = self.instance
        if any(self.errors) or getattr(contract, "counterparty_id", None) is None:
            return
        lines = _rows(self, LINE_KEYS)
        try:
            services.contract_check(
                contract=contract, lines=lines, amount=None if lines else contract.amount
            )
        except ApplicationError as error:
            raise ValidationError(service_error_message(error)) from error


class ContractLineInline(DraftOnlyInline):
    model = ContractLine
    form = ContractLineForm
    formset = ContractLineFormSet
    autocomplete_fields = ["product"]
    fields = ["product", "description", "quantity", "unit_price", "amount"]


class ContractMilestoneInline(DraftOnlyInline):
    model = ContractMilestone
    extra = 0
    fields = ["kind", "due_on", "amount", "description"]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "kind",
            "title",
            "counterparty",
            "template",
            "starts_on",
            "ends_on",
            "amount",
            "payment_terms",
            "delivery_terms",
            "note",
        ]
        help_texts = {"amount": _("only for a contract without lines (framework agreements)")}


@admin.register(Contract)
class ContractAdmin(ServiceErrorsAsMessages, ReviewableAdminMixin, BaseModelAdmin):
    submit_step = review_submit_step(services.contract_submit, document="contract")
    form = ContractForm
    steps = [
        Step(
            "sign",
            _("Confirm signing"),
            services.contract_sign,
            document="contract",
            when=lambda contract: contract.status == Contract.Status.APPROVED,
            form=ContractSignForm,
            title=_("Record the signature"),
            done=_("Signing recorded; the scan is attached."),
        ),
        Step(
            "terminate",
            _("Ask to terminate the contract"),
            services.contract_terminate,
            document="contract",
            to=Contract.Status.TERMINATED,
            form=ContractTerminateForm,
            title=_("Terminate"),
            style="danger",
            done=ASKED,
        ),
        Step(
            "cancel",
            _("Cancel this contract"),
            services.contract_cancel,
            document="contract",
            to=Contract.Status.CANCELLED,
            when=lambda contract: contract.status == Contract.Status.DRAFT,
            form=ContractCancelForm,
            style="secondary",
        ),
        Step(
            "ask_cancel",
            _("Ask to cancel this contract"),
            services.contract_cancel_request,
            document="contract",
            to=Contract.Status.CANCELLED,
            when=lambda contract: contract.status == Contract.Status.APPROVED,
            form=ContractCancelForm,
            style="secondary",
            done=ASKED,
        ),
    ]
    list_display = [
        "number",
        "title",
        "counterparty",
        "kind",
        "status_badge",
        "amount",
        "signed_on",
        "ends_on",
        "owner",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["kind", "status", "region", ("ends_on", admin.DateFieldListFilter)]
    search_fields = [
        "number",
        "title",
        "counterparty__name",
        "counterparty__name_initials",
        "counterparty__code",
    ]
    list_select_related = ["counterparty", "owner"]
    autocomplete_fields = ["counterparty"]
    inlines = [ContractLineInline, ContractMilestoneInline]
    date_hierarchy = "starts_on"
    export_fields = [
        "number",
        "kind",
        "title",
        "counterparty",
        "status",
        "amount",
        "signed_on",
        "starts_on",
        "ends_on",
        "owner",
        "region",
    ]
    readonly_fields = [
        "number",
        "status",
        "signed_on",
        "signed_by",
        "approved_at",
        "ended_on",
        "ended_reason",
        "text",
        "performance_link",
        "print_link",
    ]
    change_form_outer_after_template = "contracts/contract_actions.html"

    def get_fields(self, request, obj=None):
        header = list(ContractForm.Meta.fields)
        if obj is None:
            return header
        return ["number", "status", *header, "signed_on", "approved_at", "ended_on",
                "ended_reason", "print_link", "performance_link", "text"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["kind", "counterparty", "template"]
            if obj.status != Contract.Status.DRAFT:
                fields += [f for f in ContractForm.Meta.fields if f not in fields]
        return fields

    def get_changeform_initial_data(self, request):
        today = timezone.localdate()
        return {
            "kind": Contract.Kind.SALES,
            "starts_on": today,
            "ends_on": today.replace(year=today.year + 1) - timezone.timedelta(days=1),
            **super().get_changeform_initial_data(request),
        }

    def has_change_permission(self, request, obj=None) -> bool:
        editable = obj is None or obj.status == Contract.Status.DRAFT
        return editable and super().has_change_permission(request, obj)

    status_badge = status_badge_display(STATUS_COLOURS)

    @display(description=_("contract text"))
    def text(self, obj: Contract) -> str:
        return format_html('<div style="white-space: pre-line">{}</div>', obj.body or "—")

    performance_link = print_link_display("contract_performance", _("Performance statement"))
    print_link = print_link_display("admin:contracts_contract_print", _("Contract"))

    print_template = "contracts/contract_print.html"

    def print_context(self, contract: Contract) -> dict[str, Any]:
        return {
            "contract": contract,
            "lines": contract.lines.select_related("product"),
            "amount_words": rmb_upper(contract.amount),
        }

    def save_model(self, request, obj, form, change) -> None:
        pass  # the services save header, lines and milestones together in save_related

    def save_related(self, request, form, formsets, change) -> None:
        lines = _rows(formsets[0], LINE_KEYS) if formsets else []
        milestones = _rows(formsets[1], MILESTONE_KEYS) if len(formsets) > 1 else []
        for formset in formsets:  # the services save the rows; the admin's log reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        contract = form.instance
        amount = form.cleaned_data.get("amount") if not lines else None
        if change:
            services.contract_update(
                contract=contract, by=request.user, lines=lines, milestones=milestones,
                amount=amount,
            )  # fmt: skip
            return
        created = services.contract_create(
            kind=contract.kind,
            counterparty=contract.counterparty,
            by=request.user,
            title=contract.title,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            lines=lines,
            milestones=milestones,
            amount=amount,
            template=contract.template,
            payment_terms=contract.payment_terms,
            delivery_terms=contract.delivery_terms,
            note=contract.note,
        )
        contract.pk = created.pk
