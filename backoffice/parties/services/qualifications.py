"""Writes of qualification papers (DOMAIN §1): upload, submit for double review, verify or
return, and the daily expiry warnings."""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.models import Text
from backoffice.core.notifications import notify
from backoffice.core.services import model_save
from backoffice.core.transitions import allowed_transitions, transition
from backoffice.parties.models import (
    Customer,
    Qualification,
    QualificationType,
)
from backoffice.parties.scans import scan_clean
from backoffice.parties.selectors import qualifications_expiring
from backoffice.parties.services.customers import _validated
from backoffice.reviews.services import review_submit

WARNING_DAYS = (90, 30, 0)


@permission_required("parties.add_qualification")
@transaction.atomic
def qualification_create(
    *,
    customer: Customer,
    by: Actor,
    qualification_type: QualificationType,
    number: str,
    valid_from: date,
    valid_to: date,
    issuer: str = "",
    scan: UploadedFile | None = None,
) -> Qualification:
    """Register a paper; it waits as `pending` until submitted for double review."""
    if valid_to < valid_from:
        raise ValidationFailed(
            _("“Valid to” is before “valid from”."),
            extra={"fields": {"valid_to": [_("before valid from")]}},
        )
    paper = Qualification(
        customer=customer,
        qualification_type=qualification_type,
        number=number.strip(),
        issuer=issuer.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        uploaded_by=by,
    )
    if scan is not None:
        paper.scan = scan_clean(scan)
    _validated(paper)
    return model_save(instance=paper, by=by, validate=False)


@permission_required("parties.change_qualification")
@transaction.atomic
def qualification_submit(*, qualification: Qualification, by: Actor) -> Qualification:
    """Send a paper to double review (2 clerks, never the uploader). (DOMAIN §1)"""
    if qualification.valid_to < timezone.localdate():
        raise ValidationFailed(_("This paper has already expired; register the renewed one."))
    if not qualification.scan:
        raise ValidationFailed(
            _("Attach the scan before submitting."), extra={"fields": {"scan": [_("required")]}}
        )
    transition(qualification, to=Qualification.Status.IN_REVIEW, by=by)
    review_submit(obj=qualification, by=by)
    return qualification


def qualification_verify(qualification: Qualification, *, by: Actor, request: Any) -> None:
    """on_approved of the review: the paper counts from now on."""
    transition(qualification, to=Qualification.Status.VERIFIED, by=by)


def qualification_return(
    qualification: Qualification, *, by: Actor, note: str, request: Any
) -> None:
    """on_rejected of the review: the uploader corrects and submits again."""
    transition(qualification, to=Qualification.Status.REJECTED, by=by, note=note)


def _clerks() -> list[Any]:
    return list(get_user_model().objects.filter(is_active=True, groups__name="clerk"))


@transaction.atomic
def qualifications_expiry_run(*, today: date | None = None) -> dict[str, int]:
    """Daily: warn the owner and the clerks 90, 30 and 0 days before a paper expires, and mark
    it expired on that day. A paper is valid through `valid_to`; it expires the day after.

    Each warning is sent once per threshold, so running it twice a day warns nobody twice.
    """
    today = today or timezone.localdate()
    clerks = _clerks()
    warned = expired = 0
    for paper in qualifications_expiring(today=today, within_days=max(WARNING_DAYS)):
        days_left = (paper.valid_to + timedelta(days=1) - today).days
        due = [d for d in WARNING_DAYS if days_left <= d]
        threshold = min(due) if due else None
        if threshold is not None and (
            paper.last_warning_days is None or threshold < paper.last_warning_days
        ):
            names = {"customer": paper.customer.name, "type": paper.qualification_type.name}
            if days_left > 0:
                title = Text(
                    gettext_noop("%(customer)s: %(type)s expires in %(days)d days"),
                    **names,
                    days=days_left,
                )
            else:
                title = Text(gettext_noop("%(customer)s: %(type)s has expired"), **names)
            notify(
                recipients=[paper.customer.owner, *clerks],
                title=title,
                body=Text(
                    gettext_noop("Valid to %(date)s. Ask the customer for the renewed paper."),
                    date=paper.valid_to.isoformat(),
                ),
                url=f"/parties/customer/{paper.customer_id}/change/",
            )
            Qualification.objects.filter(pk=paper.pk).update(last_warning_days=threshold)
            warned += 1
        if days_left <= 0 and Qualification.Status.EXPIRED in allowed_transitions(paper):
            transition(paper, to=Qualification.Status.EXPIRED, by=None)
            expired += 1
    return {"warned": warned, "expired": expired}
