"""Staff UI of expenses: applications with their review panel, the general manager's leave
beyond the budget and cancellation; budgets with what is committed and available;
categories."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from backoffice.core.admin import BaseModelAdmin, ServiceErrorsAsMessages, status_badge_display
from backoffice.core.files import attachments_of
from backoffice.core.steps import ASKED, Step
from backoffice.expenses import services
from backoffice.expenses.forms import CancelForm, CancelRequestForm, OverrideForm
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    ExpenseVerification,
    ExpenseVerificationLine,
)
from backoffice.reviews.admin import ReviewableAdminMixin, review_submit_step

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
class BudgetAdmin(BaseModelAdmin):
    list_display = ["region", "category", "period_label", "amount", "note"]  # + committed,
    # spent and available (expenses/apps.py: list columns, read for the page at once)
    list_filter = ["period", "region", "category"]
    search_fields = ["category__name", "category__code", "region__name", "note"]
    list_select_related = ["region", "category"]
    fields = ["region", "category", "period", "starts_on", "amount", "note"]
    export_fields = ["region", "category", "period", "starts_on", "amount", "note"]
    date_hierarchy = "starts_on"

    @admin.display(description=_("period"), ordering="starts_on")
    def period_label(self, budget: Budget) -> str:
        return budget.period_label


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
    ]

    status_badge = status_badge_display(STATUS_COLOURS)

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
        return ["number", "status", "owner", *header, *extra, "approved_at", *done]

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


class VerificationLineInline(TabularInline):
    model = ExpenseVerificationLine
    extra = 0
    fields = ["line_no", "spent_on", "description", "amount", "invoice_number"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ExpenseVerification)
class ExpenseVerificationAdmin(ServiceErrorsAsMessages, ReviewableAdminMixin, BaseModelAdmin):
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
        links = [
            format_html(
                '<a class="text-primary-600" href="{}">{}</a>',
                reverse("attachment-download", args=[a.pk]),
                a.original_name,
            )
            for a in attachments_of(verification)
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links)) or "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
