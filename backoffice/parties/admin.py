"""Staff UI of the customer file: customers (search by pinyin in every picker), papers under
double review, the types of papers each kind of customer needs."""

import copy
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.db.models import Prefetch, Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from unfold.admin import TabularInline
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.core.admin import (
    BaseModelAdmin,
    ServiceErrorsAsMessages,
    object_or_404,
    status_badge_display,
)
from backoffice.core.exceptions import ApplicationError
from backoffice.core.files import attachment_add, attachments_of
from backoffice.core.imports import (
    PREVIEWS,
    digest,
    import_failure,
    import_file_drop,
    import_file_keep,
    import_file_read,
    import_previous,
    imports_fail_stale,
)
from backoffice.core.record_tabs import ShownTab, record_tab_for, record_tabs_for
from backoffice.core.services import model_save
from backoffice.core.steps import Step
from backoffice.core.tabular import read_table
from backoffice.core.widgets import QuickSelect2Widget
from backoffice.parties import services
from backoffice.parties.forms import (
    CustomerForm,
    FeedbackAnswerForm,
    FeedbackCloseForm,
    ImportConfirmForm,
    UploadForm,
)
from backoffice.parties.imports import (
    column_label,
    customer_import_queue,
    customer_import_retry,
    customer_import_run,
    customers_import,
    import_columns,
)
from backoffice.parties.models import (
    CallCadence,
    CallInventoryLine,
    CallRecord,
    Contact,
    Customer,
    CustomerImport,
    CustomerTermsChange,
    DeliveryAddress,
    Feedback,
    Qualification,
    QualificationRequirement,
    QualificationType,
    Visit,
)
from backoffice.parties.scans import scan_clean
from backoffice.parties.selectors import (
    customer_search,
    customer_trade_block,
    customers_call_overdue,
    trade_block_enforced,
)
from backoffice.parties.services.terms import (
    TERMS_FIELDS,
    TERMS_PERMISSION,
    terms_change_open,
    terms_refused,
)
from backoffice.parties.views import qualification_scan_response
from backoffice.reviews.admin import ReviewableAdminMixin, review_submit_step


class ContactInline(TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "phone", "email", "is_primary"]


class DeliveryAddressInline(TabularInline):
    model = DeliveryAddress
    extra = 0
    fields = ["label", "recipient", "phone", "address", "is_default"]


class CustomerTab:
    """One tab of the customer page, shaped as Unfold's tab bar and page read a dataset. A
    lazy tab (its content not read) holds the address its rows load from when opened."""

    tab = True

    def __init__(self, request: HttpRequest, shown: ShownTab, customer: Customer) -> None:
        self.request, self.shown, self.customer = request, shown, customer
        self.model_name = shown.tab.key  # the tab's anchor: #dataset-<key>
        self.title = shown.tab.title

    @property
    def contents(self) -> str:
        url = ""
        if self.shown.content is None:
            tab_url = reverse("admin:parties_customer_tab", args=[self.customer.pk])
            url = f"{tab_url}?key={self.shown.tab.key}"
        return render_to_string(
            "parties/customer_tab.html", {"tab": self.shown, "url": url}, request=self.request
        )


def owner_choices(user: Any, *, current: Any = None) -> Any:
    """Who `user` may name as a customer's owner: the active people of any region (all of
    them for clerks and managers of every region, those of her own regions for a regional
    manager, herself for a rep), plus the current owner, so an old record stays valid."""
    people = get_user_model().objects.filter(is_active=True, regions__isnull=False)
    if not user.has_perm("parties.view_all_customers"):
        if user.has_perm("parties.view_region_customers"):
            people = people.filter(regions__in=user.regions.all())
        else:
            people = people.filter(pk=user.pk)
    ids = people.values("pk")
    chosen = Q(pk__in=ids) | (Q(pk=current) if current else Q(pk__in=[]))
    return (
        get_user_model()
        .objects.filter(chosen)
        .prefetch_related(Prefetch("regions", to_attr="region_list"))
        .order_by("full_name", "username")
    )


def owner_label(user: Any) -> str:
    kept = getattr(user, "region_list", None)  # owner_choices' (no manager built per person)
    regions = "、".join(region.name for region in (user.regions.all() if kept is None else kept))
    name = user.full_name or user.username
    return f"{name}（{regions}）" if regions else name


def _current_owner(request: HttpRequest) -> Any:
    """The owner of the customer the page edits, read once a request (its form is built
    more than once)."""
    if "_customer_owner" not in request.__dict__:
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        request._customer_owner = (
            Customer.objects.filter(pk=object_id).values_list("owner_id", flat=True).first()
            if object_id
            else None
        )
    return request._customer_owner


class CallOverdueFilter(admin.SimpleListFilter):
    title = _("call overdue")
    parameter_name = "call_overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        return customers_call_overdue(queryset) if self.value() == "yes" else queryset


@admin.register(Customer)
class CustomerAdmin(ServiceErrorsAsMessages, BaseModelAdmin):
    list_display = ["code", "name", "kind", "grade", "region", "owner", "status"]
    list_display_links = ["code", "name"]
    list_filter = ["kind", "grade", "status", "region", CallOverdueFilter]
    search_fields = ["name", "code", "tax_id", "phone", "name_pinyin", "name_initials"]
    search_help_text = _("Name, code, tax id, phone or pinyin (bjyy, beijing)")
    list_select_related = ["region", "owner"]
    inlines = [ContactInline, DeliveryAddressInline]  # the papers: their own tab (tabs.py)
    change_form_outer_before_template = "parties/customer_file.html"
    form = CustomerForm
    export_fields = [*Customer.MASTER_FIELDS, *Customer.BILLING_FIELDS]
    fieldsets = [
        (
            _("Customer"),
            {"fields": ["code", "name", "kind", "grade", "region", "owner", "status", "notes"]},
        ),
        (_("Licensed business scope"), {"fields": ["business_scope"]}),
        (_("Credit"), {"fields": ["credit_limit", "payment_terms_days"]}),
        (
            _("Billing information"),
            {"fields": list(Customer.BILLING_FIELDS)},
        ),
    ]

    actions_list = ["export_xlsx", "import_customers"]

    def get_search_results(self, request, queryset, search_term):
        return customer_search(queryset, search_term), False

    def autocomplete_label(self, obj: Customer) -> str:
        # three 北京大学附属医院 told apart by code, city and tax id (Customer.picker_label)
        return obj.picker_label

    @action(description=_("Import from Excel"), icon="upload", url_path="import")
    def import_customers(self, request: HttpRequest):
        """Upload → preview (rows to add, rows already there, errors) → confirm."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        required, others = import_columns()
        separator = pgettext("list separator", ", ")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import customers"),
            "opts": self.model._meta,
            "required_columns": separator.join(required),
            "other_columns": separator.join(others),
            "owner_column": column_label("owner"),
        }
        confirm = ImportConfirmForm(request.POST) if request.method == "POST" else None
        upload_form = UploadForm(request.POST, request.FILES) if request.method == "POST" else None
        if confirm is not None and confirm.is_valid():
            token = confirm.cleaned_data["token"]
            stored = request.session.get("customer_imports", {}).get(token)
            try:  # kept by whichever server took the upload (core.imports)
                content = import_file_read(stored["path"]) if stored else None
            except (FileNotFoundError, SuspiciousFileOperation):  # dropped since (a day old,
                content = None  # or imported), or a path kept before files went to storage
            if content is None:
                self.message_user(
                    request,
                    _("The upload has expired; upload the file again."),
                    level=messages.ERROR,
                )
                return HttpResponseRedirect(request.path)
            try:
                record, result = customer_import_run(
                    content=content,
                    filename=stored["name"],
                    by=request.user,
                    again=request.POST.get("again") == "on",
                )
            except ApplicationError as error:  # the same file again, or over the limits
                self.message_error(request, error)
                return HttpResponseRedirect(request.path)
            if result.ok:
                import_file_drop(stored["path"])
                self.message_user(
                    request,
                    _("%(created)d customers added, %(updated)d updated, %(unchanged)d unchanged.")
                    % record.counts,
                )
                context |= {"result": result, "record": record}
                return TemplateResponse(request, "parties/customer_import.html", context)
            context |= {"result": result, "token": token}
        elif upload_form is not None and upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            if upload.size > settings.IMPORT_SYNC_MAX_BYTES:
                return self._queue_import(request, upload)
            try:
                content = upload.read()
                rows = read_table(content, filename=upload.name)
                result = customers_import(rows=rows, by=request.user, commit=False)
            except ApplicationError as error:
                self.message_error(request, error)
                return HttpResponseRedirect(request.path)
            token = uuid.uuid4().hex
            # kept where the server that takes the confirmation finds it (core.imports)
            kept = import_file_keep(
                f"{PREVIEWS}/{token}{Path(upload.name).suffix.lower()}", content
            )
            imports = request.session.get("customer_imports", {})
            imports[token] = {"path": kept, "name": upload.name}
            request.session["customer_imports"] = imports
            previous = import_previous(CustomerImport, sha256=digest([content])[0])
            context |= {"result": result, "token": token, "previous": previous}
        elif request.method == "POST":
            self.message_user(request, _("Choose a file to import."), level=messages.ERROR)
        return TemplateResponse(request, "parties/customer_import.html", context)

    def _queue_import(self, request: HttpRequest, upload: Any) -> HttpResponse:
        """A big file: checked and imported by the task worker; its page shows the result
        (all or nothing, as after a preview)."""
        try:
            record = customer_import_queue(
                content=upload.read(),
                filename=upload.name,
                by=request.user,
                again=request.POST.get("again") == "on",
            )
        except ApplicationError as error:
            self.message_error(request, error)
            return HttpResponseRedirect(request.path)
        page = reverse("admin:parties_customerimport_result", args=[record.pk])
        return HttpResponseRedirect(page)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.regions.exists():  # a rep adds her own; a clerk chooses the rep
            initial.setdefault("owner", request.user.pk)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            # The customer's rep: a person of a region (the service checks it is the
            # customer's), each shown with their regions; a rep sees only herself.
            kwargs["queryset"] = owner_choices(request.user, current=_current_owner(request))
            kwargs["widget"] = QuickSelect2Widget
            kwargs["empty_label"] = _("Choose the rep")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = owner_label
            field.help_text = _("the rep who looks after the customer: a rep of its region")
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "business_scope":
            kwargs["widget"] = UnfoldAdminCheckboxSelectMultipleWidget
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.by = request.user  # the services' rules run in the form (forms.CustomerForm)
        return form

    def terms_locked(self, request: HttpRequest, obj: Customer | None) -> list[str]:
        """The terms fields this user may not set here (issue 15 §3): a new customer's credit
        limit and payment terms; an existing one's region and status too."""
        if request.user.has_perm(TERMS_PERMISSION):
            return []
        if obj is None:
            return ["credit_limit", "payment_terms_days"]
        return list(TERMS_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.terms_locked(request, obj)]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            # A read-only field is not in the form, so the page never posts it: a post that
            # carries one was forged, and is refused rather than quietly dropped.
            obj = self.get_object(request, object_id) if object_id else None
            forged = [name for name in self.terms_locked(request, obj) if name in request.POST]
            if forged:
                try:
                    terms_refused(forged, request.user)
                except ApplicationError as error:
                    raise PermissionDenied(str(error.message)) from error
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        # The box confirming a name another customer has sits under the name; it shows only
        # once the name is refused (forms.CustomerForm).
        fieldsets = copy.deepcopy(super().get_fieldsets(request, obj))
        for _title, options in fieldsets:
            fields = list(options["fields"])
            if "name" in fields and "confirm_duplicate_name" not in fields:
                fields.insert(fields.index("name") + 1, "confirm_duplicate_name")
                options["fields"] = fields
        return fieldsets

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if change:
            customer = services.customer_update(customer=obj, by=request.user, **data)
            pending = terms_change_open(customer)
            if pending is not None and pending.requested_by_id == request.user.pk:
                self.message_user(
                    request,
                    _("The change of %(change)s waits for a reviewer before it takes effect.")
                    % {"change": pending.summary},
                    level=messages.WARNING,
                )
        else:
            created = services.customer_create(by=request.user, **data)
            obj.pk, obj.code = created.pk, created.code

    def change_view(self, request, object_id, form_url="", extra_context=None):
        customer = self.get_object(request, object_id)
        if customer is not None:
            extra_context = {
                **(extra_context or {}),
                "trade_block": customer_trade_block(customer),
                "trade_block_enforced": trade_block_enforced(),
                "attachments": attachments_of(customer),
                "may_attach": self.has_change_permission(request, customer),
                "terms_change": terms_change_open(customer),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # The customer's documents as the page's tabs, beside its form (Unfold's tab
            # bar lists every "dataset" with `tab`): newest rows, each a link, and the list.
            context["datasets"] = [
                *(context.get("datasets") or []),
                *(
                    CustomerTab(request, shown, obj)
                    for shown in record_tabs_for(obj, request.user, lazy=True)
                ),
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    object_views = {"attach": "attach_view", "tab": "tab_view"}

    def tab_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A tab's rows, fetched by the page when the tab is opened (core.record_tabs)."""
        customer = object_or_404(self.get_queryset(request), pk)
        if not self.has_view_permission(request, customer):
            raise PermissionDenied
        key = request.GET.get("key", "")
        if not key:  # the address opened by hand: the customer's page, with its tabs
            return HttpResponseRedirect(reverse("admin:parties_customer_change", args=[pk]))
        try:
            shown = record_tab_for(customer, request.user, key)
        except LookupError as missing:
            raise Http404 from missing
        except PermissionError as refused:
            raise PermissionDenied from refused
        return TemplateResponse(request, "parties/customer_tab_rows.html", {"tab": shown})

    def attach_view(self, request: HttpRequest, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        customer = object_or_404(self.get_queryset(request), pk)
        if not self.has_change_permission(request, customer):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Choose a file to attach."))
            upload = form.cleaned_data["file"]
            attachment_add(obj=customer, by=request.user, upload=upload)
        except ApplicationError as error:
            self.message_error(request, error)
        else:
            self.message_user(request, _("Attached."))
        return HttpResponseRedirect(reverse("admin:parties_customer_change", args=[pk]))


class QualificationForm(forms.ModelForm):
    class Meta:
        model = Qualification
        fields = [
            "customer",
            "qualification_type",
            "number",
            "issuer",
            "valid_from",
            "valid_to",
            "scan",
        ]

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and hasattr(scan, "content_type"):  # a new upload
            try:
                return scan_clean(scan)
            except ApplicationError as error:
                raise forms.ValidationError(
                    f"{error.message} ({', '.join(error.extra['fields']['scan'])})"
                ) from error
        return scan

    def clean(self):
        data = super().clean()
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            self.add_error("valid_to", _("“Valid to” is before “valid from”."))
        return data


@admin.register(Qualification)
class QualificationAdmin(ReviewableAdminMixin, BaseModelAdmin):
    submit_step = review_submit_step(services.qualification_submit, document="qualification")
    form = QualificationForm
    list_display = ["customer", "qualification_type", "number", "valid_to", "status_badge"]
    list_filter = ["status", "qualification_type"]
    search_fields = ["number", "customer__name", "customer__name_initials", "customer__code"]
    list_select_related = ["customer", "qualification_type"]
    autocomplete_fields = ["customer"]
    export_fields = [
        "customer",
        "qualification_type",
        "number",
        "issuer",
        "valid_from",
        "valid_to",
        "status",
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        # Once submitted, a paper is what the reviewers checked: it is read-only.
        editable = obj is None or obj.status in {
            Qualification.Status.PENDING,
            Qualification.Status.REJECTED,
        }
        return editable and super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = ["customer", "qualification_type", "number", "issuer", "valid_from", "valid_to"]
        if obj is None:
            return [*fields, "scan"]
        return [*fields, "scan_link", "status", "uploaded_by", "verified_by", "verified_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        locked = [
            "customer",
            "qualification_type",
            "scan_link",
            "status",
            "uploaded_by",
            "verified_by",
            "verified_at",
        ]
        if obj.status not in {Qualification.Status.PENDING, Qualification.Status.REJECTED}:
            locked += ["number", "issuer", "valid_from", "valid_to"]
        return locked

    status_badge = status_badge_display(
        {
            "pending": "warning",
            "in_review": "info",
            "verified": "success",
            "rejected": "danger",
            "expired": "danger",
        }
    )

    @display(description=_("scan"))
    def scan_link(self, obj: Qualification) -> str:
        if not obj.scan:
            return "—"
        url = reverse("admin:parties_qualification_scan", args=[obj.pk])
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("Download"))

    def save_model(self, request, obj, form, change) -> None:
        if change:
            model_save(instance=obj, by=request.user)
            return
        data = form.cleaned_data
        created = services.qualification_create(
            customer=data["customer"],
            by=request.user,
            qualification_type=data["qualification_type"],
            number=data["number"],
            issuer=data.get("issuer", ""),
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            scan=data.get("scan") or None,
        )
        obj.pk = created.pk

    object_views = {"scan": "scan_view"}

    def scan_view(self, request: HttpRequest, pk: int) -> FileResponse:
        return qualification_scan_response(request.user, pk)


@admin.register(CustomerTermsChange)
class CustomerTermsChangeAdmin(ReviewableAdminMixin, BaseModelAdmin):
    """A change of a customer's credit limit or status, waiting for one reviewer (issue 15
    §3). Asked from the customer's page; read-only here, with the review panel."""

    list_display = ["customer", "summary", "requested_by", "created_at", "status_badge"]
    list_filter = ["status"]
    search_fields = ["customer__name", "customer__name_initials", "customer__code"]
    list_select_related = ["customer", "requested_by"]
    fields = [
        "customer",
        "summary",
        "reason",
        "requested_by",
        "created_at",
        "status",
    ]
    readonly_fields = fields

    @display(description=_("change"))
    def summary(self, obj: CustomerTermsChange) -> str:
        return obj.summary

    status_badge = status_badge_display(
        {"in_review": "info", "applied": "success", "refused": "danger"}
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RequirementInline(TabularInline):
    model = QualificationRequirement
    extra = 0


@admin.register(QualificationType)
class QualificationTypeAdmin(BaseModelAdmin):
    list_display = ["code", "name", "name_en", "is_active"]
    search_fields = ["code", "name", "name_en"]
    inlines = [RequirementInline]


class CallInventoryInline(TabularInline):
    model = CallInventoryLine
    extra = 1
    fields = ["product", "quantity"]
    autocomplete_fields = ["product"]


@admin.register(CallRecord)
class CallRecordAdmin(BaseModelAdmin):
    list_display = ["customer", "called_at", "caller", "next_call_on"]
    list_filter = [("called_at", admin.DateFieldListFilter)]
    search_fields = ["customer__name", "customer__name_initials", "customer__code"]
    list_select_related = ["customer", "caller"]
    autocomplete_fields = ["customer"]
    inlines = [CallInventoryInline]
    fields = [
        "customer",
        "called_at",
        "contact",
        "business_status",
        "market_demand",
        "competitor_notes",
        "next_call_on",
    ]
    date_hierarchy = "called_at"

    def get_changeform_initial_data(self, request):
        from django.utils import timezone

        return {"called_at": timezone.now(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change) -> None:
        if obj.caller_id is None:
            obj.caller = request.user
        super().save_model(request, obj, form, change)


@admin.register(Visit)
class VisitAdmin(BaseModelAdmin):
    list_display = ["customer", "kind", "visited_on", "host", "purpose"]
    list_filter = ["kind", ("visited_on", admin.DateFieldListFilter)]
    search_fields = ["customer__name", "customer__name_initials", "purpose"]
    list_select_related = ["customer", "host"]
    autocomplete_fields = ["customer", "host"]
    fields = [
        "customer",
        "kind",
        "visited_on",
        "host",
        "participants",
        "purpose",
        "outcome",
        "next_step",
    ]

    def get_changeform_initial_data(self, request):
        return {"host": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(Feedback)
class FeedbackAdmin(BaseModelAdmin):
    list_display = ["customer", "type", "priority", "status", "assignee", "due_on"]
    list_filter = ["status", "type", "priority"]
    search_fields = ["customer__name", "customer__name_initials", "description"]
    list_select_related = ["customer", "assignee"]
    autocomplete_fields = ["customer", "assignee"]
    change_form_outer_before_template = "parties/feedback_actions.html"
    steps = [
        Step(
            "start",
            _("Start working on it"),
            services.feedback_start,
            document="feedback",
            to=Feedback.Status.IN_PROGRESS,
            when=lambda ticket: ticket.status == Feedback.Status.NEW,
            style="secondary",
        ),
        Step(
            "answer",
            _("Answer"),
            services.feedback_answer,
            document="feedback",
            to=Feedback.Status.ANSWERED,
            form=FeedbackAnswerForm,
        ),
        Step(
            "close",
            _("Close the ticket"),
            services.feedback_close,
            document="feedback",
            to=Feedback.Status.CLOSED,
            form=FeedbackCloseForm,
        ),
        Step(
            "reopen",
            _("Reopen"),
            services.feedback_start,
            document="feedback",
            to=Feedback.Status.IN_PROGRESS,
            when=lambda ticket: ticket.status == Feedback.Status.ANSWERED,
            style="secondary",
        ),
    ]
    # The response and the resolution are written by the Answer and Close steps (audited,
    # with the status), never edited beside them in the form.
    readonly_fields = [
        "status",
        "due_on",
        "response",
        "resolution",
        "created_by",
        "answered_at",
        "closed_at",
        "resolve_time",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "type", "priority", "assignee", "description"]
        return [
            "customer",
            "type",
            "priority",
            "assignee",
            "description",
            "status",
            "due_on",
            "response",
            "resolution",
            "created_by",
            "answered_at",
            "closed_at",
            "resolve_time",
        ]

    @display(description=_("time to resolve (hours)"))
    def resolve_time(self, obj: Feedback):
        return obj.resolve_hours if obj.resolve_hours is not None else "—"

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = services.feedback_create(
            customer=data["customer"],
            by=request.user,
            type=data["type"],
            priority=data["priority"],
            description=data["description"],
            assignee=data.get("assignee"),
        )
        obj.pk = created.pk


@admin.register(CallCadence)
class CallCadenceAdmin(BaseModelAdmin):
    """How often each grade of customer is called; overdue calls follow these at once."""

    list_display = ["grade", "interval_days"]
    list_editable = ["interval_days"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


IMPORT_COLOURS = {
    "queued": "info",
    "running": "warning",
    "succeeded": "success",
    "failed": "danger",
}


@admin.register(CustomerImport)
class CustomerImportAdmin(BaseModelAdmin):
    """Customer imports (issue 15 §22): each file's hash, counts and differences; a big
    file's import, run by the task worker, shows its progress and result here."""

    list_display = ["__str__", "filename", "status_badge", "summary", "created_by", "created_at"]
    list_filter = ["status"]
    object_views = {"result": "result_view"}
    status_badge = status_badge_display(IMPORT_COLOURS)
    steps = [
        Step(
            "retry",
            _("Retry"),
            customer_import_retry,
            document="customer_import",
            # only a run that died: a file with errors fails again until it is corrected
            when=lambda record: import_failure(record)["can_retry"],
            done=_("The import is queued again."),
        )
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the customers' import page adds them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @display(description=_("result"))
    def summary(self, obj: CustomerImport) -> str:
        counts = obj.counts or {}
        if not counts:
            return ""
        return _("%(created)d added, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0),
        }

    def changelist_view(self, request, extra_context=None):
        imports_fail_stale(CustomerImport)  # a run whose worker is gone shows as failed
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return HttpResponseRedirect(
            reverse("admin:parties_customerimport_result", args=[object_id])
        )

    def result_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = object_or_404(self.get_queryset(request), pk)
        if record.status == CustomerImport.Status.RUNNING and imports_fail_stale(CustomerImport):
            record.refresh_from_db()
        context = {
            **self.admin_site.each_context(request),
            "title": str(record),
            "opts": self.model._meta,
            "record": record,
            "previous": import_previous(CustomerImport, sha256=record.sha256, other_than=record.pk),
            "failure": import_failure(record),
            "document_steps": self.document_steps(request, record),
        }
        return TemplateResponse(request, "parties/customer_import_record.html", context)
