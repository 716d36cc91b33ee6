"""Checks of a document's lines, one line at a time (STYLE §6): the line a row refers to, a
quantity, a price, an amount. Every error names its line (numbered from 1) and field in one
shape, ``{"fields": {"lines": {"<n>": {field: [message]}}}}``, with "Line n: message" as the
message, so that a form or an API client can show it beside the field."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import (
    bound_message,
    format_number,
    max_value,
    round_amount,
    round_price,
    round_quantity,
    to_decimal,
)


def line_error(index: int, field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("Line %(n)d: %(message)s") % {"n": index, "message": message},
        extra={"fields": {"lines": {str(index): {field: [message]}}}},
    )


def _number(index: int, field: str, value: Any) -> Decimal:
    """The value as a Decimal; empty is 0, text that is not a number is the line's error."""
    if value is None or value == "":
        return Decimal(0)
    try:
        return to_decimal(value)
    except ValueError:
        raise line_error(index, field, _("not a number")) from None


def _bounded(index: int, field: str, value: Decimal, kind: str) -> Decimal:
    """The value when it fits its column (core.money.DIGITS), else the line's error."""
    if abs(value) > max_value(kind):
        raise line_error(index, field, bound_message(kind))
    return value


def line_gross(index: int, quantity: Decimal, unit_price: Decimal) -> Decimal:
    """round(quantity × price): refused, on the quantity, when it is beyond the largest amount
    (each fits its own column, and the product may still not fit)."""
    gross = round_amount(quantity * unit_price)
    if abs(gross) > max_value("amount"):
        message = _("quantity × price must be %s") % bound_message("amount")
        raise line_error(index, "quantity", message)
    return gross


def line_pick[T](
    index: int,
    lines: Mapping[int, T],
    value: Any,
    *,
    seen: set[int] | None = None,
    field: str = "order_line",
    message: str | None = None,
) -> T:
    """The line (of `lines`, by id) that a row refers to by id or instance; with `seen`, a
    line given twice is refused as well."""
    line_id = getattr(value, "pk", value)
    line = lines.get(line_id)
    if line is None or (seen is not None and line_id in seen):
        raise line_error(index, field, message or _("not a line of this order, or given twice"))
    if seen is not None:
        seen.add(line_id)
    return line


def line_quantity(
    index: int, value: Any, *, at_most: Decimal | None = None, field: str = "quantity"
) -> Decimal:
    """A quantity more than 0 and, given `at_most` (what remains), no more than that."""
    quantity = _bounded(index, field, round_quantity(_number(index, field, value)), "quantity")
    if at_most is not None and not 0 < quantity <= at_most:
        raise line_error(index, field, _("between 0 and %s") % format_number(at_most, "quantity"))
    if quantity <= 0:
        raise line_error(index, field, _("the quantity must be more than 0"))
    return quantity


def line_price(
    index: int,
    value: Any,
    *,
    zero_allowed: bool = True,
    message: str | None = None,
    field: str = "unit_price",
) -> Decimal:
    """A unit price, never negative; 0 only where `zero_allowed` (a gift, a free line)."""
    price = _bounded(index, field, round_price(_number(index, field, value)), "price")
    if price < 0 or (price == 0 and not zero_allowed):
        raise line_error(
            index,
            field,
            message
            or (
                _("the price cannot be negative")
                if zero_allowed
                else _("the price must be more than 0")
            ),
        )
    return price


def line_amount(index: int, value: Any, *, field: str = "amount") -> Decimal:
    """An amount more than 0 (a line priced by amount alone)."""
    amount = _bounded(index, field, round_amount(_number(index, field, value)), "amount")
    if amount <= 0:
        raise line_error(index, field, _("the amount must be more than 0"))
    return amount
