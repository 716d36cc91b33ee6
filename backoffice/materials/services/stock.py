"""The stock ledger (issue 17 §3): the one path by which stock moves.

`stock_post` takes what a document moves (receipts, issues, returns, transfers,
adjustments, delivery extras), locks the items' rows (in id order: two documents never wait
on each other crosswise), refuses a location under stocktake (409 stocktake_in_progress)
and any move that would take more than is on hand (409 insufficient_stock), writes each
movement, keeps the on-hand per item × location × batch, and the item's quantity, value and
moving average, all in the caller's transaction.

Value: what comes in brings its own (a receipt's cost, a return the value it went out
with); what goes out takes the moving average, and the last of an item takes exactly what
is left, so the item's value is always the sum of its movements and never below zero."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils.formats import localize
from django.utils.translation import gettext as _

from backoffice.core.access import Actor
from backoffice.core.bulk import bulk_set
from backoffice.core.money import ZERO, format_number, round_amount, round_price
from backoffice.materials.exceptions import InsufficientStock, StocktakeInProgress
from backoffice.materials.models import Location, MaterialItem, StockBalance, StockMove


@dataclass
class Movement:
    """One line of what a document moves: `quantity` > 0 in, < 0 out. An inbound movement
    carries its `value`; an outbound one is valued by the ledger (None)."""

    item: MaterialItem
    location: Location
    quantity: Decimal
    batch: str = ""
    expires_on: date | None = None
    value: Decimal | None = None
    line: int | None = None
    kind: str = StockMove.Kind.ISSUE


@dataclass
class Posted:
    moves: list[StockMove] = field(default_factory=list)

    def value_of_line(self, line: int, location: Location | None = None) -> Decimal:
        """What the line's movements moved (at `location` only, when given)."""
        return sum(
            (
                m.value
                for m in self.moves
                if m.source_line == line and (location is None or m.location_id == location.pk)
            ),
            ZERO,
        )


def items_locked(
    items: Iterable[MaterialItem],
    *,
    at: Iterable[Location] = (),
    counting: Location | None = None,
) -> dict[int, MaterialItem]:
    """The items' rows, locked for the transaction, in id order; first, the locations `at`
    which they will move (shared, and refused when being counted but by their own
    stocktake, `counting`): every posting locks locations, then items, so none waits on
    another crosswise, and a stocktake's start never misses a movement in flight."""
    locations_open(at, lock=True, counting=counting)
    ids = sorted({item.pk for item in items})
    return {
        i.pk: i for i in MaterialItem.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def locations_open(
    locations: Iterable[Location], *, lock: bool = False, counting: Location | None = None
) -> None:
    """A location being counted takes no movement. With `lock` (the ledger's posting), the
    locations' rows are locked in id order first: a stocktake starting meanwhile waits for
    the posting to commit, so its snapshot is never short of a movement. `counting`: the
    location whose own stocktake posts there."""
    ids = sorted({loc.pk for loc in locations})
    if not ids:
        return
    if lock and connection.vendor == "postgresql":
        # shared: postings do not wait on each other; a stocktake's start (FOR NO KEY
        # UPDATE) waits for them all, and they for it
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Location._meta.db_table} "  # noqa: S608 - our name
                "WHERE id = ANY(%s) ORDER BY id FOR SHARE",
                [ids],
            )
    rows = Location.objects.filter(pk__in=ids).order_by("pk")
    counting = next(
        (
            loc
            for loc in rows.only("pk", "code", "name", "counting_since")
            if loc.counting_since and loc != counting
        ),
        None,
    )
    if counting is not None:
        raise StocktakeInProgress(
            _(
                "%(location)s is being counted (since %(since)s): nothing moves there "
                "until the stocktake is approved."
            )
            % {"location": counting, "since": localize(counting.counting_since)},
            extra={"location": counting.pk},
        )


def _short(
    item: MaterialItem, location: Location, wanted: Decimal, available: Decimal, expired: Decimal
) -> InsufficientStock:
    message = _(
        "%(item)s at %(location)s: %(available)s %(unit)s on hand, %(wanted)s asked for."
    ) % {
        "item": item,
        "location": location,
        "available": format_number(available, "quantity"),
        "wanted": format_number(wanted, "quantity"),
        "unit": item.unit,
    }
    if expired:
        message += " " + _("%(expired)s more have expired and are not issued.") % {
            "expired": format_number(expired, "quantity")
        }
    return InsufficientStock(
        message,
        extra={"item": item.pk, "location": location.pk, "available": str(available)},
    )


def allocate(
    *, location: Location, wanted: list[tuple[MaterialItem, Decimal]], on: date
) -> list[list[tuple[str, date | None, Decimal]]]:
    """Which batches each (item, quantity) of `wanted` takes at `location`: first-expiring
    first, never an expired batch (one expiring on `on` is still good that day); one read
    for them all. Call with the items locked. InsufficientStock names the first line whose
    good stock is short."""
    rows: dict[int, list[list[Any]]] = defaultdict(list)
    found = (
        StockBalance.objects.filter(
            item__in=[item.pk for item, _quantity in wanted], location=location, quantity__gt=0
        )
        .order_by("item_id", F("expires_on").asc(nulls_last=True), "batch", "pk")
        .values_list("item_id", "batch", "expires_on", "quantity")
    )
    for item_id, batch, expires_on, quantity in found:
        rows[item_id].append([batch, expires_on, quantity])
    taken_all = []
    for item, quantity in wanted:
        # what an earlier line of the same item took is no longer there for this one
        good = [row for row in rows[item.pk] if row[1] is None or row[1] >= on]
        expired = sum((q for _b, e, q in rows[item.pk] if e is not None and e < on), ZERO)
        taken: list[tuple[str, date | None, Decimal]] = []
        left = quantity
        for row in good:
            if left <= 0:
                break
            take = min(left, row[2])
            if take <= 0:
                continue
            taken.append((row[0], row[1], take))
            row[2] -= take
            left -= take
        if left > 0:
            raise _short(item, location, quantity, quantity - left, expired)
        taken_all.append(taken)
    return taken_all


def stock_check(lines: Iterable[tuple[MaterialItem, Location, Decimal]], *, on: date) -> None:
    """Whether the stock could give these (item, location, quantity) now, lines of the same
    item taking from the same batches in turn: a document's submission (nothing is
    reserved; its release checks again, under lock)."""
    by_location: dict[Location, list[tuple[MaterialItem, Decimal]]] = defaultdict(list)
    for item, location, quantity in lines:
        by_location[location].append((item, quantity))
    locations_open(by_location)
    for location, wanted in by_location.items():
        allocate(location=location, wanted=wanted, on=on)


def stock_post(
    *,
    movements: list[Movement],
    moved_on: date,
    source: Any,
    by: Actor,
    customer: Any = None,
    locked: dict[int, MaterialItem] | None = None,
    counting: Location | None = None,
) -> Posted:
    """Post a document's movements (see the module). `source` is the document (its model,
    id and number are written on each movement); `locked`, the items already locked by the
    caller (items_locked); `counting`, the location whose own stocktake posts its
    adjustments (the only movements it takes while counted)."""
    if not movements:
        return Posted()
    if locked is None:
        items = items_locked(
            (m.item for m in movements), at={m.location for m in movements}, counting=counting
        )
    else:  # the caller locked them, and the locations, with items_locked(…, at=…)
        items = locked
        locations_open({m.location for m in movements}, counting=counting)
    number = getattr(source, "number", "") or ""
    moves: list[StockMove] = []
    # the balances touched, read once: (item, location, batch) -> row
    keys = {(m.item.pk, m.location.pk, m.batch) for m in movements}
    balances = {
        (b.item_id, b.location_id, b.batch): b
        for b in StockBalance.objects.select_for_update(of=("self",))
        .order_by("pk")
        .filter(item_id__in={k[0] for k in keys}, location_id__in={k[1] for k in keys})
        if (b.item_id, b.location_id, b.batch) in keys
    }
    changed: dict[int, MaterialItem] = {}
    touched: dict[tuple[int, int, str], StockBalance] = {}
    for m in movements:
        item = items[m.item.pk]
        key = (item.pk, m.location.pk, m.batch)
        balance = balances.get(key)
        if m.quantity > 0:
            value = round_amount(m.value or ZERO)
            if balance is None:
                balance = StockBalance(
                    item=item, location=m.location, batch=m.batch, expires_on=m.expires_on
                )
                balances[key] = balance
            elif m.expires_on and not balance.expires_on:
                balance.expires_on = m.expires_on
            balance.quantity += m.quantity
            item.stock_quantity += m.quantity
            item.stock_value += value
            item.unit_cost = round_price(item.stock_value / item.stock_quantity)
        else:
            out = -m.quantity
            on_hand = balance.quantity if balance is not None else ZERO
            if out > on_hand:
                raise _short(item, m.location, out, on_hand, ZERO)
            if out == item.stock_quantity:
                value = -item.stock_value  # the last of it takes what is left
            elif m.value is not None:
                value = -min(round_amount(m.value), item.stock_value)
            else:
                value = -min(round_amount(out * item.unit_cost), item.stock_value)
            balance.quantity -= out
            item.stock_quantity -= out
            item.stock_value += value
        changed[item.pk] = item
        touched[key] = balance
        moves.append(
            StockMove(
                item=item,
                location=m.location,
                batch=m.batch,
                expires_on=m.expires_on if m.expires_on else balance.expires_on,
                kind=m.kind,
                moved_on=moved_on,
                quantity=m.quantity,
                value=value,
                source_model=source._meta.label_lower,
                source_id=source.pk,
                source_number=number,
                source_line=m.line,
                customer=customer,
                created_by=by,
            )
        )
    # one statement each, whatever the number of lines (locked above; the check
    # constraints have the last word)
    StockBalance.objects.bulk_create([b for b in touched.values() if b.pk is None])
    bulk_set(
        StockBalance, [b for b in touched.values() if b.pk is not None], ["quantity", "expires_on"]
    )
    bulk_set(MaterialItem, list(changed.values()), ["stock_quantity", "stock_value", "unit_cost"])
    return Posted(moves=StockMove.objects.bulk_create(moves))


def outstanding_by_batch(
    *, source: Any, line: int, location: Location
) -> dict[tuple[str, date | None], tuple[Decimal, Decimal]]:
    """What a document's line took out of `location` and has not yet brought back, per
    batch: {(batch, expires_on): (quantity still out, its value)}, from its own movements."""
    out: dict[tuple[str, date | None], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    rows = StockMove.objects.filter(
        source_model=source._meta.label_lower,
        source_id=source.pk,
        source_line=line,
        location=location,
    ).order_by("pk")
    for batch, expires_on, quantity, value in rows.values_list(
        "batch", "expires_on", "quantity", "value"
    ):
        pair = out[(batch, expires_on)]
        pair[0] -= quantity
        pair[1] -= value
    return {k: (q, v) for k, (q, v) in out.items() if q > 0}


def take_out(
    *,
    source: Any,
    lines: list[tuple[int, MaterialItem, Location, Decimal]],
    kind: str,
    moved_on: date,
    by: Actor,
    customer: Any = None,
    locked: dict[int, MaterialItem] | None = None,
) -> Posted:
    """A document's lines (line id, item, location, quantity) taken out of stock, each in
    the batches `allocate` picks (first-expiring first, never expired), valued by the
    ledger: an issue's release, a delivery's extras."""
    if locked is None:
        locked = items_locked(
            (item for _l, item, _w, _q in lines), at={where for _l, _i, where, _q in lines}
        )
    movements: list[Movement] = []
    by_location: dict[int, list[tuple[int, MaterialItem, Location, Decimal]]] = defaultdict(list)
    for line in lines:
        by_location[line[2].pk].append(line)
    for group in by_location.values():
        location = group[0][2]
        taken = allocate(
            location=location,
            wanted=[(locked[item.pk], quantity) for _l, item, _w, quantity in group],
            on=moved_on,
        )
        for (line_id, item, _where, _quantity), batches in zip(group, taken, strict=True):
            movements += [
                Movement(
                    item=locked[item.pk],
                    location=location,
                    quantity=-quantity,
                    batch=batch,
                    expires_on=expires_on,
                    line=line_id,
                    kind=kind,
                )
                for batch, expires_on, quantity in batches
            ]
    return stock_post(
        movements=movements,
        moved_on=moved_on,
        source=source,
        by=by,
        customer=customer,
        locked=locked,
    )


def move_between(
    *,
    source: Any,
    lines: list[tuple[int, MaterialItem, Decimal]],
    from_location: Location,
    to_location: Location,
    moved_on: date,
    by: Actor,
    locked: dict[int, MaterialItem],
    customer: Any = None,
) -> Posted:
    """A document's lines (line id, item, quantity) moved from one location to another:
    out of the batches `allocate` picks there, into the same batches here, at the value
    each left with (a transfer, an issue into a rep's bag). The caller locked the items
    and both locations (items_locked(…, at=[from_location, to_location]))."""
    out = take_out(
        source=source,
        lines=[(line, item, from_location, quantity) for line, item, quantity in lines],
        kind=StockMove.Kind.TRANSFER,
        moved_on=moved_on,
        by=by,
        customer=customer,
        locked=locked,
    )
    into = stock_post(
        movements=[
            Movement(
                item=move.item,
                location=to_location,
                quantity=-move.quantity,
                batch=move.batch,
                expires_on=move.expires_on,
                value=-move.value,
                line=move.source_line,
                kind=StockMove.Kind.TRANSFER,
            )
            for move in out.moves
        ],
        moved_on=moved_on,
        source=source,
        by=by,
        customer=customer,
        locked=locked,
    )
    return Posted(moves=out.moves + into.moves)


def taken_back(
    *, source: Any, line: int, location: Location, quantity: Decimal
) -> list[tuple[str, date | None, Decimal, Decimal]]:
    """The batches a return of `quantity` of a document's line comes back in, at the value
    each went out with: [(batch, expires_on, quantity, value)], first-expiring first. More
    than is still out is the caller's to refuse."""
    back = []
    left = quantity
    outstanding = outstanding_by_batch(source=source, line=line, location=location)
    for (batch, expires_on), (out_quantity, out_value) in sorted(
        outstanding.items(), key=lambda kv: (kv[0][1] is None, kv[0][1] or date.max, kv[0][0])
    ):
        if left <= 0:
            break
        take = min(left, out_quantity)
        value = out_value if take == out_quantity else round_amount(out_value * take / out_quantity)
        back.append((batch, expires_on, take, value))
        left -= take
    return back
