"""The one set of line checks that orders, deliveries, invoices and contracts share."""

from decimal import Decimal

import pytest

from backoffice.core.exceptions import ValidationFailed
from backoffice.core.lines import line_amount, line_pick, line_price, line_quantity


def _fields(error: pytest.ExceptionInfo) -> dict:
    return error.value.extra["fields"]


def test_a_quantity_is_rounded_and_must_be_more_than_zero():
    assert line_quantity(1, "2.0004") == Decimal("2.000")
    for bad in ("0", "-1", None, ""):
        with pytest.raises(ValidationFailed) as error:
            line_quantity(3, bad)
        assert _fields(error) == {
            "lines": {"3": {"quantity": ["the quantity must be more than 0"]}}
        }
        assert str(error.value.message).startswith("Line 3: ")


def test_text_that_is_not_a_number_is_the_lines_error_not_a_crash():
    with pytest.raises(ValidationFailed) as error:
        line_quantity(2, "twelve")
    assert _fields(error) == {"lines": {"2": {"quantity": ["not a number"]}}}
    with pytest.raises(ValidationFailed) as error:
        line_price(4, "1,2x")
    assert _fields(error) == {"lines": {"4": {"unit_price": ["not a number"]}}}


def test_what_remains_caps_the_quantity():
    assert line_quantity(1, "5", at_most=Decimal("5")) == Decimal("5.000")
    for bad in ("5.001", "0"):
        with pytest.raises(ValidationFailed) as error:
            line_quantity(1, bad, at_most=Decimal("5.000"))
        assert _fields(error) == {"lines": {"1": {"quantity": ["between 0 and 5"]}}}


def test_a_price_is_never_negative_and_zero_only_where_allowed():
    assert line_price(1, "0") == Decimal("0")
    assert line_price(1, Decimal("9.1234567")) == Decimal("9.123457")
    with pytest.raises(ValidationFailed) as error:
        line_price(1, "-1")
    assert _fields(error) == {"lines": {"1": {"unit_price": ["the price cannot be negative"]}}}
    with pytest.raises(ValidationFailed) as error:
        line_price(2, "0", zero_allowed=False, message="gifts only")
    assert _fields(error) == {"lines": {"2": {"unit_price": ["gifts only"]}}}


def test_an_amount_must_be_more_than_zero():
    assert line_amount(1, "10.005") == Decimal("10.01")
    with pytest.raises(ValidationFailed) as error:
        line_amount(1, None)
    assert _fields(error) == {"lines": {"1": {"amount": ["the amount must be more than 0"]}}}


def test_a_row_refers_to_a_known_line_once():
    lines = {7: "seven", 8: "eight"}
    seen: set[int] = set()
    assert line_pick(1, lines, 7, seen=seen) == "seven"
    for index, value in ((2, 7), (3, 9)):
        with pytest.raises(ValidationFailed) as error:
            line_pick(index, lines, value, seen=seen)
        assert list(_fields(error)["lines"][str(index)]) == ["order_line"]
    with pytest.raises(ValidationFailed) as error:
        line_pick(1, lines, 9, message="not a line of this invoice")
    assert _fields(error) == {"lines": {"1": {"order_line": ["not a line of this invoice"]}}}
