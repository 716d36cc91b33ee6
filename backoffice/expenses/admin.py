"""Staff UI of expenses: applications with their review panel, the general manager's leave
beyond the budget, verification with the receipts' scan and cancellation; budgets with what
is committed and available; categories; petty cash floats with their spending, month-end
settlements (reviewed, printed as 备用金报销单) and return."""

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from backoffice.core.admin import (
    BaseModelAdmin,
    ReadOnlyRowsInline,
    RecordedElsewhere,
    ServiceErrorsAsMessages,
    print_link_display,
    status_badge_display,
)
from backoffice.core.exceptions import ApplicationError
from backoffice.core.files import attachments_of
from backoffice.core.money import rmb_upper
from backoffice.core.steps import ASKED, Step
from backoffice.core.tabular import read_table
from backoffice.expenses import services
from backoffice.expenses.forms import (
    AttachForm,
    CancelForm,
    CancelRequestForm,
    EntryForm,
    FloatIssueForm,
    FloatReturnForm,
    OverrideForm,
    SettleMonthForm,
    VerifyForm,
)
from backoffice.expenses.imports import COLUMNS, budgets_import
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    ExpenseVerification,
    ExpenseVerificationLine,
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
)
from backoffice.expenses.selectors import float_user, settlement_totals
from backoffice.reviews.admin import ReviewableAdminMixin, review_submit_step
from backoffice.reviews.models import ReviewDecision
from backoffice.reviews.selectors import review_request_for

STATUS_COLOURS = {
    "in_review": "warning",
    "approved": "info",
    "verified": "success",
    "cancelled": "danger",
}


@admin.register(ExpenseCategory)
class ExpenseCategoryAdmin(BaseModelAdmin):
    list_display = ["code", "name", "group", "account_code", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "group", "account_code", "overspend_rate", "is_active"]
    export_fields = ["code", "name", "group", "account_code", "overspend_rate", "is_active"]


@admin.register(Budget)
class BudgetAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    list_display = ["region", "category", "period_label", "amount", "note"]  # + committed,
    # spent and available (expenses/apps.py: list columns, read for the page at once)
    list_filter = ["period", "region", "category"]
    search_fields = ["category__name", "category__code", "region__name", "note"]
    list_select_related = ["region", "category"]
    fields = ["region", "category", "period", "starts_on", "amount", "note"]
    export_fields = ["region", "category", "period", "starts_on", "amount", "note"]
    date_hierarchy = "starts_on"

    actions_list = ["export_xlsx", "import_budgets"]

    @admin.display(description=_("period"), ordering="starts_on")
    def period_label(self, budget: Budget) -> str:
        return budget.period_label

    @action(description=_("Import from Excel"), icon="upload", url_path="import")
    def import_budgets(self, request: HttpRequest) -> HttpResponse:
        """Upload → check (what it adds and changes, every problem by row) → import. The
        checked rows travel with the confirmation and are checked again when imported."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import budgets"),
            "opts": self.model._meta,
            "columns": [(chinese, english) for chinese, english, _label in COLUMNS.values()],
        }
        if request.method == "POST":
            try:
                if "rows" in request.POST:
                    rows = json.loads(request.POST["rows"])
                    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                        raise ValueError
                else:
                    upload = request.FILES.get("file")
                    if upload is None:
                        self.message_user(
                            request, _("Choose a file to import."), level=messages.ERROR
                        )
                        return HttpResponseRedirect(request.path)
                    rows = read_table(upload.read(), filename=upload.name)
                commit = "rows" in request.POST
                result = budgets_import(rows=rows, by=request.user, commit=commit)
            except ValueError:
                self.message_user(request, _("The upload has expired; upload the file again."))
                return HttpResponseRedirect(request.path)
            except ApplicationError as error:
                self.message_error(request, error)
                return HttpResponseRedirect(request.path)
            if commit and result.ok:
                self.message_user(
                    request,
                    _("%(created)d budgets added, %(updated)d changed, %(unchanged)d unchanged.")
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
                return HttpResponseRedirect(reverse("admin:expenses_budget_changelist"))
            context |= {"result": result, "rows": json.dumps(rows, ensure_ascii=False)}
        return TemplateResponse(request, "expenses/budget_import.html", context)


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = ExpenseApplication
        fields = ["category", "region", "customer", "contract", "purpose", "planned_on", "amount"]


@admin.register(ExpenseApplication)
class ExpenseApplicationAdmin(ServiceErrorsAsMessages, ReviewableAdminMixin, BaseModelAdmin):
    submit_step = review_submit_step(services.application_submit, document="application")
    form = ApplicationForm
    steps = [
        Step(
            "override",
            _("Allow beyond the budget"),
            services.application_override,
            document="application",
            when=lambda application: application.status == ExpenseApplication.Status.DRAFT,
            form=OverrideForm,
            title=_("Allow this application beyond its budget"),
            style="secondary",
            done=_("Allowed beyond the budget, for its amount."),
        ),
        Step(
            "cancel",
            _("Cancel this application"),
            services.application_cancel,
            document="application",
            to=ExpenseApplication.Status.CANCELLED,
            when=lambda application: application.status == ExpenseApplication.Status.DRAFT,
            form=CancelForm,
            style="secondary",
        ),
        Step(
            "attach",
            _("Attach a paper"),
            services.application_attach,
            document="application",
            when=lambda application: (
                application.status
                not in (ExpenseApplication.Status.VERIFIED, ExpenseApplication.Status.CANCELLED)
            ),
            form=AttachForm,
            style="secondary",
            done=_("Attached."),
        ),
        Step(
            "verify",
            _("Verify what it cost"),
            services.verification_submit,
            document="application",
            when=lambda application: (
                application.status == ExpenseApplication.Status.APPROVED
                and not ExpenseVerification.objects.filter(application=application)
                .exclude(status=ExpenseVerification.Status.DRAFT)
                .exists()
            ),
            form=VerifyForm,
            template="expenses/verify_lines.html",
            title=_("The receipts, as finance will check them"),
            done=_("Sent to finance."),
        ),
        Step(
            "ask_cancel",
            _("Ask to cancel this application"),
            services.application_cancel_request,
            document="application",
            to=ExpenseApplication.Status.CANCELLED,
            when=lambda application: application.status == ExpenseApplication.Status.APPROVED,
            form=CancelRequestForm,
            style="secondary",
            done=ASKED,
        ),
    ]
    list_display = [
        "number",
        "category",
        "purpose_short",
        "amount",
        "planned_on",
        "status_badge",
        "owner",
        "region",
        "customer",
    ]
    list_display_links = ["number", "category"]
    list_filter = ["status", "category", "region", ("planned_on", admin.DateFieldListFilter)]
    search_fields = ["number", "purpose", "customer__name", "customer__code", "owner__full_name"]
    list_select_related = ["category", "owner", "region", "customer"]
    autocomplete_fields = ["customer", "contract"]
    date_hierarchy = "planned_on"
    export_fields = [
        "number",
        "status",
        "category",
        "purpose",
        "amount",
        "planned_on",
        "owner",
        "region",
        "customer",
        "contract",
        "override_reason",
        "approved_at",
    ]
    readonly_fields = [
        "number",
        "status",
        "owner",
        "override_reason",
        "override_amount",
        "override_by",
        "approved_at",
        "spent",
        "verified_at",
        "papers",
    ]

    status_badge = status_badge_display(STATUS_COLOURS)

    @admin.display(description=_("attachments"))
    def papers(self, application: ExpenseApplication) -> str:
        return scan_links(application)

    @admin.display(description=_("purpose"))
    def purpose_short(self, application: ExpenseApplication) -> str:
        text = application.purpose
        return text if len(text) <= 40 else text[:39] + "…"

    def get_fields(self, request, obj=None):
        header = list(ApplicationForm.Meta.fields)
        if obj is None:
            return header
        extra = ["override_reason", "override_amount", "override_by"] if obj.override_by_id else []
        done = ["spent", "verified_at"] if obj.verified_at else []
        return ["number", "status", "owner", *header, "papers", *extra, "approved_at", *done]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status != ExpenseApplication.Status.DRAFT:
            fields += [f for f in ApplicationForm.Meta.fields if f not in fields]
        return fields

    def get_changeform_initial_data(self, request):
        region = request.user.regions.first()
        return {
            "planned_on": timezone.localdate(),
            **({"region": region.pk} if region else {}),
            **super().get_changeform_initial_data(request),
        }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        user = request.user
        if db_field.name == "region" and not user.has_perm("expenses.view_all_expenseapplications"):
            field.queryset = field.queryset.filter(pk__in=user.regions.values("pk"))
        if db_field.name == "category":
            field.queryset = field.queryset.filter(is_active=True)
        return field

    def has_change_permission(self, request, obj=None) -> bool:
        editable = obj is None or obj.status == ExpenseApplication.Status.DRAFT
        return editable and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            services.application_update(application=obj, by=request.user)
            return
        created = services.application_create(
            by=request.user,
            region=obj.region,
            category=obj.category,
            customer=obj.customer,
            contract=obj.contract,
            purpose=obj.purpose,
            planned_on=obj.planned_on,
            amount=obj.amount,
        )
        obj.pk = created.pk


class VerificationLineInline(ReadOnlyRowsInline):
    model = ExpenseVerificationLine
    fields = ["line_no", "spent_on", "description", "amount", "invoice_number"]
    readonly_fields = fields


@admin.register(ExpenseVerification)
class ExpenseVerificationAdmin(
    RecordedElsewhere, ServiceErrorsAsMessages, ReviewableAdminMixin, BaseModelAdmin
):
    """Verifications are entered from their application (the API's …/verify/, with the
    scans); here finance checks them, with the lines and scans beside the approved amount."""

    list_display = [
        "number",
        "application",
        "total",
        "approved_amount",
        "status_badge",
        "applicant",
    ]
    list_display_links = ["number", "application"]
    list_filter = ["status", "application__region"]
    search_fields = ["number", "application__number", "application__purpose"]
    list_select_related = ["application__category", "application__owner"]
    inlines = [VerificationLineInline]
    fields = [
        "number",
        "status",
        "application",
        "applicant",
        "approved_amount",
        "total",
        "scans",
        "journal_entry",
        "verified_at",
    ]
    readonly_fields = fields
    export_fields = ["number", "application", "status", "total", "verified_at"]

    status_badge = status_badge_display({"in_review": "warning", "verified": "success"})

    @admin.display(description=_("applicant"))
    def applicant(self, verification: ExpenseVerification):
        return verification.application.owner

    @admin.display(description=_("approved amount"))
    def approved_amount(self, verification: ExpenseVerification):
        return verification.application.amount

    @admin.display(description=_("receipt scans"))
    def scans(self, verification: ExpenseVerification) -> str:
        return scan_links(verification)


def scan_links(obj) -> str:
    """Links to the scans attached to `obj`, one a line."""
    links = [
        format_html(
            '<a class="text-primary-600" href="{}">{}</a>',
            reverse("attachment-download", args=[a.pk]),
            a.original_name,
        )
        for a in attachments_of(obj)
    ]
    return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links)) or "—"


class EntryInline(ReadOnlyRowsInline):
    """A float's or a settlement's entries, as they were recorded."""

    model = PettyCashEntry
    fk_name = "petty_float"
    fields = ["spent_on", "category", "description", "amount", "invoice_number", "settlement"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["-spent_on", "-id"]

    def get_queryset(self, request):
        # the rows name their settlement (its holder) and category: read with them
        return (
            super()
            .get_queryset(request)
            .select_related("category", "petty_float__holder", "settlement__petty_float__holder")
        )


class SettlementEntryInline(EntryInline):
    fk_name = "settlement"
    fields = ["spent_on", "category", "description", "amount", "invoice_number"]
    readonly_fields = fields


@admin.register(PettyCashFloat)
class PettyCashFloatAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    """Finance issues a float; its holder records the spending with the receipts' scans and
    settles each month from here; finance takes it back after the last settlement."""

    form = FloatIssueForm
    steps = [
        Step(
            "spend",
            _("Record spending"),
            services.entry_create,
            document="petty_float",
            when=lambda petty_float: petty_float.status == PettyCashFloat.Status.OPEN,
            form=EntryForm,
            actor=float_user,
            title=_("A payment out of this float, with its receipt"),
            done=_("Recorded."),
        ),
        Step(
            "settle",
            _("Settle a month"),
            services.settlement_create,
            document="petty_float",
            when=lambda petty_float: petty_float.status == PettyCashFloat.Status.OPEN,
            form=SettleMonthForm,
            actor=float_user,
            style="secondary",
            done=_("The month's settlement is drafted: check it and submit it."),
            next_url=lambda petty_float, settlement: reverse(
                "admin:expenses_pettycashsettlement_change", args=[settlement.pk]
            ),
        ),
        Step(
            "return",
            _("Return the float"),
            services.float_return,
            document="petty_float",
            to=PettyCashFloat.Status.RETURNED,
            form=FloatReturnForm,
            # after its last settlement (the service says so, should one be missing)
            when=lambda petty_float: petty_float.cash_on_hand == petty_float.amount,
            style="secondary",
        ),
    ]
    list_display = [
        "number",
        "holder",
        "region",
        "amount",
        "cash_on_hand",
        "unsettled",
        "status_badge",
        "issued_on",
    ]
    list_display_links = ["number", "holder"]
    list_filter = ["status", "region", "source"]
    search_fields = ["number", "holder__full_name", "holder__username", "note"]
    list_select_related = ["holder", "region"]
    export_fields = [
        "number",
        "holder",
        "region",
        "amount",
        "cash_on_hand",
        "source",
        "status",
        "issued_on",
        "returned_on",
        "note",
    ]
    readonly_fields = [
        "number",
        "status",
        "holder",
        "region",
        "amount",
        "cash_on_hand",
        "unsettled",
        "source",
        "issued_on",
        "returned_on",
        "note",
        "issued_by",
        "journal_entry",
        "return_entry",
    ]
    status_badge = status_badge_display({"open": "success", "returned": "info"})

    @admin.display(description=_("spent, not yet settled"))
    def unsettled(self, petty_float: PettyCashFloat):
        if petty_float.status != PettyCashFloat.Status.OPEN:
            return Decimal("0.00")
        return petty_float.amount - petty_float.cash_on_hand

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(FloatIssueForm.Meta.fields)
        done = ["returned_on", "return_entry"] if obj.returned_on else []
        return [f for f in self.readonly_fields if f not in ("returned_on", "return_entry")] + done

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_inlines(self, request, obj=None):
        return [EntryInline] if obj is not None else []

    def get_changeform_initial_data(self, request):
        return {"issued_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        created = services.float_issue(
            by=request.user,
            holder=obj.holder,
            amount=obj.amount,
            source=obj.source,
            issued_on=obj.issued_on,
            note=obj.note,
        )
        obj.pk, obj.number = created.pk, created.number


@admin.register(PettyCashEntry)
class PettyCashEntryAdmin(RecordedElsewhere, ServiceErrorsAsMessages, BaseModelAdmin):
    """Every payment out of the floats; recorded from its float's page, taken back here
    while its month is not being settled."""

    list_display = [
        "spent_on",
        "petty_float",
        "category",
        "description",
        "amount",
        "invoice_number",
        "settlement",
    ]
    list_display_links = ["spent_on", "description"]
    list_filter = ["category", ("spent_on", admin.DateFieldListFilter), "petty_float__region"]
    search_fields = [
        "description",
        "invoice_number",
        "petty_float__number",
        "petty_float__holder__full_name",
    ]
    list_select_related = ["petty_float__holder", "category", "settlement__petty_float__holder"]
    date_hierarchy = "spent_on"
    fields = [
        "petty_float",
        "spent_on",
        "category",
        "description",
        "amount",
        "invoice_number",
        "scans",
        "settlement",
        "created_by",
    ]
    readonly_fields = fields
    export_fields = [
        "spent_on",
        "petty_float",
        "category",
        "description",
        "amount",
        "invoice_number",
        "settlement",
    ]

    @admin.display(description=_("receipt scan"))
    def scans(self, entry: PettyCashEntry) -> str:
        return scan_links(entry)

    def has_delete_permission(self, request, obj=None) -> bool:
        mine = obj is None or float_user(obj.petty_float, request.user)
        return mine and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj) -> None:
        services.entry_delete(entry=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for entry in queryset:
            services.entry_delete(entry=entry, by=request.user)


@admin.register(PettyCashSettlement)
class PettyCashSettlementAdmin(
    RecordedElsewhere, ServiceErrorsAsMessages, ReviewableAdminMixin, BaseModelAdmin
):
    """A holder's month: its entries and totals by category, reviewed by the sales manager
    and then finance, printed as the petty cash reimbursement form (备用金报销单)."""

    submit_step = review_submit_step(
        services.settlement_submit,
        document="settlement",
        actor=lambda settlement, user: float_user(settlement.petty_float, user),
    )
    print_template = "expenses/petty_cash_settlement.html"
    print_link = print_link_display(
        "admin:expenses_pettycashsettlement_print", _("Petty cash reimbursement form")
    )
    list_display = [
        "number",
        "petty_float",
        "holder",
        "month_label",
        "total",
        "status_badge",
        "settled_at",
    ]
    list_display_links = ["number", "petty_float"]
    list_filter = ["status", "petty_float__region", ("month", admin.DateFieldListFilter)]
    search_fields = ["number", "petty_float__number", "petty_float__holder__full_name"]
    list_select_related = ["petty_float__holder"]
    inlines = [SettlementEntryInline]
    fields = [
        "number",
        "status",
        "petty_float",
        "holder",
        "month_label",
        "total",
        "by_category",
        "total_in_words",
        "settled_at",
        "journal_entry",
        "print_link",
    ]
    readonly_fields = fields
    export_fields = ["number", "petty_float", "month", "total", "status", "settled_at"]
    status_badge = status_badge_display({"in_review": "warning", "settled": "success"})

    @admin.display(description=_("holder"))
    def holder(self, settlement: PettyCashSettlement):
        return settlement.petty_float.holder

    @admin.display(description=_("month"), ordering="month")
    def month_label(self, settlement: PettyCashSettlement) -> str:
        return date_format(settlement.month, "YEAR_MONTH_FORMAT")

    @admin.display(description=_("by category"))
    def by_category(self, settlement: PettyCashSettlement) -> str:
        rows = settlement_totals(settlement)
        return (
            format_html_join(
                mark_safe("<br>"), "{}：{}", ((category, amount) for category, amount in rows)
            )
            or "—"
        )

    @admin.display(description=_("amount in words"))
    def total_in_words(self, settlement: PettyCashSettlement) -> str:
        return rmb_upper(settlement.total)

    def print_context(self, settlement: PettyCashSettlement) -> dict[str, Any]:
        request = review_request_for(settlement)
        decisions = (
            request.decisions.filter(verdict=ReviewDecision.Verdict.APPROVE, round=request.round)
            .select_related("reviewer")
            .order_by("level_index", "decided_at")
            if request is not None
            else []
        )
        return {
            "settlement": settlement,
            "petty_float": settlement.petty_float,
            "entries": settlement.entries.select_related("category").order_by("spent_on", "pk"),
            "totals": settlement_totals(settlement),
            "amount_words": rmb_upper(settlement.total),
            "approvals": {decision.level_index: decision for decision in decisions},
        }
