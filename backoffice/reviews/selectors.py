import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.http import HttpRequest
from django.utils.translation import gettext as _

from backoffice.core.access import every_row, permissions_prefetch, visible_rows
from backoffice.reviews.models import ReviewDecision, ReviewRequest
from backoffice.reviews.registry import kind_of, registration_for, registrations

logger = logging.getLogger(__name__)


def _of_visible_documents(user: Any) -> Q:
    """The reviews whose document `user` may see (by the document's own rule), as one
    condition: a subquery per registered kind, none for a kind the user sees whole."""
    visible = Q(pk__in=[])
    for registration in registrations():
        documents = visible_rows(registration.model, user)
        if not documents.query.where:  # every row of the kind
            visible |= Q(kind=registration.kind)
        else:
            pks = documents.order_by().values("pk")
            visible |= Q(kind=registration.kind, object_id__in=pks)
    return visible


def review_request_visible_to(user: Any) -> QuerySet[ReviewRequest]:
    """A review is visible when its document is (by the document's own rule)."""
    return ReviewRequest.objects.filter(_of_visible_documents(user))


def review_document_visible_to(request: ReviewRequest, user: Any) -> bool:
    """Whether `user` may see the document under review: nobody decides on, or is told
    about, a document they may not see (issue 15 §2)."""
    rows = visible_rows(registration_for(request.kind).model, user)
    # no statement for who sees every row: a document under review is never deleted
    return every_row(rows) or rows.filter(pk=request.object_id).exists()


def review_document_visible_among(request: ReviewRequest, users: list[Any]) -> list[Any]:
    """Those of `users` who may see the document under review (each as
    `review_document_visible_to` would say): their permissions and the documents' rule
    asked of them all at once, in two queries whatever their number."""
    if not users:
        return []
    permissions_prefetch(users)
    model = registration_for(request.kind).model
    checks = [
        visible_rows(model, user)
        .filter(pk=request.object_id)
        .order_by()
        .values_list(Value(user.pk, output_field=IntegerField()))
        for user in users
    ]
    visible = set()
    for start in range(0, len(checks), 100):  # SQLite takes up to 500 SELECTs in a UNION
        first, *others = checks[start : start + 100]
        visible.update(pk for (pk,) in first.union(*others, all=True).order_by())
    return [user for user in users if user.pk in visible]


def may_review_level(user: Any, level: dict) -> bool:
    """Whether `user` holds the level's reviewer permission (and role, when one is set)."""
    if not user.is_active or not level:
        return False
    if not user.has_perm(level["permission"]):
        return False
    return not level.get("role") or user.groups.filter(name=level["role"]).exists()


def users_who_may_review(level: dict) -> QuerySet:
    """Active users with the level's permission (and role): the people to tell."""
    users = get_user_model().objects.filter(is_active=True)
    app_label, _, codename = level["permission"].partition(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return users.none()
    users = users.filter(
        Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission)
    )
    if level.get("role"):
        users = users.filter(groups__name=level["role"])
    return users.distinct()


def review_history_keeps(obj: Any) -> str | None:
    """A document once submitted for review is never deleted, even when sent back to draft:
    its review and the reviewers' decisions are the record of who said what, and would
    point to nothing (core.deletion's keeper; issue 15 §1). Cancelled instead."""
    kinds = {kind_of(type(obj)), kind_of(type(obj)._meta.concrete_model)}
    if kinds.isdisjoint(r.kind for r in registrations()):
        return None  # not a reviewed kind: no query
    content_type = ContentType.objects.get_for_model(obj)
    if not ReviewRequest.objects.filter(content_type=content_type, object_id=obj.pk).exists():
        return None
    return _(
        "%(model)s “%(record)s” cannot be deleted: it has been through review, and its "
        "reviewers' decisions stay with it. Cancel it instead."
    ) % {"model": obj._meta.verbose_name, "record": obj}


def review_request_for(obj: Any) -> ReviewRequest | None:
    content_type = ContentType.objects.get_for_model(obj)
    return (
        ReviewRequest.objects.filter(content_type=content_type, object_id=obj.pk)
        .select_related("author")
        .first()
    )


def review_pending_for(user: Any) -> QuerySet[ReviewRequest]:
    """What waits for `user`'s decision now, oldest first: only reviews of documents the
    user may see (one query, the documents' rules as subqueries)."""
    requests = ReviewRequest.objects.filter(state=ReviewRequest.State.OPEN)
    requests = requests.filter(_of_visible_documents(user))
    if not user.is_superuser:
        requests = requests.filter(current_permission__in=user.get_all_permissions())
    roles = list(user.groups.values_list("name", flat=True))
    return (
        requests.filter(Q(current_role="") | Q(current_role__in=roles))
        .exclude(author=user)
        .exclude(excluded_reviewers=user)
        .exclude(decisions__reviewer=user, decisions__round=F("round"))
        .select_related("author", "content_type")
        .order_by("submitted_at", "id")
    )


# The field through which a reviewable document names its customer, in the order they are
# tried: orders, deliveries, invoices and papers say `customer`, contracts `counterparty`.
CUSTOMER_FIELDS = ("customer", "counterparty")

# The queue's age filter: how long a review has waited, in whole days [from, to).
AGE_BUCKETS = {"lt1": (0, 1), "1to3": (1, 3), "gt3": (3, None)}


def _customer_field(model: type[models.Model]) -> models.ForeignKey | None:
    for name in CUSTOMER_FIELDS:
        try:
            candidate = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if candidate.many_to_one:
            return candidate
    return None


def review_queue_filter(
    requests: QuerySet[ReviewRequest],
    *,
    now: datetime,
    kind: str = "",
    customer_id: int | None = None,
    age: str = "",
) -> QuerySet[ReviewRequest]:
    """Narrow a review queue by document kind, by the documents' customer, and by how long
    the reviews have waited (`AGE_BUCKETS`)."""
    if kind:
        requests = requests.filter(kind=kind)
    if customer_id is not None:
        of_customer = Q(pk__in=[])
        for registration in registrations():
            customer_field = _customer_field(registration.model)
            if customer_field is None:
                continue
            documents = registration.model._default_manager.filter(
                **{customer_field.attname: customer_id}
            ).values("pk")
            of_customer |= Q(kind=registration.kind, object_id__in=documents)
        requests = requests.filter(of_customer)
    if age:
        low, high = AGE_BUCKETS[age]
        requests = requests.filter(submitted_at__lte=now - timedelta(days=low))
        if high is not None:
            requests = requests.filter(submitted_at__gt=now - timedelta(days=high))
    return requests


def review_customers(requests: list[ReviewRequest]) -> dict[int, Any]:
    """The customer of each review's document, by review id (reviews of documents without
    a customer are left out): one query per document kind and one per customer model."""
    by_kind: dict[str, list[ReviewRequest]] = {}
    for request in requests:
        by_kind.setdefault(request.kind, []).append(request)
    found: dict[int, Any] = {}
    for registration in registrations():
        reviews = by_kind.get(registration.kind)
        customer_field = _customer_field(registration.model) if reviews else None
        if customer_field is None:
            continue
        customer_of_document = dict(
            registration.model._default_manager.filter(
                pk__in=[r.object_id for r in reviews]
            ).values_list("pk", customer_field.attname)
        )
        customers = customer_field.related_model._default_manager.in_bulk(
            set(customer_of_document.values())
        )
        for review in reviews:
            customer = customers.get(customer_of_document.get(review.object_id))
            if customer is not None:
                found[review.pk] = customer
    return found


# The sidebar's count is on every page: kept per person, in one cache entry for all (a file
# cache keeps few entries: one per person would push out the rest), until any review moves
# (the engine renews the generation: services.review_queues_changed), and no longer than
# BADGE_SECONDS, so that what moves it from outside the engine (a customer given to another
# region, a new role) shows within it. On a page read from a replica the count is the
# replica's: one read before it replays a review's commit is kept that long too (the pages
# that read replicas are those that tolerate lag; the primary is not loaded for them).
BADGE_SECONDS = 60
BADGE_GENERATION_KEY = "reviews:generation"
BADGE_COUNTS_KEY = "reviews:badges"  # {"generation": …, "counts": {user id: (count, at)}}


def pending_badge(request: HttpRequest) -> str:
    """The sidebar's count of reviews waiting for the user (empty when none)."""
    user = request.user
    try:
        kept = cache.get_many([BADGE_GENERATION_KEY, BADGE_COUNTS_KEY])
    except Exception:  # the cache is an aid: without it, the count is read
        logger.warning("reviews: the cache is unreachable; the badge is counted", exc_info=True)
        return _badge(_pending_count(user))
    generation = kept.get(BADGE_GENERATION_KEY)
    badges = kept.get(BADGE_COUNTS_KEY)
    if generation is None or not badges or badges["generation"] != generation:
        badges = {"generation": generation, "counts": {}}
    now = time.time()
    count, at = badges["counts"].get(user.pk, (None, 0.0))
    if count is not None and now - at <= BADGE_SECONDS:
        return _badge(count)
    count = _pending_count(user)
    try:
        if generation is None:  # none yet, or evicted: a new one, never an old one again
            badges["generation"] = uuid.uuid4().hex
            cache.add(BADGE_GENERATION_KEY, badges["generation"], None)
        badges["counts"][user.pk] = (count, now)
        # two people counted at once: one's count may be lost, and is read again next time
        cache.set(BADGE_COUNTS_KEY, badges, 24 * 3600)
    except Exception:  # not kept this time
        logger.warning("reviews: the badge could not be kept", exc_info=True)
    return _badge(count)


def _pending_count(user: Any) -> int:
    return review_pending_for(user).count()


def _badge(count: int) -> str:
    return str(count) if count else ""


@dataclass
class ReviewStatus:
    state: str
    state_label: str
    round: int
    level: int
    levels: int
    approvals: int
    required: int
    reviewers: list[str]
    author: str
    submitted_at: datetime | None
    history: list[dict] = field(default_factory=list)

    @property
    def progress(self) -> str:
        """Where an open review stands, said plainly: "Waiting for review (0 of 1)", "1 of 2
        approvals; waiting for one more" (never just "approved" while someone is still to
        decide)."""
        params = {
            "n": self.approvals,
            "m": self.required,
            "left": self.required - self.approvals,
            "level": self.level,
            "levels": self.levels,
        }
        if self.state != ReviewRequest.State.OPEN:
            return self.state_label
        if self.approvals == 0:  # nobody has decided yet: no "another" reviewer
            text = _("Waiting for review (%(n)s of %(m)s)") % params
        elif self.required - self.approvals == 1:
            text = _("%(n)s of %(m)s approvals; waiting for one more") % params
        else:
            text = _("%(n)s of %(m)s approvals; waiting for %(left)s more") % params
        if self.levels > 1:
            text = _("Level %(level)s of %(levels)s: ") % params + text
        return text

    def as_dict(self) -> dict:
        return {
            "state": self.state,
            "round": self.round,
            "level": self.level,
            "levels": self.levels,
            "approvals": self.approvals,
            "required": self.required,
            "reviewers": self.reviewers,
        }


def review_status(
    request: ReviewRequest | None, *, decisions: list[ReviewDecision] | None = None
) -> ReviewStatus | None:
    """Approvals so far out of those required, who decided, and every round's decisions
    (`decisions`: those, when known without reading them)."""
    if request is None:
        return None
    if decisions is None:
        decisions = list(request.decisions.select_related("reviewer").order_by("round", "id"))
    current = [
        d
        for d in decisions
        if d.round == request.round
        and d.level_index == request.level_index
        and d.verdict == ReviewDecision.Verdict.APPROVE
    ]
    level = request.current_level
    return ReviewStatus(
        state=request.state,
        state_label=str(request.get_state_display()),
        round=request.round,
        level=request.level_index + 1,
        levels=len(request.levels),
        approvals=len(current),
        required=int(level.get("approvals", 0)),
        reviewers=[d.reviewer.username for d in current],
        author=str(request.author),
        submitted_at=request.submitted_at,
        history=[
            {
                "round": d.round,
                "level": d.level_index + 1,
                "reviewer": str(d.reviewer),
                "verdict": d.verdict,
                "verdict_label": str(d.get_verdict_display()),
                "note": d.note,
                "decided_at": d.decided_at,
            }
            for d in decisions
        ],
    )
