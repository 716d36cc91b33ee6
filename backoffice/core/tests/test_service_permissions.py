"""Decision 0005: every service a person calls checks that person's permission itself."""

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from backoffice.core.access import guarded_services, service_permission
from backoffice.core.exceptions import NotAllowed

# Public functions of services modules that take `by` but are not a person's own move.
NOT_GUARDED = {
    # Called by the reviews engine when a review closes: it checked the reviewer's level.
    "order_approve": "review callback",
    "order_return": "review callback",
    "order_refused": "review callback",
    "delivery_release": "review callback",
    "delivery_return_to_draft": "review callback",
    "invoice_approve": "review callback",
    "invoice_return_to_draft": "review callback",
    "contract_approve": "review callback",
    "contract_return": "review callback",
    "application_approve": "review callback",
    "application_return": "review callback",
    "verification_approve": "review callback",
    "verification_return": "review callback",
    "settlement_settle": "review callback",
    "settlement_return": "review callback",
    "issue_release": "review callback",
    "issue_return_to_draft": "review callback",
    "stocktake_approve": "review callback",
    "stocktake_recount": "review callback",
    "qualification_verify": "review callback",
    "qualification_return": "review callback",
    "customer_terms_change_apply": "review callback",
    "customer_terms_change_refuse": "review callback",
    # Issue 15 §20: the undo itself, run by the engine once its ReversalRequest is approved
    # (asked through a guarded *_request / contract_terminate service).
    "order_cancel_approved": "review callback",
    "contract_cancel_approved": "review callback",
    "application_cancel_approved": "review callback",
    "contract_terminate_approved": "review callback",
    "invoice_red_letter": "review callback",
    # The reviews engine itself: review_decide checks the level's permission (NotAReviewer);
    # review_submit is called by each document's guarded submit service.
    "review_submit": "called by guarded submit services",
    "review_decide": "checks the review level's permission itself",
    "review_approve_many": "each approval is a review_decide, which checks the level",
    # Postings made inside the guarded service that issues the document.
    "receivable_from_invoice": "posting inside invoice_issue",
    "allocations_release": "inside invoice_red_letter, via its posting",
    "journal_post": "posting inside guarded services",
    "stock_post": "the stock ledger, inside guarded receipt and issue services",
    "take_out": "the stock ledger, inside the releases of issues and deliveries",
    "move_between": "the stock ledger, inside guarded transfers and releases of issues",
    "bag_of": "a rep's bag, made inside the guarded issue services",
    "mail_entry": "a document's own mail register entry, inside its guarded service",
    "mail_document_moved": "a document's mail entry following it, inside its guarded service",
    # The system's own moves (daily jobs, fulfilment), by=None.
    "contract_complete": "system move after fulfilment",
    # Generic audited writes; the staff UI checks the model's add/change/delete permission
    # (ModelAdmin.has_*_permission) before it calls them.
    "model_save": "generic audited save",
    "model_set_related": "generic audited save",
    "model_delete": "generic audited delete",
    "audit_record": "the audit trail itself",
    # Set-up: management commands and the demo act before anyone can log in.
    "user_create": "onboarding by command or by the guarded user API",
    "user_language_set": "a person's own language, chosen in the staff UI",
    # Imports' bulk path, called inside the history import (whose upload page checks
    # sales.add_historyimport; its command acts as the system, by=None), audited row by row.
    "region_bulk_create": "inside the history import",
    "user_bulk_create": "inside the history import",
    "product_bulk_create": "inside the history import",
    "customer_bulk_create": "inside the history import",
    "audit_record_many": "the audit trail itself",
    # Reads: the rules a form checks before it saves through a guarded service.
    "check_customer": "a check, changes nothing",
    "terms_refused": "a check, changes nothing",
    "initial_terms_refused": "a check, changes nothing",
    "related_document": "a read of what the user may see, changes nothing",
}


def _services_modules() -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("backoffice."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        modules.append(module)
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(f"{module.__name__}.{info.name}")
                for info in pkgutil.iter_modules(module.__path__)
            ]
    return modules


def _person_services():
    for module in _services_modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__:
                continue
            if "by" in inspect.signature(function).parameters:
                yield f"{module.__name__}.{name}", function


def test_every_service_a_person_calls_checks_a_permission():
    unguarded = []
    for name, function in _person_services():
        short = name.rsplit(".", 1)[1]
        if service_permission(function) or short in NOT_GUARDED:
            continue
        if "require_perm(" in inspect.getsource(inspect.unwrap(function)):
            continue
        unguarded.append(name)
    assert unguarded == [], "guard these with permission_required (decision 0005)"


def test_the_list_of_unguarded_services_names_only_services_that_exist():
    names = {name.rsplit(".", 1)[1] for name, _ in _person_services()}
    assert set(NOT_GUARDED) - names == set()


@pytest.mark.django_db
def test_every_guarded_service_names_a_permission_that_exists():
    assert guarded_services
    for name, service in guarded_services.items():
        app_label, codename = service.permission.split(".")
        assert Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).exists(), f"{name}: {service.permission}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(guarded_services))
def test_a_user_without_the_permission_is_refused_before_anything_happens(name, outsider):
    service = guarded_services[name]
    with pytest.raises(NotAllowed) as refused:
        service(by=outsider)  # refused before its other arguments are even looked at
    assert refused.value.extra == {"permission": service.permission}
    with pytest.raises(NotAllowed):
        service(by=None)
