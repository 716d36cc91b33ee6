"""Undoing what reviewers approved goes through the engine too (issue 15 §20).

An app registers each undo of its documents once, in its AppConfig.ready():

    register_reversal(
        SalesOrder,
        action="cancel",
        label=_("Cancellation of an approved order"),
        permission="sales.request_order_cancellation",   # who may ask
        apply=order_cancel_approved,    # (obj, *, by, reason, **arguments) -> Any
    )

Asking (`reversal_request`) checks the asker's permission and dry-runs the action, so a
request that could not be carried out is refused at once; it then waits as a
ReversalRequest, reviewed with the original's frozen levels (at least as many reviewers as
the original had), never by its requester. On approval the action runs, as the requester,
inside the decision's transaction; on refusal nothing happens to the document.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.core.access import Actor, require_perm, visibility_selector
from backoffice.core.exceptions import ApplicationError, ValidationFailed
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.reviews.models import ReversalRequest


@dataclass(frozen=True)
class Reversal:
    code: str  # "sales.salesorder.cancel"
    model: type[models.Model]
    label: Any
    permission: str
    apply: Callable[..., Any]
    # What the reviewers read of the stored arguments (names, not codes), when there are any.
    describe: Callable[[dict], str] | None = None


_reversals: dict[str, Reversal] = {}


class ReversalAlreadyOpen(ApplicationError):
    status = 409
    code = "reversal_already_open"
    default_message = gettext_lazy("The same request for this document waits for review already.")


class ReviewRequired(ApplicationError):
    status = 409
    code = "review_required"
    default_message = gettext_lazy(
        "What reviewers approved is undone only through a review: ask for it, with a reason."
    )


def register_reversal(
    model: type[models.Model],
    *,
    action: str,
    label: Any,
    permission: str,
    apply: Callable[..., Any],
    describe: Callable[[dict], str] | None = None,
) -> Reversal:
    code = f"{model._meta.label_lower}.{action}"
    _reversals[code] = Reversal(
        code=code,
        model=model,
        label=label,
        permission=permission,
        apply=apply,
        describe=describe,
    )
    return _reversals[code]


def reversal_for(code: str) -> Reversal:
    try:
        return _reversals[code]
    except KeyError:
        raise LookupError(f"{code} is not a registered reversal") from None


def reversal_code(model: type[models.Model], action: str) -> str:
    return f"{model._meta.label_lower}.{action}"


class _DryRun(Exception):
    pass


@transaction.atomic
def reversal_request(
    *, obj: Any, action: str, by: Actor, reason: str, arguments: dict | None = None
) -> ReversalRequest:
    """Ask for an undo of `obj`; it takes effect once reviewed (issue 15 §20)."""
    from backoffice.reviews.services import review_submit

    reversal = reversal_for(reversal_code(type(obj), action))
    require_perm(by, reversal.permission)
    if not reason.strip():
        raise ValidationFailed(extra={"fields": {"reason": [_("required")]}})
    content_type = ContentType.objects.get_for_model(obj)
    if ReversalRequest.objects.filter(
        content_type=content_type,
        object_id=obj.pk,
        action=reversal.code,
        status=ReversalRequest.Status.IN_REVIEW,
    ).exists():
        raise ReversalAlreadyOpen
    # Stored as JSON, and dry-run with the stored values: what is approved is what was tried.
    arguments = json.loads(json.dumps(arguments or {}, cls=DjangoJSONEncoder))
    try:
        with transaction.atomic():
            reversal.apply(obj, by=by, reason=reason.strip(), **arguments)
            raise _DryRun
    except _DryRun:
        pass
    request = model_save(
        instance=ReversalRequest(
            action=reversal.code,
            content_type=content_type,
            object_id=obj.pk,
            object_repr=str(obj)[:200],
            reason=reason.strip(),
            arguments=arguments,
            requested_by=by,
        ),
        by=by,
    )
    review_submit(obj=request, by=by)
    return request


def reversal_document(request: ReversalRequest) -> Any:
    model = reversal_for(request.action).model
    return model._default_manager.get(pk=request.object_id)


def reversal_apply(asked: ReversalRequest, *, by: Actor, request: Any) -> None:
    """on_approved: the undo runs, as its requester (who asked with the permission)."""
    reversal = reversal_for(asked.action)
    reversal.apply(
        reversal_document(asked), by=asked.requested_by, reason=asked.reason, **asked.arguments
    )
    transition(asked, to=ReversalRequest.Status.DONE, by=by)


def reversal_refuse(asked: ReversalRequest, *, by: Actor, note: str, request: Any) -> None:
    """on_rejected: the document stays as it is."""
    transition(asked, to=ReversalRequest.Status.REFUSED, by=by, note=note)


def reversal_levels(request: ReversalRequest) -> list[dict]:
    """The original's levels as frozen at its own review: at least as many reviewers."""
    from backoffice.reviews.selectors import review_request_for
    from backoffice.reviews.services import frozen_levels

    document = reversal_document(request)
    original = review_request_for(document)
    if original is not None and original.levels:
        return list(original.levels)
    return frozen_levels(type(document)._meta.label_lower, None)


def reversal_visible_to(user: Any) -> QuerySet[ReversalRequest]:
    """A request is seen by those who see its document."""
    condition = Q(pk__in=[])
    for model in {reversal.model for reversal in _reversals.values()}:
        selector = visibility_selector(model._meta.label_lower)
        if selector is None:
            continue
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=selector(user).values("pk"),
        )
    return ReversalRequest.objects.filter(condition)


def reversals_open_for(obj: Any) -> QuerySet[ReversalRequest]:
    return ReversalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        status=ReversalRequest.Status.IN_REVIEW,
    )
