"""Reads of materials: who sees which stock and which issue (STYLE §7), the search of the
catalog, and what the to-dos count (stock below its reorder level, batches about to expire,
lent samples overdue)."""

from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from backoffice.core.access import Actor, access_object
from backoffice.core.pinyin import pinyin_match
from backoffice.materials.models import (
    IssueRequest,
    Location,
    MaterialItem,
    StockBalance,
    StockMove,
    StockReceipt,
    Stocktake,
    StockTransfer,
)
from backoffice.parties.selectors import customer_visible_to

EXPIRY_WARNING_DAYS = 30


def item_search(items: QuerySet[MaterialItem], q: str) -> QuerySet[MaterialItem]:
    """Code, name, specification or pinyin (`cy` finds 彩页)."""
    q = q.strip()
    if not q:
        return items
    match = Q(code__icontains=q) | Q(name__icontains=q) | Q(specification__icontains=q)
    return items.filter(match | pinyin_match(q))


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def location_scope(user: Any) -> Q:
    """The locations whose stock `user` sees: all (view_all_stock); else the company's
    shared ones (a warehouse or office of no region), those of the user's regions, the
    user's own bag, and with region rights the bags of own regions' reps."""
    if user.has_perm("materials.view_all_stock"):
        return Q()
    regions = user.regions.all()
    scope = Q(region__isnull=True, holder__isnull=True) | Q(holder=user)
    scope |= Q(region__in=regions, holder__isnull=True)
    if user.has_perm("materials.view_region_stock"):
        scope |= Q(region__in=regions)
    return scope


def location_visible_to(user: Any) -> QuerySet[Location]:
    if not _active(user):
        return Location.objects.none()
    return Location.objects.filter(location_scope(user))


def stock_visible_to(user: Any) -> QuerySet[StockBalance]:
    if not _active(user):
        return StockBalance.objects.none()
    if user.has_perm("materials.view_all_stock"):
        return StockBalance.objects.all()
    return StockBalance.objects.filter(location__in=location_visible_to(user))


def move_visible_to(user: Any) -> QuerySet[StockMove]:
    if not _active(user):
        return StockMove.objects.none()
    if user.has_perm("materials.view_all_stock"):
        return StockMove.objects.all()
    # at a shared location, what went to a customer is seen by those who see the customer
    return StockMove.objects.filter(location__in=location_visible_to(user)).filter(
        Q(customer__isnull=True) | Q(customer__in=customer_visible_to(user))
    )


def receipt_visible_to(user: Any) -> QuerySet[StockReceipt]:
    if not _active(user):
        return StockReceipt.objects.none()
    if user.has_perm("materials.view_all_stock"):
        return StockReceipt.objects.all()
    return StockReceipt.objects.filter(location__in=location_visible_to(user))


def transfer_visible_to(user: Any) -> QuerySet[StockTransfer]:
    """All (view_all_stock), else those from or to a location whose stock the user sees."""
    if not _active(user):
        return StockTransfer.objects.none()
    if user.has_perm("materials.view_all_stock"):
        return StockTransfer.objects.all()
    seen = location_visible_to(user)
    return StockTransfer.objects.filter(Q(from_location__in=seen) | Q(to_location__in=seen))


def access_receipt(by: Actor, receipt_id: Any) -> StockReceipt:
    return access_object(receipt_visible_to(by).select_related("location"), receipt_id)


def issue_visible_to(user: Any) -> QuerySet[IssueRequest]:
    """All (clerks, the warehouse, managers), own regions' (regional managers), or those
    the user asked for or receives (reps)."""
    if not _active(user):
        return IssueRequest.objects.none()
    if user.has_perm("materials.view_all_issuerequests"):
        return IssueRequest.objects.all()
    own = Q(owner=user) | Q(recipient=user) | Q(created_by=user)
    if user.has_perm("materials.view_region_issuerequests"):
        own |= Q(region__in=user.regions.all())
    return IssueRequest.objects.filter(own)


def access_issue(by: Actor, issue_id: Any) -> IssueRequest:
    return access_object(
        issue_visible_to(by).select_related("location", "customer", "recipient", "owner"),
        issue_id,
    )


def issue_list(*, by: Actor) -> QuerySet[IssueRequest]:
    return (
        issue_visible_to(by)
        .select_related("location", "customer", "recipient", "owner")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def items_below_reorder() -> QuerySet[MaterialItem]:
    """Active items whose stock on hand, over every location, is below their reorder level."""
    return MaterialItem.objects.filter(
        is_active=True, reorder_level__gt=0, stock_quantity__lt=F("reorder_level")
    )


def balances_expiring(user: Any, *, days: int = EXPIRY_WARNING_DAYS) -> QuerySet[StockBalance]:
    """Batches in stock that expire within `days` (or have expired), of what `user` sees."""
    until = timezone.localdate() + timedelta(days=days)
    return stock_visible_to(user).filter(
        quantity__gt=0, expires_on__isnull=False, expires_on__lte=until
    )


def overdue_filter(on=None) -> Q:
    """Released issues with lent things not back by their due date."""
    on = on or timezone.localdate()
    return Q(
        status=IssueRequest.Status.RELEASED,
        due_back_on__lt=on,
        lines__returned_quantity__lt=F("lines__quantity"),
    )


def issues_overdue(user: Any) -> QuerySet[IssueRequest]:
    """What `user` asked for or holds that should have come back (the holder's to-do)."""
    return (
        IssueRequest.objects.filter(overdue_filter())
        .filter(Q(owner=user) | Q(recipient=user))
        .select_related("customer")
        .distinct()
        .order_by("due_back_on", "pk")
    )


def issue_batches(issue: IssueRequest) -> dict[int, list[tuple[str, Any, Any]]]:
    """What each line of a released issue took from its location, batch by batch:
    {line id: [(batch, expires on, quantity)]} (one query)."""
    taken: dict[int, list[tuple[str, Any, Any]]] = {}
    moves = StockMove.objects.filter(
        source_model=issue._meta.label_lower,
        source_id=issue.pk,
        location_id=issue.location_id,
        quantity__lt=0,
    ).order_by("pk")
    for line, batch, expires_on, quantity in moves.values_list(
        "source_line", "batch", "expires_on", "quantity"
    ):
        taken.setdefault(line, []).append((batch, expires_on, -quantity))
    return taken


def issue_available(issue: IssueRequest) -> dict[int, Any]:
    """What is on hand now at the issue's location, good stock only, per item of its lines
    (one query): what its reviewers look at."""
    today = timezone.localdate()
    items = issue.lines.values("item_id")
    available: dict[int, Any] = {}
    rows = StockBalance.objects.filter(
        location_id=issue.location_id, item_id__in=items, quantity__gt=0
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    for item_id, quantity in rows.values_list("item_id", "quantity"):
        available[item_id] = available.get(item_id, 0) + quantity
    return available


def stocktake_visible_to(user: Any) -> QuerySet[Stocktake]:
    if not _active(user):
        return Stocktake.objects.none()
    if user.has_perm("materials.view_all_stock"):
        return Stocktake.objects.all()
    return Stocktake.objects.filter(location__in=location_visible_to(user))


def access_stocktake(by: Actor, stocktake_id: Any) -> Stocktake:
    return access_object(stocktake_visible_to(by).select_related("location"), stocktake_id)
