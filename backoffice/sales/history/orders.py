# ruff: noqa: S608 - SQL here is built from table and column names of our own; values are
# always parameters.
"""Orders and their lines, from the staged files: checked set-wise (each problem with its
file, line and column), then written into the history tables with INSERT … SELECT. Order ids
are reserved first, so that the lines go in straight from the staged file; the orders'
totals are summed from their category sums (sums.py) last."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from backoffice.core.numbering import numbers_taken_in
from backoffice.core.partitions import years_ensure
from backoffice.sales.history.context import PER_CHECK, PRICE, QUANTITY, HistoryImportFailed, Run
from backoffice.sales.history.files import date_problem, parse_date
from backoffice.sales.history.sql import (
    analyze,
    check,
    checks,
    execute,
    fence,
    fetch,
    is_line_no,
    is_number,
    line_numbers,
    scalar,
    sums_of,
    tables,
)
from backoffice.sales.models import (
    HistoryCategory,
    HistoryLine,
    HistoryOrder,
    SalesFact,
    SalesMonth,
    SalesOrder,
)

# The partitioned tables the import writes (core.partitions)
HISTORY_TABLES = [m._meta.db_table for m in (HistoryLine, HistoryCategory, SalesMonth, SalesFact)]

# The work tables of the write, made and dropped in the import's transaction.
WORK_TABLES = ("hist_o",)


def known_codes(run: Run) -> None:
    """Customer, rep and product codes the orders may use: in the database or in this
    batch's files (checked even when a master file had problems and wrote nothing)."""
    known = run.staged["known"]
    execute(f"DROP TABLE IF EXISTS {known}")
    execute(f"CREATE {run.staging} TABLE {known} (kind text, code text)")
    with connection.cursor() as cursor:
        for kind, codes in (
            ("customer", run.customer_ids),
            ("rep", run.rep_ids),
            ("product", run.product_codes),
        ):
            if run.postgres:  # one statement, not one per code
                cursor.execute(
                    f"INSERT INTO {known} (kind, code) SELECT %s, unnest(%s::text[])",
                    [kind, list(codes)],
                )
                continue
            cursor.executemany(
                f"INSERT INTO {known} (kind, code) VALUES (%s, %s)",
                [(kind, code) for code in codes],
            )
    execute(f"CREATE INDEX {known}_code ON {known} (kind, code)")
    execute(f"ANALYZE {known}")


def _unknown(run: Run, kind: str, expression: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM {run.staged['known']} k WHERE k.kind = '{kind}' "
        f"AND k.code = {expression})"
    )


def check_orders(run: Run) -> None:
    so = run.staged["orders"]
    t = tables()
    c = run.columns["orders"]
    number, day = c["number"], c["date"]
    check(
        run,
        "orders",
        "number",
        _("An order number of 1 to 32 characters."),
        f"{number} = '' OR LENGTH({number}) > 32",
    )
    check(
        run,
        "orders",
        "number",
        _("The order number “%(value)s” is in the file twice."),
        f"{number} IN (SELECT {number} FROM {so} GROUP BY {number} HAVING COUNT(*) > 1)",
    )
    check(
        run,
        "orders",
        "number",
        _("The number “%(value)s” belongs to an order entered here, not imported."),
        f"EXISTS (SELECT 1 FROM {t['order']} o WHERE o.number = {so}.{number} "
        "AND o.history_import_id IS NULL)",
    )
    days = fetch(f"SELECT DISTINCT {day} FROM {so}")
    bad_days = [text for (text,) in days if parse_date(text) is None]
    if bad_days:
        marks = ", ".join(["%s"] * len(bad_days))
        check(
            run,
            "orders",
            "date",
            date_problem(),
            f"{day} IN ({marks})",
            bad_days,
        )
    check(
        run,
        "orders",
        "customer_code",
        _("Unknown customer “%(value)s”."),
        _unknown(run, "customer", c["customer_code"]),
    )
    rep = _unknown(run, "rep", c["rep_code"])
    check(run, "orders", "rep_code", _("Unknown rep “%(value)s”."), rep)


def check_lines(run: Run) -> None:
    so, sl = run.staged["orders"], run.staged["order_lines"]
    t = tables()
    c = run.columns["order_lines"]
    number = run.columns["orders"]["number"]
    check(
        run,
        "order_lines",
        "order_number",
        _("The order “%(value)s” is not in the orders file."),
        f"NOT EXISTS (SELECT 1 FROM {so} o WHERE o.{number} = {sl}.{c['order_number']})",
    )
    line_no, line_no_params = is_line_no(run, c["line_no"])
    quantity, quantity_params = is_number(run, c["quantity"], *QUANTITY)
    price, price_params = is_number(run, c["unit_price"], *PRICE)
    checks(
        run,
        "order_lines",
        [
            (
                "line_no",
                _("“%(value)s” is not a line number (1 to 9999)."),
                f"NOT ({line_no})",
                line_no_params,
            ),
            (  # a well-formed quantity is 0 when it has no digit but 0
                "quantity",
                _("“%(value)s” is not a quantity more than 0 (at most 3 decimals)."),
                f"NOT ({quantity}) OR ltrim({c['quantity']}, '0.') = ''",
                quantity_params,
            ),
            (
                "unit_price",
                _("“%(value)s” is not a price of 0 or more (at most 6 decimals)."),
                f"NOT ({price})",
                price_params,
            ),
        ],
    )
    check(
        run,
        "order_lines",
        "product_code",
        _("Unknown product “%(value)s”."),
        _unknown(run, "product", c["product_code"]),
    )
    check(
        run,
        "orders",
        "number",
        _("The order “%(value)s” has no lines in order_lines."),
        f"NOT EXISTS (SELECT 1 FROM {sl} l WHERE l.{c['order_number']} = "
        f"{so}.{number}) AND NOT EXISTS (SELECT 1 FROM {t['order']} o "
        f"WHERE o.number = {so}.{number}) AND NOT EXISTS (SELECT 1 FROM "
        f"{t['history_order']} o WHERE o.number = {so}.{number})",
    )


def check_line_numbers(run: Run) -> None:
    """Only when the lines' primary key refused one, or another problem stops the import:
    which lines repeat a number (a line number that is no number is reported as such)."""
    sl = run.staged["order_lines"]
    c = run.columns["order_lines"]
    well_formed, params = is_line_no(run, c["line_no"])
    number = f"CASE WHEN {well_formed} THEN CAST({c['line_no']} AS integer) END"
    check(
        run,
        "order_lines",
        "line_no",
        _("Line %(value)s of this order is in the file twice."),
        f"({c['order_number']}, {number}) IN (SELECT {c['order_number']}, {number} FROM {sl} "
        f"GROUP BY {c['order_number']}, {number} HAVING COUNT(*) > 1)",
        params * 3,
    )


def reserve_order_ids(run: Run) -> int:
    """The first of the ids the new orders take (one import at a time: see run.py)."""
    t = tables()
    if not run.postgres:
        return (scalar(f"SELECT MAX(id) FROM {t['history_order']}") or 0) + 1
    return scalar("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [HistoryOrder._meta.db_table])


def new_orders(run: Run) -> tuple[int, int]:
    """The new orders, resolved (customer, its region and kind, the rep) into hist_o with
    their reserved ids; an order imported before (here, or into the orders table by an
    earlier version) is left. Returns the first and last id."""
    so = run.staged["orders"]
    t = tables()
    o = run.columns["orders"]
    first_id = reserve_order_ids(run)
    day = f"CAST(s.{o['date']} AS date)" if run.postgres else f"s.{o['date']}"
    execute("DROP TABLE IF EXISTS hist_o")
    execute(
        "CREATE TEMPORARY TABLE hist_o AS SELECT "
        f"{first_id} - 1 + ROW_NUMBER() OVER (ORDER BY s.{run.order_keys['orders']}) "
        "AS id, "
        f"s.{o['number']} AS number, {day} AS day, c.id AS customer_id, "
        "c.region_id AS region_id, c.kind AS kind, u.id AS owner_id "
        f"FROM {so} s JOIN {t['customer']} c ON c.code = s.{o['customer_code']} "
        f"JOIN {t['user']} u ON u.username = s.{o['rep_code']} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {t['history_order']} x "
        f"WHERE x.number = s.{o['number']}) "
        f"AND NOT EXISTS (SELECT 1 FROM {t['order']} x WHERE x.number = s.{o['number']})"
    )
    analyze(run, "hist_o")
    new = scalar("SELECT COUNT(*) FROM hist_o") or 0
    if run.postgres:  # the years the orders bring have their partitions (core.partitions)
        years = fetch("SELECT DISTINCT CAST(EXTRACT(YEAR FROM day) AS integer) FROM hist_o")
        years_ensure([year for (year,) in years], HISTORY_TABLES)
    run.counts["orders_skipped"] = (scalar(f"SELECT COUNT(*) FROM {so}") or 0) - new
    if run.postgres:
        scalar(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [HistoryOrder._meta.db_table, first_id + max(new, 1) - 1],
        )
    return first_id, first_id + new - 1


def write_lines(run: Run, first_id: int, last_id: int) -> None:
    """The new orders' lines (ids first_id to last_id), with their amounts, straight from
    the staged file. A line number twice is found by the primary key, and only then looked
    for."""
    sl = run.staged["order_lines"]
    t = tables()
    c = run.columns["order_lines"]
    # Each line's numbers are read from their text once, in an inner query that a fence
    # keeps apart (PostgreSQL would otherwise cast them again in each expression that
    # uses them), and its amounts computed from them outside.
    if run.postgres:
        quantity = f"CAST(s.{c['quantity']} AS numeric)"
        price = f"CAST(s.{c['unit_price']} AS numeric)"
        gross = "ROUND(s.quantity * s.unit_price, 2)"
        net = "ROUND(s.gross / (1 + s.vat_rate), 2)"
    else:
        quantity = f"s.{c['quantity']}"  # the text, which the functions read exactly
        price = f"s.{c['unit_price']}"
        gross = "history_gross(s.quantity, s.unit_price)"
        net = "history_net(s.quantity, s.unit_price, s.vat_rate)"
    run.progress(0.55, "order_lines")
    try:
        with transaction.atomic():  # a savepoint: a line number twice is reported below
            run.counts["order_lines"] = execute(
                f"INSERT INTO {t['history_line']} (order_id, line_no, product_id, "
                "quantity, unit_price, vat_rate, gross_amount, net_amount, day, "
                "customer_id, region_id, owner_id, customer_kind, category_id, orders) "
                "SELECT s.order_id, s.line_no, s.product_id, s.quantity, s.unit_price, "
                f"s.vat_rate, s.gross, {net}, s.day, s.customer_id, s.region_id, "
                "s.owner_id, s.kind, s.category_id, s.orders FROM (SELECT "
                f"s.order_id, s.line_no, s.product_id, s.quantity, s.unit_price, "
                f"s.vat_rate, {gross} AS gross, s.day, s.customer_id, s.region_id, "
                "s.owner_id, s.kind, s.category_id, s.orders FROM (SELECT o.id AS "
                f"order_id, CAST(s.{c['line_no']} AS integer) AS line_no, p.id AS "
                f"product_id, {quantity} AS quantity, {price} AS unit_price, "
                "p.vat_rate AS vat_rate, o.day AS day, o.customer_id AS customer_id, "
                "o.region_id AS region_id, o.owner_id AS owner_id, o.kind AS kind, "
                "COALESCE(p.category_id, 0) AS category_id, 1 AS orders "
                f"FROM {sl} s JOIN hist_o o ON o.number = s.{c['order_number']} "
                f"JOIN {t['product']} p ON p.code = s.{c['product_code']}"
                f"{fence(run)}) s{fence(run)}) s"
            )
    except IntegrityError as exc:
        line_numbers_refused(run, exc)
    # its statistics (from a sample), for the plans of the sums that read it next
    analyze(run, t["history_line"])
    _repeated_products(run)


def line_numbers_refused(run: Run, error: IntegrityError) -> None:
    """The lines' primary key refused a row (when they were written, or when it was built
    after them: sql.indexes_after): the lines that repeat a number, as the file's
    problems."""
    check_line_numbers(run)
    if not run.problems:  # not a line number after all: the database's own words
        run.problem("order_lines", 0, "", str(error))
    raise HistoryImportFailed(run.problems) from None


def repeated_products_found(run: Run) -> None:
    """The orders whose lines name a product twice, from the staged lines (a product on
    two lines of an order counts that order once): by their numbers, which the write of
    the lines turns into the ids of those it imports (_repeated_products)."""
    sl = run.staged["order_lines"]
    c = run.columns["order_lines"]
    # by sorting (a file's lines mostly come an order at a time): faster here than hashing
    # a million pairs
    found = fetch(
        f"SELECT {c['order_number']} FROM {sl} GROUP BY {c['order_number']} "
        f"HAVING COUNT(*) > COUNT(DISTINCT {c['product_code']})"
    )
    run.repeated = [number for (number,) in found]


def _repeated_products(run: Run) -> None:
    """The later lines of a product an order names twice count no order. Only the orders
    found so (few, if any) are read: on PostgreSQL by one statement, which needs no index
    (the lines of a first import have none yet: sql.indexes_after); on SQLite, 400 at a
    time."""
    line = tables()["history_line"]
    postgres = connection.vendor == "postgresql"
    # SQLite before 3.32 takes 999 parameters, and each number is sent twice
    size = max(len(run.repeated), 1) if postgres else 400
    for start in range(0, len(run.repeated), size):
        numbers = run.repeated[start : start + size]
        among = "= ANY(%s)" if postgres else f"IN ({', '.join(['%s'] * len(numbers))})"
        params = [numbers] if postgres else numbers
        ids = f"(SELECT id FROM hist_o WHERE number {among})"
        execute(
            f"UPDATE {line} SET orders = 0 WHERE order_id IN {ids} AND EXISTS (SELECT 1 "
            f"FROM {line} e WHERE e.order_id IN {ids} AND e.order_id = {line}.order_id "
            f"AND e.product_id = {line}.product_id AND e.line_no < {line}.line_no)",
            params + params,
        )


def write_orders(run: Run, first_id: int, last_id: int) -> None:
    """The new orders, their totals summed from their category sums."""
    t = tables()
    sums = sums_of("quantity", "gross_amount", "net_amount", then="SUM(line_count) AS lines")
    run.counts["orders"] = execute(
        f"INSERT INTO {t['history_order']} (id, history_import_id, number, day, "
        "customer_id, owner_id, region_id, customer_kind, quantity, gross_amount, "
        "net_amount, line_count) SELECT o.id, %s, o.number, o.day, o.customer_id, "
        "o.owner_id, o.region_id, o.kind, a.quantity, a.gross_amount, a.net_amount, a.lines "
        f"FROM hist_o o JOIN (SELECT order_id, {sums} "
        f"FROM {t['history_category']} WHERE order_id BETWEEN %s AND %s "
        "GROUP BY order_id) a ON a.order_id = o.id",
        [run.record.pk, first_id, last_id],
    )
    if run.postgres:  # its row count, for the plans of the months summed from it next (a
        # table just filled is otherwise taken for a small one, its orders sorted to be grouped)
        analyze(run, t["history_order"])


def numbering_past(run: Run) -> None:
    """The orders entered here after this import are numbered past the numbers its orders
    bring in the form this system gives (SO-2025-000123): never one of them."""
    numbers_taken_in("hist_o", "number", kind=SalesOrder.NUMBER_KIND)


def check_unchanged(run: Run) -> None:
    """Imported history is closed (issue 15 §22): an order imported before may be named
    again (and is left alone), but not with other lines. A line whose product, quantity or
    price differs from the imported one, a line the imported order lacks, and an imported
    line the file leaves out are each reported by order, line and field; nothing is
    imported. Run on well-formed files only (its casts trust the checks before it)."""
    so, sl = run.staged["orders"], run.staged["order_lines"]
    t = tables()
    c = run.columns["order_lines"]
    number = run.columns["orders"]["number"]
    line_no = f"CAST(s.{c['line_no']} AS integer)"
    kind = "numeric" if run.postgres else "NUMERIC"
    if not scalar(  # none imported before (a first import): nothing to compare
        f"SELECT EXISTS (SELECT 1 FROM {so} s JOIN {t['history_order']} o ON o.number = s.{number})"
    ):
        return
    found = fetch(
        f"SELECT s.{run.order_keys['order_lines']} AS at, s.{c['order_number']}, {line_no}, "
        f"s.{c['product_code']}, s.{c['quantity']}, s.{c['unit_price']}, l.line_no, p.code, "
        f"l.quantity, l.unit_price FROM {sl} s JOIN {t['history_order']} o "
        f"ON o.number = s.{c['order_number']} LEFT JOIN {t['history_line']} l "
        f"ON l.order_id = o.id AND l.line_no = {line_no} LEFT JOIN {t['product']} p "
        f"ON p.id = l.product_id WHERE l.line_no IS NULL OR p.code <> s.{c['product_code']} "
        f"OR CAST(s.{c['quantity']} AS {kind}) <> l.quantity "
        f"OR CAST(s.{c['unit_price']} AS {kind}) <> l.unit_price "
        f"ORDER BY at LIMIT {PER_CHECK}"
    )
    lines = line_numbers(run, "order_lines", [row[0] for row in found])
    for at, order, line, product, quantity, price, was_line, was_product, was_q, was_p in found:
        if was_line is None:
            changed = [("line_no", "", str(line))]
        else:
            changed = [
                (field, _shown(old), new)
                for field, old, new in (
                    ("product_code", was_product, product),
                    ("quantity", was_q, quantity),
                    ("unit_price", was_p, price),
                )
                if _shown(old) != _shown(new)
            ]
        for field, old, new in changed:
            run.problem(
                "order_lines",
                lines[at],
                field,
                _changed_message(field)
                % {
                    "order": order,
                    "line": line,
                    "field": _field_label(field),
                    "old": old,
                    "new": new,
                },
            )
    check(
        run,
        "orders",
        "number",
        _(
            "The order “%(value)s” was imported with lines this file leaves out: imported "
            "history cannot change."
        ),
        f"EXISTS (SELECT 1 FROM {t['history_order']} o JOIN {t['history_line']} l "
        f"ON l.order_id = o.id WHERE o.number = {so}.{number} AND EXISTS (SELECT 1 FROM "
        f"{sl} s WHERE s.{c['order_number']} = o.number) AND NOT EXISTS (SELECT 1 FROM "
        f"{sl} s WHERE s.{c['order_number']} = o.number AND {line_no} = l.line_no))",
    )


def _shown(value: object) -> str:
    """A number as people write it (2.5, not 2.500 nor 2.5000000001 from a float)."""
    if value is None:
        return ""
    if isinstance(value, str) and not value.replace(".", "", 1).isdigit():
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}"


def _changed_message(field: str) -> str:
    if field == "line_no":
        return _(
            "Order %(order)s was imported without line %(line)s: imported history cannot "
            "change, so nothing was imported."
        )
    return _(
        "Order %(order)s, line %(line)s: the %(field)s was %(old)s when it was imported, "
        "the file says %(new)s. Imported history cannot change, so nothing was imported."
    )


def _field_label(field: str) -> str:
    names = {"product_code": _("product"), "quantity": _("quantity"), "unit_price": _("unit price")}
    return str(names.get(field, field))
