"""Writes of the office: carriers, the mail and express register, carriers' bills."""

from backoffice.office.services.bills import BillUnreadable, bill_rows, bill_settle, bill_upload
from backoffice.office.services.carriers import carrier_approved, carrier_save
from backoffice.office.services.mail import (
    carrier_by_name,
    mail_document_moved,
    mail_entry,
    mail_for,
    mail_register,
    mail_set_status,
    mail_update,
    related_document,
)

__all__ = [
    "BillUnreadable",
    "bill_rows",
    "bill_settle",
    "bill_upload",
    "carrier_approved",
    "carrier_by_name",
    "carrier_save",
    "mail_document_moved",
    "mail_entry",
    "mail_for",
    "mail_register",
    "mail_set_status",
    "mail_update",
    "related_document",
]
