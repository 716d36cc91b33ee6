"""Writes of the customer file (DOMAIN §1), one module per aggregate (decision 0007)."""

from .calls import (
    call_record,
    visit_record,
)
from .customers import (
    CUSTOMER_FIELDS,
    address_create,
    check_customer,
    contact_create,
    customer_bulk_create,
    customer_create,
    customer_update,
)
from .feedback import (
    feedback_answer,
    feedback_close,
    feedback_create,
    feedback_start,
)
from .qualifications import (
    WARNING_DAYS,
    qualification_create,
    qualification_return,
    qualification_submit,
    qualification_verify,
    qualifications_expiry_run,
)
from .terms import (
    customer_terms_change_apply,
    customer_terms_change_refuse,
    customer_terms_change_request,
)

__all__ = [
    "CUSTOMER_FIELDS",
    "WARNING_DAYS",
    "address_create",
    "call_record",
    "check_customer",
    "contact_create",
    "customer_bulk_create",
    "customer_create",
    "customer_terms_change_apply",
    "customer_terms_change_refuse",
    "customer_terms_change_request",
    "customer_update",
    "feedback_answer",
    "feedback_close",
    "feedback_create",
    "feedback_start",
    "qualification_create",
    "qualification_return",
    "qualification_submit",
    "qualification_verify",
    "qualifications_expiry_run",
    "visit_record",
]
