"""Writes of feedback tickets (DOMAIN §1): open, start, answer, close."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.models import Text
from backoffice.core.notifications import notify
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.parties.models import (
    Customer,
    Feedback,
)
from backoffice.parties.services.customers import _validated


@permission_required("parties.add_feedback")
@transaction.atomic
def feedback_create(
    *,
    customer: Customer,
    by: Actor,
    type: str,
    description: str,
    priority: str = Feedback.Priority.NORMAL,
    assignee: Any = None,
) -> Feedback:
    """Open a ticket; its due date follows from the priority; the assignee is told."""
    if priority not in Feedback.DUE_DAYS:
        raise ValidationFailed(extra={"fields": {"priority": [_("unknown priority")]}})
    ticket = Feedback(
        customer=customer,
        type=type,
        priority=priority,
        description=description,
        assignee=assignee or customer.owner,
        due_on=timezone.localdate() + timedelta(days=Feedback.DUE_DAYS[priority]),
        created_by=by,
    )
    _validated(ticket)
    model_save(instance=ticket, by=by, validate=False)
    notify(
        recipients=[ticket.assignee],
        title=Text(
            gettext_noop("Feedback from %(customer)s: %(type)s"),
            customer=customer.name,
            type=Feedback.Type(ticket.type).label,
        ),
        body=description[:500],
        url=f"/parties/feedback/{ticket.pk}/change/",
    )
    return ticket


@permission_required("parties.change_feedback")
@transaction.atomic
def feedback_start(*, feedback: Feedback, by: Actor) -> Feedback:
    return transition(feedback, to=Feedback.Status.IN_PROGRESS, by=by)


def _feedback_step(feedback: Feedback, *, by: Actor, to: str, field: str, text: str, missing: str):
    """Keep the required text (response or resolution) on the ticket, then move it."""
    if not text.strip():
        raise ValidationFailed(missing, extra={"fields": {field: [_("required")]}})
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    setattr(feedback, field, text.strip())
    model_save(instance=feedback, by=by, validate=False)
    return transition(feedback, to=to, by=by)


@permission_required("parties.change_feedback")
@transaction.atomic
def feedback_answer(*, feedback: Feedback, by: Actor, response: str) -> Feedback:
    """Answer the customer; the response is required and kept on the ticket."""
    return _feedback_step(
        feedback,
        by=by,
        to=Feedback.Status.ANSWERED,
        field="response",
        text=response,
        missing=_("Write the response given to the customer."),
    )


@permission_required("parties.change_feedback")
@transaction.atomic
def feedback_close(*, feedback: Feedback, by: Actor, resolution: str) -> Feedback:
    """Close the ticket with how it was resolved; the time to resolve is measured from here."""
    return _feedback_step(
        feedback,
        by=by,
        to=Feedback.Status.CLOSED,
        field="resolution",
        text=resolution,
        missing=_("Say how the matter was resolved."),
    )
