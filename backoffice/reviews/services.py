"""The double-review engine's writes (DOMAIN §11; STYLE §5).

Rules: a document is released only after N distinct people approved it in the current round,
level by level; its author (and anyone the document names as such) never counts; each person
decides once per round; one rejection, with a note, sends it back; the next submission starts
a new round. The document's on_approved / on_rejected service runs inside the decision's
transaction, so release and decision commit together or not at all.
"""

import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor
from backoffice.core.exceptions import ApplicationError, NotFound, ValidationFailed
from backoffice.core.models import Text
from backoffice.core.notifications import emails_sent, notify
from backoffice.core.prepared import PreparedRead
from backoffice.core.transactions import atomic_or_joined
from backoffice.core.writes import insert_instances_later, writes_together
from backoffice.reviews.exceptions import (
    AlreadyReviewed,
    NotAReviewer,
    NoteRequired,
    NotSubmitted,
    ReviewAlreadyOpen,
    ReviewClosed,
    SelfReviewForbidden,
)
from backoffice.reviews.models import ReviewDecision, ReviewPolicy, ReviewPolicyLevel, ReviewRequest
from backoffice.reviews.registry import Registration, registration_for, registrations
from backoffice.reviews.selectors import (
    BADGE_GENERATION_KEY,
    may_review_level,
    review_document_visible_among,
    review_document_visible_to,
    users_who_may_review,
)

logger = logging.getLogger(__name__)


def review_policies_sync(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Give every registered kind its default policy, once; admins edit it afterwards."""
    created = 0
    for registration in registrations():
        if registration.levels_for is not None:
            continue  # its documents say their levels
        policy, is_new = ReviewPolicy.objects.using(using).get_or_create(
            kind=registration.kind, defaults={"label": str(registration.label)}
        )
        if is_new:
            created += 1
            ReviewPolicyLevel.objects.using(using).bulk_create(
                ReviewPolicyLevel(
                    policy=policy,
                    position=index,
                    min_amount=level.min_amount,
                    approvals=level.approvals,
                    reviewer_permission=level.permission,
                    reviewer_role=level.role,
                )
                for index, level in enumerate(registration.levels, start=1)
            )
    return created


_policy_levels = PreparedRead(
    lambda kind: (
        ReviewPolicyLevel.objects.filter(policy__kind=kind)
        .select_related("policy")
        .order_by("position", "id")
    ),
    str,
)


def frozen_levels(kind: str, amount: Decimal | None) -> list[dict]:
    policy_levels = _policy_levels(kind)
    if policy_levels:
        policy = policy_levels[0].policy
    else:  # no policy yet, or one without levels
        policy = ReviewPolicy.objects.filter(kind=kind).first()
        if policy is None:
            review_policies_sync()
            policy = ReviewPolicy.objects.get(kind=kind)
            policy_levels = list(policy.levels.order_by("position", "id"))
    levels = [
        level.snapshot()
        for level in policy_levels
        if level.min_amount is None or (amount is not None and amount >= level.min_amount)
    ]
    if not levels:
        raise ValidationFailed(_("The review policy “%s” has no level that applies.") % policy)
    return levels


def _document_url(obj: Any) -> str:
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _tell_reviewers(request: ReviewRequest, obj: Any, *, excluded: set | None = None) -> None:
    """Mail the people who may decide at the review's level now (not its authors, only
    those who may see the document). `excluded`: the authors' ids, when known."""
    if not emails_sent():
        return  # they are told by mail alone: without mail, nobody needs looking up
    if excluded is None:
        excluded = set(request.excluded_reviewers.values_list("pk", flat=True))
    people = review_document_visible_among(
        request,
        [u for u in users_who_may_review(request.current_level) if u.pk not in excluded],
    )
    notify(  # a Text: each reviewer's mail is written in their own language
        recipients=people,
        title=Text(gettext_noop("Please review: %(document)s"), document=request.object_repr),
        body=Text(
            gettext_noop("%(author)s submitted %(document)s for review."),
            author=request.author,
            document=request.object_repr,
        ),
        url=_document_url(obj),
        in_app=False,  # the review is in their "My reviews" queue and to-dos already
    )


def review_queues_changed() -> None:
    """A review opened, moved or closed: everyone's count of reviews waiting for them is
    read again (selectors.pending_badge) once the transaction commits: a count read before
    then is kept under the generation this replaces, never read again."""
    transaction.on_commit(_renew_badges)


def _renew_badges() -> None:
    try:
        cache.set(BADGE_GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a review is never refused for the cache's sake
        logger.warning("reviews: the badges' generation could not be renewed", exc_info=True)


def _enter_level(request: ReviewRequest, index: int) -> None:
    request.level_index = index
    request.current_permission = request.levels[index]["permission"]
    request.current_role = request.levels[index].get("role", "")


_review_of_locked = PreparedRead(  # one per document
    lambda content_type, object_id: (
        ReviewRequest.objects.select_for_update()
        .filter(content_type=content_type, object_id=object_id)
        .order_by("pk")[:1]
    ),
    int,
    int,
)


@atomic_or_joined  # inside the document's own service (order_submit…), no savepoint
def review_submit(*, obj: Any, by: Actor) -> ReviewRequest:
    """Open a review round for `obj`, freezing the policy in force now. (DOMAIN §11)"""
    registration = registration_for(type(obj))
    amount = registration.amount(obj) if registration.amount else None
    if registration.levels_for is not None:
        levels = registration.levels_for(obj)
    else:
        levels = frozen_levels(registration.kind, amount)
    content_type = ContentType.objects.get_for_model(obj)
    request = next(iter(_review_of_locked(content_type.pk, obj.pk)), None)
    if request is not None and request.state == ReviewRequest.State.OPEN:
        raise ReviewAlreadyOpen
    now = timezone.now()
    is_first = request is None
    if request is None:
        request = ReviewRequest(content_type=content_type, object_id=obj.pk, round=1)
    else:
        request.round += 1
    request.kind = registration.kind
    request.object_repr = str(obj)[:200]
    request.author = by
    request.state = ReviewRequest.State.OPEN
    request.levels = levels
    request.amount = amount
    request.submitted_at = now
    request.closed_at = None
    request.closed_by = None
    _enter_level(request, 0)
    try:  # no savepoint: nothing more is asked of the transaction when this fails
        request.save()
    except IntegrityError as exc:  # a concurrent first submission won
        raise ReviewAlreadyOpen from exc
    review_queues_changed()
    authors = {by, *(registration.authors(obj) if registration.authors else [])}
    excluded = {getattr(author, "pk", author) for author in authors} - {None}
    if is_first:  # a new review's rows: with the step's other writes (core.writes)
        through = ReviewRequest.excluded_reviewers.through
        insert_instances_later(through(reviewrequest=request, user_id=pk) for pk in excluded)
    else:
        request.excluded_reviewers.set(excluded)
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=obj,
        changes={"review": [None, "submitted"], "round": [None, request.round]},
    )
    _tell_reviewers(request, obj, excluded=excluded)
    return request


def _review_locked(by: int) -> QuerySet[ReviewRequest]:
    """Reviews locked, with their author, and whether `by` is one of their authors or
    decided this round."""
    return (
        ReviewRequest.objects.select_for_update(of=("self",))
        .select_related("author")
        .annotate(
            by_excluded=Exists(
                ReviewRequest.excluded_reviewers.through.objects.filter(
                    reviewrequest=OuterRef("pk"), user=by
                )
            ),
            by_decided=Exists(
                ReviewDecision.objects.filter(
                    request=OuterRef("pk"), reviewer=by, round=OuterRef("round")
                )
            ),
        )
    )


_review_locked_by_pk = PreparedRead(lambda pk, by: _review_locked(by).filter(pk=pk), int, int)
_review_locked_of = PreparedRead(
    lambda content_type, object_id, by: _review_locked(by).filter(
        content_type=content_type, object_id=object_id
    ),
    int,
    int,
    int,
)


class _Refused(Exception):
    """The document's on_approved refused the release: the decision rolls back with it."""

    def __init__(self, error: ApplicationError, document: Any, request: ReviewRequest) -> None:
        super().__init__(str(error))
        self.error, self.document, self.request = error, document, request


def review_decide(
    *,
    request: ReviewRequest | None = None,
    document: Any = None,
    by: Actor,
    verdict: str,
    note: str = "",
) -> ReviewRequest:
    """Record one reviewer's verdict; release or send back the document when it decides.
    The review is `request`, or the one of `document` (found with the lock; NotSubmitted
    when it has none).

    When the document refuses the release (its on_approved raises, say a blocked customer),
    nothing of the decision stays; the document's on_refused then runs in a transaction of
    its own (to tell the author why), and the refusal reaches the caller."""
    if (request is None) == (document is None):
        raise TypeError("review_decide: a review request or a document (one of them)")
    try:
        return _review_decide(request=request, document=document, by=by, verdict=verdict, note=note)
    except _Refused as refused:
        registration = registration_for(refused.request.kind)
        if registration.on_refused is not None:
            with transaction.atomic():
                # read again, as the rolled-back decision left them (not as it had changed them)
                request = ReviewRequest.objects.select_related("author").get(pk=refused.request.pk)
                document = _document(registration, request.object_id, releasing=False)
                registration.on_refused(document, by=by, error=refused.error, request=request)
        raise refused.error from None


@transaction.atomic
@writes_together()
def _review_decide(
    *, request: ReviewRequest | None, document: Any, by: Actor, verdict: str, note: str = ""
) -> ReviewRequest:
    if verdict not in ReviewDecision.Verdict.values:
        raise ValidationFailed(
            _("The verdict must be “approve” or “reject”."),
            extra={"fields": {"verdict": [_("Choose approve or reject.")]}},
        )
    try:  # one per document
        if request is not None:
            registration = registration_for(request.kind)  # a review's kind never changes
            request = _review_locked_by_pk.get(request.pk, by.pk or 0)
        else:
            registration = registration_for(type(document))
            content_type = ContentType.objects.get_for_model(document)
            request = _review_locked_of.get(content_type.pk, document.pk, by.pk or 0)
    except ReviewRequest.DoesNotExist:
        raise NotSubmitted from None
    # whether `by` may see the document, by its own rule (after the lock: the rule's read is
    # built anew for each person, the locked read once)
    if not review_document_visible_to(request, by):
        # Not the reviewer's to decide: the same 404 as for a document that does not exist.
        raise NotFound(extra={"id": str(request.object_id)})
    if request.state != ReviewRequest.State.OPEN:
        raise ReviewClosed
    if by.pk == request.author_id or request.by_excluded:
        raise SelfReviewForbidden
    if not may_review_level(by, request.current_level):
        raise NotAReviewer
    if request.by_decided:
        raise AlreadyReviewed
    note = note.strip()
    if verdict == ReviewDecision.Verdict.REJECT and not note:
        raise NoteRequired(extra={"fields": {"note": [_("A note is required to send back.")]}})
    try:  # no savepoint: nothing more is asked of the transaction when this fails
        ReviewDecision.objects.create(
            request=request,
            round=request.round,
            level_index=request.level_index,
            reviewer=by,
            verdict=verdict,
            note=note,
        )
    except IntegrityError as exc:  # the same person, twice at the same instant
        raise AlreadyReviewed from exc
    review_queues_changed()  # out of the decider's queue, at least

    approve = verdict == ReviewDecision.Verdict.APPROVE
    required = int(request.current_level["approvals"])
    # this approval is one: with one required, no need to count the others
    approvals = (
        request.decisions.filter(
            round=request.round,
            level_index=request.level_index,
            verdict=ReviewDecision.Verdict.APPROVE,
        ).count()
        if approve and required > 1
        else 1
    )
    releases = approve and approvals >= required and request.level_index + 1 == len(request.levels)
    document = _document(registration, request.object_id, releasing=releases)
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=document,
        changes={
            "review": [None, verdict],
            "round": [None, request.round],
            "level": [None, request.level_index + 1],
        },
        note=note,
    )
    if verdict == ReviewDecision.Verdict.REJECT:
        _close(request, state=ReviewRequest.State.REJECTED, by=by)
        registration.on_rejected(document, by=by, note=note, request=request)
        notify(
            recipients=[request.author],
            title=Text(gettext_noop("Sent back: %(document)s"), document=request.object_repr),
            body=Text(gettext_noop("%(reviewer)s sent it back: %(note)s"), reviewer=by, note=note),
            url=_document_url(document),
        )
        return request
    if approvals < required:
        request.save(update_fields=["updated_at"])
        return request
    if request.level_index + 1 < len(request.levels):
        _enter_level(request, request.level_index + 1)
        request.save(
            update_fields=["level_index", "current_permission", "current_role", "updated_at"]
        )
        _tell_reviewers(request, document)
        return request
    _close(request, state=ReviewRequest.State.APPROVED, by=by)
    try:
        registration.on_approved(document, by=by, request=request)
    except ApplicationError as error:
        raise _Refused(error, document, request) from error
    notify(
        recipients=[request.author],
        title=Text(gettext_noop("Approved: %(document)s"), document=request.object_repr),
        body=Text(
            gettext_noop("The review of %(document)s is complete."), document=request.object_repr
        ),
        url=_document_url(document),
    )
    return request


def _document(registration: Registration, pk: Any, *, releasing: bool) -> Any:
    """The reviewed document: as its on_approved wants it (the registration's `load`, which
    may lock more) when this decision releases it, else a plain read."""
    try:
        if releasing and registration.load is not None:
            return registration.load(pk)
        documents = registration.model._default_manager.all()
        if registration.related:
            documents = documents.select_related(*registration.related)
        return documents.get(pk=pk)
    except ObjectDoesNotExist:  # never deleted once under review: as for one not visible
        raise NotFound(extra={"id": str(pk)}) from None


@dataclass
class ApprovalOutcome:
    """What a bulk approval did: the reviews approved, and each refused one with its reason."""

    approved: list[ReviewRequest] = field(default_factory=list)
    failed: list[tuple[ReviewRequest, str]] = field(default_factory=list)


def review_approve_many(
    *, requests: list[ReviewRequest], by: Actor, note: str = ""
) -> ApprovalOutcome:
    """Approve several reviews at once ("My reviews"' bulk approve).

    Each approval is its own `review_decide`, in its own transaction, under every rule of the
    engine (the author never approves, one decision per person and round, the level's
    permission, a document the person may see): one refused does not stop or undo the
    others. Not atomic on purpose.
    """
    outcome = ApprovalOutcome()
    for request in requests:
        try:
            review_decide(request=request, by=by, verdict=ReviewDecision.Verdict.APPROVE, note=note)
        except ApplicationError as error:
            outcome.failed.append((request, str(error.message)))
        else:
            outcome.approved.append(request)
    return outcome


def _close(request: ReviewRequest, *, state: str, by: Actor) -> None:
    request.state = state
    request.closed_at = timezone.now()
    request.closed_by = by
    request.current_permission = ""
    request.save(
        update_fields=["state", "closed_at", "closed_by", "current_permission", "updated_at"]
    )
