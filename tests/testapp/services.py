from django.db import transaction
from django.utils import timezone

from backoffice.core.access import permission_required
from backoffice.core.numbering import next_number
from backoffice.core.transitions import transition
from backoffice.reviews.services import review_submit
from tests.testapp.models import Voucher


@permission_required("testapp.change_voucher")
@transaction.atomic
def voucher_submit(*, voucher: Voucher, by) -> Voucher:
    transition(voucher, to=Voucher.Status.IN_REVIEW, by=by)
    review_submit(obj=voucher, by=by)
    return voucher


@permission_required("testapp.change_voucher")
@transaction.atomic
def voucher_cancel(*, voucher: Voucher, by, reason: str) -> Voucher:
    """A draft is dropped, saying why (a step on its page: see admin.py)."""
    return transition(voucher, to=Voucher.Status.CANCELLED, by=by, note=reason)


def voucher_release(voucher: Voucher, *, by, request) -> None:
    if voucher.title == "explode on release":
        raise RuntimeError("release failed")
    transition(voucher, to=Voucher.Status.RELEASED, by=by)
    voucher.number = next_number(kind="VO", year=timezone.now().year)
    voucher.save(update_fields=["number"])


def voucher_return(voucher: Voucher, *, by, note, request) -> None:
    transition(voucher, to=Voucher.Status.DRAFT, by=by, note=note)
