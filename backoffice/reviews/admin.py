"""Staff UI of the engine: the Review panel every reviewable document shows, the
"My reviews" queue, and the policies admins edit."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display

from backoffice.core.admin import (
    BaseModelAdmin,
    DeletionRuleAdminMixin,
    VisibleRows,
    object_or_404,
    with_live_names,
)
from backoffice.core.exceptions import ApplicationError, ValidationFailed
from backoffice.core.filters import IdField
from backoffice.core.steps import Step
from backoffice.reviews.models import (
    ReversalRequest,
    ReviewDecision,
    ReviewPolicy,
    ReviewPolicyLevel,
    ReviewRequest,
    document_kind_label,
)
from backoffice.reviews.registry import registrations
from backoffice.reviews.selectors import (
    may_review_level,
    review_customers,
    review_pending_for,
    review_queue_filter,
    review_request_for,
    review_request_visible_to,
    review_status,
)
from backoffice.reviews.services import review_approve_many, review_decide


class ReviewDecisionForm(forms.Form):
    """The Review panel's two buttons: the verdict, and the note (required to send back,
    which review_decide checks)."""

    verdict = forms.ChoiceField(label=_("verdict"), choices=ReviewDecision.Verdict.choices)
    note = forms.CharField(label=_("note"), max_length=2000, required=False)


AGE_LABELS = {
    "lt1": _("less than a day"),
    "1to3": _("1 to 3 days"),
    "gt3": _("more than 3 days"),
}


FILTER_CLASS = (
    "border border-base-200 rounded-default px-2 py-1 bg-white"
    " dark:bg-base-900 dark:border-base-700"
)


class ReviewQueueFilterForm(forms.Form):
    """The "My reviews" queue's filters, read from the query string."""

    # an unknown value is not echoed back: "salesorder" is no word of the page
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the types in the list.")},
    )
    customer = IdField(label=_("Customer"), required=False)
    age = forms.ChoiceField(
        label=_("Waiting"),
        required=False,
        choices=[("", _("any time")), *AGE_LABELS.items()],
        error_messages={"invalid_choice": _("Choose one of the times in the list.")},
    )

    def __init__(self, *args: Any, customers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", _("all types")),
            # named as the queue's rows name them: the document's kind (销售订单), not the
            # review's (订单审核)
            *sorted(
                ((r.kind, str(document_kind_label(r.kind))) for r in registrations()),
                key=lambda c: c[1],
            ),
        ]
        self.fields["customer"].widget = forms.Select(
            choices=[("", _("all customers")), *customers]
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = FILTER_CLASS


class ReviewBulkApproveForm(forms.Form):
    """The queue's bulk approve: the reviews ticked, and one note for all of them."""

    reviews = forms.ModelMultipleChoiceField(
        label=_("Reviews"),
        queryset=ReviewRequest.objects.select_related("author"),
        error_messages={"required": _("Tick the documents to approve.")},
    )
    note = forms.CharField(label=_("Comment"), max_length=2000, required=False)


def may_decide_now(user: Any, request: ReviewRequest | None) -> bool:
    if request is None or request.state != ReviewRequest.State.OPEN:
        return False
    if user.pk == request.author_id or request.excluded_reviewers.filter(pk=user.pk).exists():
        return False
    if request.decisions.filter(reviewer=user, round=request.round).exists():
        return False
    return may_review_level(user, request.current_level)


def review_submit_step(
    service: Any, *, document: str, to: str = "in_review", actor: Any = None
) -> Step:
    """A document's submit service as the Review panel's Submit step (`actor`: see Step)."""
    return Step("submit", _("Submit for review"), service, document=document, to=to, actor=actor)


class ReviewableAdminMixin:
    """Mix into a document's admin: a Review panel with Submit / Approve / Reject.

    The document admin declares its submit service (which moves the document and opens the
    review) as `submit_step`, a core.steps.Step: the Submit button shows while the step is
    available (the move is allowed and the user holds the service's permission), and pressing
    it runs the service.
    """

    change_form_outer_before_template = "reviews/panel.html"
    submit_step: Step | None = None

    def review_submit_document(self, request: HttpRequest, obj: Any) -> None:
        if self.submit_step is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no submit_step")
        form = self.submit_step.make_form(obj, {})
        if not form.is_valid():  # a submit step takes no input: NoInput is always valid
            raise ImproperlyConfigured(f"{type(self).__name__}.submit_step asks for input")
        self.submit_step.run(obj, request.user, form)

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_decide_view),
                name=f"{name}_review",
            ),
            path(
                "<path:object_id>/submit/",
                self.admin_site.admin_view(self.review_submit_view),
                name=f"{name}_submit",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, obj: Any) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def may_submit(self, request: HttpRequest, obj: Any) -> bool:
        step = self.submit_step
        return (
            step is not None
            and self.has_view_permission(request, obj)
            and step.available(obj, request.user)
        )

    def is_reviewed(self, obj: Any) -> bool:
        """Whether this document goes through review at all (a red letter does not: it
        reverses an invoice that was)."""
        return True

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.is_reviewed(obj):
            review = review_request_for(obj)
            opts = self.model._meta
            extra_context["review_panel"] = {
                "status": review_status(review),
                "may_decide": may_decide_now(request.user, review),
                "may_submit": self.may_submit(request, obj),
                "decide_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_review", args=[obj.pk]
                ),
                "submit_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_submit", args=[obj.pk]
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _post_action(self, request: HttpRequest, object_id: str, action) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = object_or_404(self.get_queryset(request), object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        try:
            message = action(obj)
        except ApplicationError as error:
            self.message_user(request, str(error.message), level=messages.ERROR)
        else:
            self.message_user(request, message, level=messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def review_decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def decide(obj: Any) -> str:
            review = review_request_for(obj)
            if review is None:
                raise ApplicationError(_("This document has not been submitted for review."))
            form = ReviewDecisionForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed(
                    " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
            verdict = form.cleaned_data["verdict"]
            review = review_decide(
                request=review, by=request.user, verdict=verdict, note=form.cleaned_data["note"]
            )
            if verdict != "approve":
                return str(_("Sent back to the author."))
            if review.state == ReviewRequest.State.OPEN:  # someone else still decides
                return review_status(review).progress
            return str(_("Approved."))

        return self._post_action(request, object_id, decide)

    def review_submit_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def submit(obj: Any) -> str:
            if not self.may_submit(request, obj):
                raise ApplicationError(_("This document cannot be submitted now."))
            self.review_submit_document(request, obj)
            return str(_("Submitted for review."))

        return self._post_action(request, object_id, submit)


class ReviewPolicyLevelInline(TabularInline):
    model = ReviewPolicyLevel
    extra = 0
    fields = ["position", "min_amount", "approvals", "reviewer_permission", "reviewer_role"]


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(BaseModelAdmin):
    list_display = ["name", "document_kind"]
    search_fields = ["label", "kind"]
    fields = ["name", "document_kind"]
    readonly_fields = ["name", "document_kind"]
    inlines = [ReviewPolicyLevelInline]

    @display(description=_("name"))
    def name(self, policy: ReviewPolicy) -> str:
        return str(policy.kind_label)

    @display(description=_("document kind"))
    def document_kind(self, policy: ReviewPolicy) -> str:
        return str(policy.document_label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one policy per registered document kind, created by the engine

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReviewKindFilter(admin.SimpleListFilter):
    title = _("document kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = ReviewRequest.objects.order_by().values_list("kind", flat=True).distinct()
        return sorted(((k, document_kind_label(k)) for k in kinds), key=lambda c: str(c[1]))

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ReversalRequest)
class ReversalRequestAdmin(ReviewableAdminMixin, BaseModelAdmin):
    """A request to undo an approved document (issue 15 §20): read-only, with the review
    panel; asked from the document's page (its "Ask to …" step)."""

    list_display = ["__str__", "requested_by", "created_at", "status"]
    list_filter = ["status"]
    search_fields = ["object_repr"]
    list_select_related = ["requested_by"]
    fields = ["action_label", "document_link", "reason", "details", "requested_by", "status"]
    readonly_fields = fields

    @display(description=_("action"))
    def action_label(self, asked: ReversalRequest) -> str:
        return str(asked.action_label)

    @display(description=_("document"))
    def document_link(self, asked: ReversalRequest) -> str:
        opts = asked.content_type.model_class()._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[asked.object_id])
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, asked.object_repr)

    @display(description=_("details"))
    def details(self, asked: ReversalRequest) -> str:
        from backoffice.reviews.reversals import reversal_for

        describe = reversal_for(asked.action).describe
        if describe is not None:
            return describe(asked.arguments)
        return "; ".join(f"{name}: {value}" for name, value in asked.arguments.items()) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ReviewRequest)
class ReviewRequestAdmin(DeletionRuleAdminMixin, VisibleRows, ModelAdmin):
    """All reviews (read-only), and the "My reviews" queue at reviews/reviewrequest/pending/."""

    list_display = ["document_name", "document_kind", "state", "round", "author", "submitted_at"]
    list_filter = ["state", ReviewKindFilter]
    search_fields = ["object_repr"]
    show_full_result_count = False
    list_select_related = ["author"]
    fields = [
        "document",
        "document_kind",
        "state",
        "progress",
        "round",
        "author",
        "submitted_at",
        "closed_at",
        "closed_by",
    ]
    readonly_fields = fields

    @display(description=_("document kind"))
    def document_kind(self, review: ReviewRequest) -> str:
        return str(document_kind_label(review.kind))

    def get_changelist(self, request, **kwargs):
        return with_live_names(
            super().get_changelist(request, **kwargs),
            label_of=lambda r: r.kind,
            id_of=lambda r: r.object_id,
        )

    @display(description=_("document"), ordering="object_repr")
    def document_name(self, review: ReviewRequest) -> str:
        return getattr(review, "live_name", review.object_repr)

    @display(description=_("document"))
    def document(self, review: ReviewRequest) -> str:
        model = review.content_type.model_class()
        if model is None:
            return review.object_repr
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[review.object_id])
        document = model._default_manager.filter(pk=review.object_id).first()
        name = str(document) if document is not None else review.object_repr
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, name)

    @display(description=_("approvals"))
    def progress(self, review: ReviewRequest) -> str:
        return review_status(review).progress

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "pending/",
                self.admin_site.admin_view(self.pending_view),
                name="reviews_pending",
            ),
            *super().get_urls(),
        ]

    def pending_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            return self._approve_many(request)
        now = timezone.now()
        queue = review_pending_for(request.user)
        everything = list(queue[:500])
        customers = review_customers(everything)
        choices = sorted({(c.pk, str(c)) for c in customers.values()}, key=lambda c: c[1])
        form = ReviewQueueFilterForm(request.GET, customers=choices)
        status = 200
        if form.is_valid():
            data = form.cleaned_data
            queue = review_queue_filter(
                queue, now=now, kind=data["kind"], customer_id=data["customer"], age=data["age"]
            )
            reviews = list(queue[:500])
        else:  # a bad parameter: said beside its filter, and the whole queue shown
            status = 400
            reviews = everything
        rows = []
        for review in reviews:
            model = review.content_type.model_class()
            opts = model._meta
            rows.append(
                {
                    "review": review,
                    "status": review_status(review),
                    "kind_label": document_kind_label(review.kind),
                    "customer": customers.get(review.pk),
                    "age": now - review.submitted_at,
                    "url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change", args=[review.object_id]
                    ),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("My reviews"),
            "rows": rows,
            "filter_form": form,
            "is_filtered": any(request.GET.get(name) for name in form.fields),
            "query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "reviews/pending.html", context, status=status)

    def _approve_many(self, request: HttpRequest) -> HttpResponse:
        """Approve the ticked reviews, each one a decision of its own (review_approve_many)."""
        back = reverse("admin:reviews_pending")
        if request.GET:
            back = f"{back}?{request.GET.urlencode()}"
        form = ReviewBulkApproveForm(request.POST)
        # A review of a document the user may not see is no choice (not even by its name).
        form.fields["reviews"].queryset = review_request_visible_to(request.user).select_related(
            "author"
        )
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, level=messages.ERROR)
            return HttpResponseRedirect(back)
        outcome = review_approve_many(
            requests=list(form.cleaned_data["reviews"].order_by("submitted_at", "id")),
            by=request.user,
            note=form.cleaned_data["note"],
        )
        if outcome.approved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d document approved.",
                    "%(count)d documents approved.",
                    len(outcome.approved),
                )
                % {"count": len(outcome.approved)},
                level=messages.SUCCESS,
            )
        for review, reason in outcome.failed:
            self.message_user(
                request,
                _("%(document)s was not approved: %(reason)s")
                % {"document": review.object_repr, "reason": reason},
                level=messages.ERROR,
            )
        return HttpResponseRedirect(back)
