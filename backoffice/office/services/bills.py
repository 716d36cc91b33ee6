"""Carriers' monthly bills (快递费结算, issue 17 §11).

A bill is uploaded as the carrier sent it (.xlsx or .csv: tracking number, date, weight,
fee). Every cell is checked first and each problem named by its line and column; a file with
a problem changes nothing. Each line is matched to the register by the carrier and tracking
number: matched, its fee beyond the tolerance from the entry's expected cost, not in the
register, or settled in an earlier bill; the register's entries of the month that the bill
does not list are found by the selectors. The same file again adds nothing; another file for
a month not settled yet replaces the lines. A clerk settles the month: the fees are written
to the register's entries, and the bill is locked (409 already_settled) and audited."""

import hashlib
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.bulk import bulk_insert, bulk_set
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import (
    ZERO,
    format_number,
    max_value,
    round_amount,
    round_quantity,
    to_decimal,
)
from backoffice.core.services import model_save
from backoffice.core.tabular import numbered, read_table
from backoffice.core.transitions import transition
from backoffice.office.exceptions import AlreadySettled
from backoffice.office.models import Carrier, CarrierBill, CarrierBillLine, MailItem

# a bill's headers, as carriers write them (Chinese or English)
BILL_COLUMNS = {
    "tracking_number": ("运单号", "快递单号", "单号", "tracking_number", "tracking number"),
    "shipped_on": ("日期", "寄件日期", "发货日期", "date"),
    "weight": ("重量", "计费重量", "重量(kg)", "weight"),
    "fee": ("费用", "运费", "金额", "fee"),
}
COLUMN_LABELS = {
    "tracking_number": gettext_lazy("tracking number"),
    "shipped_on": gettext_lazy("date"),
    "weight": gettext_lazy("weight"),
    "fee": gettext_lazy("fee"),
}
MAX_PROBLEMS = 200
DEFAULT_TOLERANCE = Decimal("1.00")
IN_CHUNK = 5000  # tracking numbers asked for in one query


@dataclass
class Problem:
    line: int
    column: str
    message: str


class BillUnreadable(ValidationFailed):
    code = "bill_unreadable"
    default_message = gettext_lazy("Nothing was taken from the bill: fix the lines listed.")

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        message = _("Line %(line)d, %(column)s: %(message)s") % asdict(first)
        if len(problems) > 1:
            message += " " + _("(and %(n)d more problems)") % {"n": len(problems) - 1}
        super().__init__(message, extra={"problems": [asdict(p) for p in problems]})
        self.problems = problems


def _date(text: str) -> date:
    """2026-11-03, 2026/11/03, 2026.11.03, 20261103, or with a time after it."""
    text = text.strip().replace("/", "-").replace(".", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parts = text[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(text)


def bill_rows(content: bytes, *, filename: str) -> list[dict[str, Any]]:
    """The bill's lines, checked: [{line, tracking_number, shipped_on, weight, fee}]; or
    BillUnreadable with every problem (up to MAX_PROBLEMS) by line and column."""
    rows = read_table(content, filename=filename)
    if not rows:
        raise ValidationFailed(_("The bill has no lines."))
    headers: dict[str, str] = {}
    for header in rows[0]:
        for name, names in BILL_COLUMNS.items():
            if header.strip().lower() not in names:
                continue
            if name in headers:  # 运单号 and 快递单号 both: which one is meant is not ours to guess
                raise ValidationFailed(
                    _("The columns %(first)s and %(second)s both give the %(name)s: keep one.")
                    % {"first": headers[name], "second": header, "name": COLUMN_LABELS[name]}
                )
            headers[name] = header
    missing = [
        f"{COLUMN_LABELS[n]} ({BILL_COLUMNS[n][0]})"
        for n in ("tracking_number", "fee")
        if n not in headers
    ]
    if missing:
        raise ValidationFailed(
            _("The bill needs the columns: %(columns)s") % {"columns": "、".join(missing)}
        )
    problems: list[Problem] = []
    lines: list[dict[str, Any]] = []
    seen: dict[str, int] = {}

    def problem(line: int, name: str, message: str) -> None:
        problems.append(Problem(line, headers.get(name, str(COLUMN_LABELS[name])), message))

    for line, row in numbered(rows):
        if len(problems) >= MAX_PROBLEMS:
            break
        tracking = (row.get(headers["tracking_number"]) or "").strip()
        if not tracking:
            problem(line, "tracking_number", _("required"))
        elif len(tracking) > 64:
            problem(line, "tracking_number", _("at most 64 characters"))
        elif tracking in seen:
            problem(line, "tracking_number", _("also on line %(n)d") % {"n": seen[tracking]})
        else:
            seen[tracking] = line
        shipped_on = None
        if "shipped_on" in headers and (text := (row.get(headers["shipped_on"]) or "").strip()):
            try:
                shipped_on = _date(text)
            except ValueError:
                problem(line, "shipped_on", _("a date: YYYY-MM-DD"))
        values: dict[str, Decimal] = {}
        for name, rounding, kind in (
            ("weight", round_quantity, "quantity"),
            ("fee", round_amount, "amount"),
        ):
            biggest = max_value(kind)
            text = (row.get(headers[name]) or "").strip() if name in headers else ""
            if not text and name == "weight":
                values[name] = ZERO
                continue
            try:
                value = rounding(to_decimal(text.replace(",", "").lstrip("¥￥")))
            except (TypeError, ValueError, ArithmeticError):
                problem(line, name, _("a number") if text else _("required"))
                continue
            if value < 0 or value > biggest:
                problem(line, name, _("between 0 and %s") % format_number(biggest))
                continue
            values[name] = value
        if len(values) == 2 and tracking:
            lines.append(
                {
                    "line": line,
                    "tracking_number": tracking,
                    "shipped_on": shipped_on,
                    "weight": values["weight"],
                    "fee": values["fee"],
                }
            )
    total = sum((line["fee"] for line in lines), ZERO)
    if not problems and total > max_value("amount"):
        last = max((line for line, _row in numbered(rows)), default=1)
        problems.append(Problem(last + 1, headers["fee"], _("the total is too large")))
    if problems:
        raise BillUnreadable(problems)
    return lines


def _matched(
    carrier: Carrier, bill: CarrierBill, rows: list[dict[str, Any]]
) -> list[CarrierBillLine]:
    """The bill's lines, each matched to the register's entry of its tracking number."""
    numbers = [row["tracking_number"] for row in rows]
    found: dict[str, tuple[int, Decimal, int | None]] = {}
    for start in range(0, len(numbers), IN_CHUNK):
        for tracking, pk, cost, bill_id in MailItem.objects.filter(
            carrier=carrier, tracking_number__in=numbers[start : start + IN_CHUNK]
        ).values_list("tracking_number", "pk", "cost", "bill_id"):
            found[tracking] = (pk, cost, bill_id)
    kinds = CarrierBillLine.Match
    built = []
    for row in rows:
        entry = found.get(row["tracking_number"])
        if entry is None:
            match, item_id, expected = kinds.NOT_REGISTERED, None, None
        else:
            item_id, expected, settled_in = entry
            if settled_in is not None and settled_in != bill.pk:
                match = kinds.BILLED_BEFORE
            elif expected and abs(row["fee"] - expected) > bill.tolerance:
                match = kinds.FEE_DIFFERS
            else:
                match = kinds.MATCHED
        built.append(
            CarrierBillLine(
                bill=bill,
                line_no=row["line"],
                tracking_number=row["tracking_number"],
                shipped_on=row["shipped_on"],
                weight=row["weight"],
                fee=row["fee"],
                mail_item_id=item_id,
                expected=expected,
                match=match,
            )
        )
    return built


def _rematch(bill: CarrierBill, *, lock: bool = False) -> None:
    """The bill's lines matched again against the register as it is now (entries
    registered, corrected or settled elsewhere since the upload); with `lock`, the entries
    of its tracking numbers are locked first (a settlement)."""
    lines = list(bill.lines.order_by("line_no"))
    numbers = [line.tracking_number for line in lines]
    if lock:
        for start in range(0, len(numbers), IN_CHUNK):
            list(
                MailItem.objects.select_for_update()
                .filter(
                    carrier=bill.carrier_id, tracking_number__in=numbers[start : start + IN_CHUNK]
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
    rows = [
        {
            "line": line.line_no,
            "tracking_number": line.tracking_number,
            "shipped_on": line.shipped_on,
            "weight": line.weight,
            "fee": line.fee,
        }
        for line in lines
    ]
    changed = []
    for line, now in zip(lines, _matched(bill.carrier, bill, rows), strict=True):
        found = (now.match, now.mail_item_id, now.expected)
        if (line.match, line.mail_item_id, line.expected) != found:
            line.match, line.mail_item_id, line.expected = found
            changed.append(line)
    bulk_set(CarrierBillLine, changed, ["match", "mail_item", "expected"])


@permission_required("office.add_carrierbill")
@transaction.atomic
def bill_upload(
    *,
    by: Actor,
    carrier: Carrier,
    month: date,
    content: bytes,
    filename: str,
    tolerance: Any = None,
) -> tuple[CarrierBill, bool]:
    """(the bill, whether anything changed): the same file again changes nothing; another
    file for the month replaces the lines while the month is not settled."""
    month = month.replace(day=1)
    # one upload of a carrier's bills at a time: the month's bill may not exist yet to lock
    Carrier.objects.select_for_update().filter(pk=carrier.pk).first()
    digest = hashlib.sha256(content).hexdigest()
    try:
        tolerance = round_amount(
            to_decimal(DEFAULT_TOLERANCE if tolerance in (None, "") else tolerance)
        )
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationFailed(extra={"fields": {"tolerance": [_("a number")]}}) from None
    if tolerance < 0:
        raise ValidationFailed(extra={"fields": {"tolerance": [_("cannot be negative")]}})
    existing = CarrierBill.objects.select_for_update().filter(carrier=carrier, month=month).first()
    if existing is not None and existing.digest == digest and existing.tolerance == tolerance:
        # the same file adds nothing; an open bill is matched again (entries registered
        # since show as matched)
        if existing.status == CarrierBill.Status.OPEN:
            _rematch(existing)
        return existing, False
    if existing is not None and existing.status == CarrierBill.Status.SETTLED:
        raise AlreadySettled(
            _("%(bill)s is settled: its fees are in the register already.") % {"bill": existing},
            extra={"bill": existing.pk},
        )
    rows = bill_rows(content, filename=filename)
    bill = existing or CarrierBill(carrier=carrier, month=month, uploaded_by=by)
    bill.file_name = filename[-200:]
    bill.digest = digest
    bill.tolerance = tolerance
    bill.line_count = len(rows)
    bill.total_fee = sum((row["fee"] for row in rows), ZERO)
    bill.uploaded_by = by
    if existing is not None:
        # the carrier's lines of a month not settled: its file, not the books; replaced
        # whole in one statement (the deletion guard would read each line's bill)
        lines = CarrierBillLine.objects.filter(bill=existing)
        lines._raw_delete(lines.db)
    bill = model_save(
        instance=bill,
        by=by,
        validate=False,
        note=_("replaced by %(file)s") % {"file": bill.file_name} if existing else "",
    )
    bulk_insert(CarrierBillLine, _matched(carrier, bill, rows))
    return bill, True


@permission_required("office.settle_carrierbill")
@transaction.atomic
def bill_settle(*, bill: CarrierBill, by: Actor) -> CarrierBill:
    """The month settled: each matched line's fee written to its register entry (the
    differing ones too: the bill is what is paid), then the bill locked."""
    bill = CarrierBill.objects.select_for_update().get(pk=bill.pk)
    if bill.status == CarrierBill.Status.SETTLED:
        raise AlreadySettled(
            _("%(bill)s is settled already.") % {"bill": bill}, extra={"bill": bill.pk}
        )
    _rematch(bill, lock=True)
    kinds = CarrierBillLine.Match
    fees = dict(
        bill.lines.filter(match__in=[kinds.MATCHED, kinds.FEE_DIFFERS]).values_list(
            "mail_item_id", "fee"
        )
    )
    items = list(
        MailItem.objects.select_for_update()
        .filter(pk__in=fees, bill__isnull=True)  # never one another bill settled
        .order_by("pk")
        .only("pk")
    )
    for item in items:
        item.fee, item.bill_id = fees[item.pk], bill.pk
    bulk_set(MailItem, items, ["fee", "bill"])
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=bill,
        changes={
            "settled": {
                "entries": len(items),
                "fees": str(sum(fees.values(), ZERO)),
                "total": str(bill.total_fee),
            }
        },
    )
    return transition(bill, to=CarrierBill.Status.SETTLED, by=by, locked=bill)
