"""Stocktakes (盘点, issue 17 §7).

Started on a location: what the ledger expects there is snapshotted, one line per item ×
batch on hand, and the location is locked (every movement there is refused, 409
stocktake_in_progress). Counts are entered line by line or imported from a sheet; stock found
that was not expected adds a line. Submitted with every line counted, a sales manager
approves (the reviews engine; whoever started it never does): each variance is posted as an
adjustment at the moving average and the location opens. Sent back, it is counted again;
cancelled while counting, nothing moves and the location opens."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.lines import line_error
from backoffice.core.money import ZERO, format_number, round_amount, round_quantity, to_decimal
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.tabular import numbered
from backoffice.core.transitions import transition
from backoffice.materials.exceptions import StocktakeInProgress
from backoffice.materials.models import (
    Location,
    MaterialItem,
    StockBalance,
    StockMove,
    Stocktake,
    StocktakeLine,
)
from backoffice.materials.selectors import location_visible_to
from backoffice.materials.services.stock import Movement, items_locked, stock_post
from backoffice.reviews.registry import Level
from backoffice.reviews.services import review_submit

STOCKTAKE_LEVELS = [
    Level(approvals=1, permission="materials.approve_stocktake", role="sales_manager")
]
# a count sheet's headers, in Chinese or English
COUNT_COLUMNS = {
    "item": ("物料编码", "item"),
    "batch": ("批号", "batch"),
    "counted": ("实盘数量", "counted"),
    "expires_on": ("有效期至", "expires_on"),
}


@permission_required("materials.add_stocktake")
@transaction.atomic
def stocktake_start(*, by: Actor, location: Location, note: str = "") -> Stocktake:
    """Snapshot what `location` holds and lock it until the count is approved."""
    # waits for the postings in flight there (they share the row: stock.items_locked)
    location = Location.objects.select_for_update(no_key=True).get(pk=location.pk)
    if not location_visible_to(by).filter(pk=location.pk).exists():
        raise ValidationFailed(extra={"fields": {"location": [_("not found")]}})
    if location.counting_since is not None:
        raise StocktakeInProgress(
            _("%(location)s is being counted already.") % {"location": location}
        )
    now = timezone.now()
    stocktake = model_save(
        instance=Stocktake(
            number=next_number(kind="ST", year=timezone.localdate().year),
            location=location,
            note=note.strip()[:200],
            created_by=by,
        ),
        by=by,
    )
    StocktakeLine.objects.bulk_create(
        StocktakeLine(
            stocktake=stocktake,
            item_id=item_id,
            batch=batch,
            expires_on=expires_on,
            expected=quantity,
        )
        for item_id, batch, expires_on, quantity in StockBalance.objects.filter(
            location=location, quantity__gt=0
        )
        .order_by("item__code", "batch")
        .values_list("item_id", "batch", "expires_on", "quantity")
    )
    Location.objects.filter(pk=location.pk).update(counting_since=now)
    return stocktake


def _counting(stocktake: Stocktake) -> Stocktake:
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.status != Stocktake.Status.COUNTING:
        raise ValidationFailed(_("Only a stocktake being counted takes counts."))
    return stocktake


@permission_required("materials.change_stocktake")
@transaction.atomic
def stocktake_count(
    *, stocktake: Stocktake, by: Actor, counts: Sequence[Mapping[str, Any]]
) -> Stocktake:
    """Counts, each {item, batch, counted} (and `expires_on` for a batch found that was
    not expected): checked all first, each problem under its line number; nothing half
    saved."""
    stocktake = _counting(stocktake)
    lines = {(line.item_id, line.batch): line for line in stocktake.lines.all()}
    new: list[StocktakeLine] = []
    changed: list[StocktakeLine] = []
    seen: set[tuple[int, str]] = set()
    for index, row in enumerate(counts, start=1):
        item = row.get("item")
        if not isinstance(item, MaterialItem):
            raise line_error(index, "item", _("not an item of the catalog"))
        batch = (row.get("batch") or "").strip()
        key = (item.pk, batch)
        if key in seen:
            raise line_error(index, "item", _("counted twice in this list"))
        seen.add(key)
        try:
            counted = round_quantity(to_decimal(row.get("counted")))
        except (TypeError, ValueError, ArithmeticError):
            raise line_error(index, "counted", _("a number")) from None
        if counted < 0:
            raise line_error(index, "counted", _("cannot be negative"))
        line = lines.get(key)
        if line is None:
            if item.is_batch_tracked and not batch:
                raise line_error(index, "batch", _("this item is batch-tracked: name the batch"))
            if not item.is_batch_tracked and batch:
                raise line_error(index, "batch", _("this item is not batch-tracked"))
            expires_on = row.get("expires_on") or None
            if not item.is_batch_tracked and expires_on is not None:
                raise line_error(index, "expires_on", _("this item is not batch-tracked"))
            if item.is_batch_tracked and expires_on is None:
                raise line_error(index, "expires_on", _("this item is batch-tracked: its expiry"))
            new.append(
                StocktakeLine(
                    stocktake=stocktake,
                    item=item,
                    batch=batch,
                    expires_on=expires_on,
                    expected=ZERO,
                    counted=counted,
                )
            )
        else:
            line.counted = counted
            changed.append(line)
    StocktakeLine.objects.bulk_update(changed, ["counted"])
    StocktakeLine.objects.bulk_create(new)
    model_save(instance=stocktake, by=by, note=_("%(n)d counts entered") % {"n": len(counts)})
    return stocktake


def count_rows(rows: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    """A count sheet's rows ({header: text}, from core.tabular.read_table) as counts: items
    by their code; each problem names its row (numbered as in the sheet, after the header)
    and column; nothing is taken from a sheet with a problem."""
    if not rows:
        raise ValidationFailed(_("The sheet has no rows."))
    headers = {
        name: header
        for header in rows[0]
        for name, names in COUNT_COLUMNS.items()
        if header.strip() in names
    }
    missing = [COUNT_COLUMNS[name][0] for name in ("item", "counted") if name not in headers]
    if missing:
        raise ValidationFailed(
            _("The sheet needs the columns: %(columns)s") % {"columns": "、".join(missing)}
        )
    codes = {(row.get(headers["item"]) or "").strip() for row in rows}
    items = {item.code: item for item in MaterialItem.objects.filter(code__in=codes)}
    counts = []
    for index, row in numbered(rows):
        code = (row.get(headers["item"]) or "").strip()
        if code not in items:
            raise line_error(index, "item", _("no item with the code %(code)s") % {"code": code})
        expires = (row.get(headers["expires_on"]) or "").strip() if "expires_on" in headers else ""
        try:
            expires_on = date.fromisoformat(expires[:10]) if expires else None
        except ValueError:
            raise line_error(index, "expires_on", _("a date: YYYY-MM-DD")) from None
        counts.append(
            {
                "item": items[code],
                "batch": (row.get(headers["batch"]) or "") if "batch" in headers else "",
                "counted": (row.get(headers["counted"]) or "").strip(),
                "expires_on": expires_on,
            }
        )
    return counts


@permission_required("materials.change_stocktake")
@transaction.atomic
def stocktake_submit(*, stocktake: Stocktake, by: Actor) -> Stocktake:
    """To the sales manager, once every line is counted."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.status != Stocktake.Status.COUNTING:
        transition(stocktake, to=Stocktake.Status.IN_REVIEW, by=by)  # refuses
    uncounted = list(stocktake.lines.filter(counted__isnull=True).select_related("item")[:5])
    if uncounted:
        raise ValidationFailed(
            _("Not counted yet: %(lines)s") % {"lines": "、".join(str(line) for line in uncounted)}
        )
    transition(stocktake, to=Stocktake.Status.IN_REVIEW, by=by, locked=stocktake)
    review_submit(obj=stocktake, by=by)
    return stocktake


def stocktake_approve(stocktake: Stocktake, *, by: Actor, request: Any) -> None:
    """on_approved of the review: each variance posted as an adjustment (found stock at the
    moving average, missing stock as the ledger values it), then the location opens."""
    stocktake = (
        Stocktake.objects.select_for_update(of=("self",))
        .select_related("location")
        .get(pk=stocktake.pk)
    )
    lines = [
        line for line in stocktake.lines.select_related("item") if line.variance not in (None, 0)
    ]
    locked = items_locked(
        (line.item for line in lines), at=[stocktake.location], counting=stocktake.location
    )
    today = timezone.localdate()
    posted = stock_post(
        movements=[
            Movement(
                item=locked[line.item_id],
                location=stocktake.location,
                quantity=line.variance,
                batch=line.batch,
                expires_on=line.expires_on,
                value=(
                    round_amount(line.variance * locked[line.item_id].unit_cost)
                    if line.variance > 0
                    else None
                ),
                line=line.pk,
                kind=StockMove.Kind.ADJUSTMENT,
            )
            for line in lines
        ],
        moved_on=today,
        source=stocktake,
        by=by,
        locked=locked,
        counting=stocktake.location,
    )
    for line in lines:
        line.value = posted.value_of_line(line.pk)
    StocktakeLine.objects.bulk_update(lines, ["value"])
    transition(
        stocktake,
        to=Stocktake.Status.APPROVED,
        by=by,
        locked=stocktake,
        also={"variance_value": sum((line.value for line in lines), ZERO)},
    )
    Location.objects.filter(pk=stocktake.location_id).update(counting_since=None)


def stocktake_recount(stocktake: Stocktake, *, by: Actor, note: str, request: Any) -> None:
    """on_rejected of the review: counted again; the location stays locked."""
    transition(stocktake, to=Stocktake.Status.COUNTING, by=by, note=note)


@permission_required("materials.change_stocktake")
@transaction.atomic
def stocktake_cancel(*, stocktake: Stocktake, by: Actor, reason: str = "") -> Stocktake:
    """While counting: given up, nothing posted, the location opens."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    stocktake = transition(
        stocktake, to=Stocktake.Status.CANCELLED, by=by, note=reason.strip(), locked=stocktake
    )
    Location.objects.filter(pk=stocktake.location_id).update(counting_since=None)
    return stocktake


def stocktake_variances(stocktake: Stocktake) -> list[dict[str, Any]]:
    """The lines with a variance, each with its value at today's moving average (at the
    approved one once approved): the list the sales manager approves."""
    rows = []
    for line in stocktake.lines.select_related("item").order_by("item__code", "batch"):
        if line.variance in (None, 0):
            continue
        value = (
            line.value
            if stocktake.status == Stocktake.Status.APPROVED
            else round_amount(line.variance * line.item.unit_cost)
        )
        rows.append(
            {
                "line": line,
                "variance": line.variance,
                "shown": format_number(line.variance, "quantity"),
                "value": value,
            }
        )
    return rows
