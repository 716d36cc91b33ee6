from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Customers (DOMAIN §1). Which customers a role sees is decided by view_all_customers /
# view_region_customers / neither (own only); these say what it may do with them.
READ_CUSTOMERS = {
    "parties.view_callrecord",
    "parties.view_callinventoryline",
    "parties.view_visit",
    "parties.view_feedback",
    "parties.view_customer",
    "parties.view_contact",
    "parties.view_deliveryaddress",
    "parties.view_qualification",
    "parties.view_qualificationtype",
}
KEEP_CUSTOMERS = READ_CUSTOMERS | {
    "parties.add_callrecord",
    "parties.change_callrecord",
    # the customer's stock, rows of the call: whoever records a call records its stock
    "parties.add_callinventoryline",
    "parties.change_callinventoryline",
    "parties.delete_callinventoryline",
    "parties.add_visit",
    "parties.change_visit",
    "parties.add_feedback",
    "parties.change_feedback",
    "parties.add_customer",
    "parties.change_customer",
    "parties.add_contact",
    "parties.change_contact",
    "parties.add_deliveryaddress",
    "parties.change_deliveryaddress",
    "parties.add_qualification",
    "parties.change_qualification",
}
SEE_ALL_CUSTOMERS = {"parties.view_all_customers"}
# Separation of duties (issue 15 §3): reps keep customers but not their terms; a change of
# credit limit or status waits for one reviewer who is not its requester.
CHANGE_TERMS = {"parties.change_customer_terms", "parties.view_customertermschange"}
REVIEW_TERMS = {"parties.review_customer_terms", "parties.view_customertermschange"}


def _reference_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.parties.reference import parties_reference_sync

    parties_reference_sync(using=using)


def _calls_overdue(user) -> int:
    from backoffice.parties.selectors import calls_overdue_for

    return calls_overdue_for(user).count()


def _feedback_overdue(user):
    from django.urls import reverse
    from django.utils import timezone

    from backoffice.core.todos import Todo
    from backoffice.parties.selectors import feedback_overdue_for

    return [
        Todo(
            title=_("Overdue feedback: %s") % ticket,
            url=reverse("admin:parties_feedback_change", args=[ticket.pk]),
            since=timezone.make_aware(
                timezone.datetime.combine(ticket.due_on, timezone.datetime.min.time())
            ),
        )
        for ticket in feedback_overdue_for(user)[:5]
    ]


class PartiesConfig(AppConfig):
    name = "backoffice.parties"
    label = "parties"
    verbose_name = _("Customers")

    def ready(self) -> None:
        post_migrate.connect(
            _reference_after_migrate, sender=self, dispatch_uid="parties-reference"
        )
        from backoffice.core.access import (
            register_global,
            register_visibility,
            register_visibility_through,
        )
        from backoffice.core.grants import grant
        from backoffice.core.jobs import register_daily_job
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.todos import register_todo
        from backoffice.parties.imports import (
            customer_import_visible_to,
            stale_customer_imports_fail,
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
        from backoffice.parties.selectors import (
            call_visible_to,
            customer_visible_to,
            feedback_visible_to,
            qualification_visible_to,
            terms_change_visible_to,
            visit_visible_to,
        )
        from backoffice.parties.services import (
            customer_terms_change_apply,
            customer_terms_change_refuse,
            qualification_return,
            qualification_verify,
            qualifications_expiry_run,
        )
        from backoffice.parties.tabs import register_customer_tabs
        from backoffice.reviews.registry import Level, register

        register_visibility(Customer, customer_visible_to)
        register_customer_tabs()
        register_visibility(Qualification, qualification_visible_to)
        register_visibility(CustomerImport, customer_import_visible_to)
        register_daily_job("stale customer imports", stale_customer_imports_fail)
        # The rest of the customer file is visible when its customer is.
        register_visibility(CallRecord, call_visible_to)
        register_visibility(Visit, visit_visible_to)
        register_visibility(Feedback, feedback_visible_to)
        register_visibility_through(Contact, "customer")
        register_visibility_through(DeliveryAddress, "customer")
        register_visibility_through(CallInventoryLine, "call")
        register_global(CallCadence, QualificationType, QualificationRequirement)
        register_daily_job("qualifications", qualifications_expiry_run)
        register(
            Qualification,
            label=_("Qualification papers"),
            levels=[Level(approvals=2, permission="parties.review_qualification")],
            on_approved=qualification_verify,
            on_rejected=qualification_return,
            authors=lambda paper: [paper.uploaded_by_id],
        )
        register_visibility(CustomerTermsChange, terms_change_visible_to)
        register(
            CustomerTermsChange,
            label=_("Customer terms change"),
            levels=[Level(approvals=1, permission="parties.review_customer_terms")],
            on_approved=customer_terms_change_apply,
            on_rejected=customer_terms_change_refuse,
            authors=lambda change: [change.requested_by_id],
        )
        grant(
            {
                "rep": KEEP_CUSTOMERS | {"parties.view_customertermschange"},
                "clerk": KEEP_CUSTOMERS
                | SEE_ALL_CUSTOMERS
                | CHANGE_TERMS
                | {"parties.review_qualification"},
                "sales_manager": KEEP_CUSTOMERS | SEE_ALL_CUSTOMERS | CHANGE_TERMS | REVIEW_TERMS,
                "regional_manager": KEEP_CUSTOMERS
                | {"parties.view_region_customers"}
                | CHANGE_TERMS
                | REVIEW_TERMS,
                "general_manager": READ_CUSTOMERS | SEE_ALL_CUSTOMERS | REVIEW_TERMS,
                "finance": READ_CUSTOMERS | SEE_ALL_CUSTOMERS | REVIEW_TERMS,
                "warehouse": SEE_ALL_CUSTOMERS
                | {"parties.view_customer", "parties.view_deliveryaddress", "parties.view_contact"},
            }
        )
        register_todo(
            "calls_overdue",
            order=200,
            count=_calls_overdue,
            label=ngettext_lazy("%d customer is due for a call", "%d customers are due for a call"),
            url="admin:parties_customer_changelist",
            query="call_overdue=yes",
        )
        register_todo("feedback_overdue", order=300, items=_feedback_overdue)
        register_nav_group("customers", _("Customers"), order=50)
        register_nav_item(
            "customers",
            _("Customers"),
            icon="storefront",
            url="admin:parties_customer_changelist",
            permission="parties.view_customer",
            order=10,
        )
        register_nav_item(
            "customers",
            _("Calls"),
            icon="call",
            url="admin:parties_callrecord_changelist",
            permission="parties.view_callrecord",
            order=20,
        )
        register_nav_item(
            "customers",
            _("Visits"),
            icon="handshake",
            url="admin:parties_visit_changelist",
            permission="parties.view_visit",
            order=30,
        )
        register_nav_item(
            "customers",
            _("Feedback"),
            icon="feedback",
            url="admin:parties_feedback_changelist",
            permission="parties.view_feedback",
            order=40,
        )
        register_nav_item(
            "customers",
            _("Qualification papers"),
            icon="verified_user",
            url="admin:parties_qualification_changelist",
            permission="parties.view_qualification",
            order=50,
        )
        register_nav_item(
            "customers",
            _("Call cadences"),
            icon="event_repeat",
            url="admin:parties_callcadence_changelist",
            permission="parties.change_callcadence",
            order=60,
        )
        register_nav_item(
            "customers",
            _("Qualification types"),
            icon="category",
            url="admin:parties_qualificationtype_changelist",
            permission="parties.change_qualificationtype",
            order=70,
        )
