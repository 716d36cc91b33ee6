"""Keeping the daily sales facts and their monthly sums (models/facts.py) exact: every
change of a basis adds its signed delta here, inside the document's transaction. INSERT …
ON CONFLICT DO UPDATE adds to the rows of the day, and to the rows of the month at each of
its grains, or creates them: one statement on PostgreSQL (the days' a WITH of the months'),
two elsewhere. Every call takes the rows' locks in one order: each table's rows sorted by
their key, the two tables in the order the same statement always runs them."""

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection

from backoffice.core.money import ZERO, line_amounts, round_amount
from backoffice.sales.models import SalesFact, SalesMonth

KEY = ("basis", "product_id", "day", "customer_id", "region_id", "owner_id")
VALUES = ("customer_kind", "category_id", "quantity", "gross_amount", "net_amount", "orders")
MONTH_KEY = tuple(field.column for field in SalesMonth._meta.pk_fields)
SUMS = ("quantity", "gross_amount", "net_amount", "orders")
# the customer_id of a product's monthly sums over every region (SalesMonth)
EVERY_REGION = -1


def adding_on_conflict(table: str, key: tuple[str, ...], *, counted: bool = False) -> str:
    """The clause that adds a new row's sums to the row already there with its key (the
    facts here; the import's monthly sums of the history too); `counted` (the monthly sums)
    also adds one to the row's version."""
    updates = [f"{name} = {table}.{name} + excluded.{name}" for name in SUMS]
    if counted:
        updates.append(f"version = {table}.version + 1")
    return f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(updates)}"


def _upsert(rows: list[tuple]) -> None:
    """The day's rows, then the month's: each day row (basis, product, day, customer,
    region, rep, kind, category, sums…) also adds to its month at its grains: a product's
    by region and over every region, a category's by region, the all-products row by
    customer and by region, rep and kind (SalesMonth)."""
    months = []
    for basis, product_id, day, customer_id, region_id, owner_id, kind, category, *sums in rows:
        month = day.replace(day=1)
        if product_id > 0:  # by region, and over every region (customer −1)
            months.append((basis, product_id, 0, month, region_id, 0, "", category, *sums))
            months.append((basis, product_id, EVERY_REGION, month, 0, 0, "", category, *sums))
        elif product_id:
            months.append((basis, product_id, 0, month, region_id, 0, "", category, *sums))
        else:
            months.append((basis, 0, customer_id, month, region_id, owner_id, kind, 0, *sums))
            months.append((basis, 0, 0, month, region_id, owner_id, kind, 0, *sums))
    # in the order of their keys, so that two documents lock shared rows in one order
    rows = sorted(rows, key=itemgetter(slice(0, len(KEY))))
    months.sort(key=itemgetter(slice(0, len(MONTH_KEY))))
    postgres = connection.vendor == "postgresql"
    days = _adding(SalesFact, KEY + VALUES, KEY, counted=False, postgres=postgres)
    sums = _adding(SalesMonth, MONTH_KEY + SUMS, MONTH_KEY, counted=True, postgres=postgres)
    with connection.cursor() as cursor:
        if postgres:  # one statement: the days' INSERT a data-modifying WITH of the months'
            cursor.execute(
                f"WITH days AS ({days}) {sums}",
                [list(column) for values in (rows, months) for column in zip(*values, strict=True)],
            )
        else:
            cursor.executemany(days, rows)
            cursor.executemany(sums, months)


@functools.cache
def _adding(
    model: type, columns: tuple[str, ...], key: tuple[str, ...], *, counted: bool, postgres: bool
) -> str:
    """The INSERT that adds rows of `columns` to `model`'s rows with the same `key`. On
    PostgreSQL its parameters are one array per column, each cast to its column's type: one
    plan and one execution whatever the number of rows (unnest keeps their order, so the
    locks' order too); elsewhere one row's values, for executemany."""
    table = connection.ops.quote_name(model._meta.db_table)
    if postgres:
        arrays = (f"%s::{model._meta.get_field(c).db_type(connection)}[]" for c in columns)
        rows = f"SELECT * FROM unnest({', '.join(arrays)})"  # noqa: S608 - column types only
    else:
        rows = f"VALUES ({', '.join(['%s'] * len(columns))})"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) {rows} "
        f"{adding_on_conflict(table, key, counted=counted)}"
    )


def category_row(category_id: int) -> int:
    """The product_id of a category's rows: −1 for no category, −1 − id otherwise."""
    return -1 - category_id


def facts_add(
    *,
    basis: int,
    day: date,
    customer: Any,
    region_id: int,
    owner_id: int,
    lines: Iterable[tuple[Any, Decimal, Decimal, Decimal]],
    orders: int = 1,
) -> None:
    """Add one document's lines to a basis on a day. `lines` are (product, quantity,
    gross, net), negative to take away; `orders` is +1 for a document that counts, −1 for
    one undone, 0 for a partial change."""
    per_product: dict[int, list] = defaultdict(lambda: [0, ZERO, ZERO, ZERO])
    for product, quantity, gross, net in lines:
        row = per_product[product.pk]
        row[0] = product.category_id or 0
        row[1] += quantity
        row[2] += gross
        row[3] += net
    if not per_product:
        return
    common = (day, customer.pk, region_id, owner_id)
    rows = [
        (basis, product_id, *common, customer.kind, category, quantity, gross, net, orders)
        for product_id, (category, quantity, gross, net) in per_product.items()
    ]
    per_category: dict[int, list] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for category, quantity, gross, net in per_product.values():
        row = per_category[category]
        row[0] += quantity
        row[1] += gross
        row[2] += net
    rows += [
        (basis, category_row(category), *common, customer.kind, category, *sums, orders)
        for category, sums in per_category.items()
    ]
    rows.append(
        (
            basis,
            0,
            *common,
            customer.kind,
            0,
            sum((r[1] for r in per_product.values()), ZERO),
            sum((r[2] for r in per_product.values()), ZERO),
            sum((r[3] for r in per_product.values()), ZERO),
            orders,
        )
    )
    _upsert(rows)


def order_line_amounts(order_line: Any, quantity: Decimal) -> tuple[Decimal, Decimal]:
    """Gross and net of `quantity` of an order line at its price (VAT per line, STYLE §6)."""
    if quantity == order_line.quantity:
        return order_line.gross_amount, order_line.net_amount
    amounts = line_amounts(
        quantity=abs(quantity), unit_price=order_line.unit_price, vat_rate=order_line.vat_rate
    )
    sign = -1 if quantity < 0 else 1
    return sign * amounts.gross_amount, sign * amounts.net_amount


def facts_received(receipt: Any, allocations: list[tuple[Any, Decimal]], on: date) -> None:
    """Money allocated to invoices counts as received on the day it is allocated (the
    receipt's, or the later day its credit is applied; a share released back to the receipt
    when the invoice is reversed after payment is negative, on that day): each invoice's
    share is spread over its lines by their amounts (the last line takes the rounding), net
    of VAT line by line. Registered with the ledger (sales/apps.py)."""
    from backoffice.sales.models import Invoice

    shares = {r.source_id: share for r, share in allocations if r.source_model == "sales.invoice"}
    invoices = Invoice.objects.filter(pk__in=shares).select_related("customer")
    for invoice in invoices.prefetch_related("lines__order_line__product"):
        lines = [line for line in invoice.lines.all() if line.gross_amount > 0]
        total = sum((line.gross_amount for line in lines), ZERO)
        if not total:
            continue
        share, left, portions = shares[invoice.pk], shares[invoice.pk], []
        for index, line in enumerate(lines):
            part = (
                left if index == len(lines) - 1 else round_amount(share * line.gross_amount / total)
            )
            left -= part
            net = round_amount(part * line.net_amount / line.gross_amount)
            portions.append((line.order_line.product, ZERO, part, net))
        facts_add(
            basis=SalesFact.Basis.RECEIVED,
            day=on,
            customer=invoice.customer,
            region_id=invoice.region_id,
            owner_id=invoice.owner_id,
            lines=portions,
            orders=0,
        )
