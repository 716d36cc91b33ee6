"""Carriers (物流/快递公司, issue 17 §10): the register the clerks keep; only an approved
one is chosen on a delivery or a mail item."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, require_perm
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.services import model_save
from backoffice.office.exceptions import CarrierNotApproved
from backoffice.office.models import Carrier

CARRIER_FIELDS = {"code", "name", "status", "contact", "phone", "price_notes", "note"}


@transaction.atomic
def carrier_save(*, by: Actor, carrier: Carrier | None = None, **data: Any) -> Carrier:
    """Create or change a carrier; a change of status is audited with the rest."""
    require_perm(by, "office.change_carrier" if carrier else "office.add_carrier")
    unknown = set(data) - CARRIER_FIELDS
    if unknown:
        raise ValidationFailed(extra={"fields": {name: [_("unknown field")] for name in unknown}})
    carrier = carrier or Carrier()
    for name, value in data.items():
        setattr(carrier, name, value.strip() if isinstance(value, str) else value)
    try:
        carrier.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(extra={"fields": exc.message_dict}) from exc
    return model_save(instance=carrier, by=by, validate=False)


def carrier_approved(carrier: Carrier | None) -> Carrier | None:
    """The carrier, when it may be chosen (409 carrier_not_approved otherwise)."""
    if carrier is not None and carrier.status != Carrier.Status.APPROVED:
        raise CarrierNotApproved(
            _("%(carrier)s is %(status)s: only an approved carrier can be chosen.")
            % {"carrier": carrier, "status": carrier.get_status_display()},
            extra={"carrier": carrier.pk, "status": carrier.status},
        )
    return carrier
