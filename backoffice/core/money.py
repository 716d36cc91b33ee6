"""All precision and rounding of money and quantities (STYLE §6).

Money is Decimal from input to output. Prices include VAT (含税价). One rounding rule,
ROUND_HALF_UP (四舍五入), applied only here; round per line, then add the rounded lines.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

AMOUNT = Decimal("0.01")
UNIT_PRICE = Decimal("0.000001")
RATE = Decimal("0.0001")
QUANTITY = Decimal("0.001")
PERCENT = Decimal("0.1")
ZERO = Decimal("0")
# Amounts have two places: "at least half a cent" is exact on PostgreSQL and immune to
# SQLite comparing decimals in floating point.
HALF_CENT = Decimal("0.005")


class FloatRefused(TypeError):
    """A float reached money code; floats cannot represent cents exactly."""


def to_decimal(value: object) -> Decimal:
    """Decimal from a Decimal, int or numeric string. Floats and booleans are refused."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, float):
        raise FloatRefused(f"float {value!r} refused: pass a Decimal or a string")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text.isascii() or "_" in text:  # Decimal() reads "１２", "٣" and "1_000"
            raise ValueError(f"{value!r} is not a number")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"{value!r} is not a number") from exc
    else:
        raise TypeError(f"{type(value).__name__} is not an amount")
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


_SQLITE_REAL = Context(prec=15)


def sum_read(value: object) -> Decimal | None:
    """A sum as a raw query returns it: PostgreSQL's numeric is a Decimal already; SQLite
    sums decimals as REAL, read here as Django reads one (to 15 significant digits), for
    the caller to round."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return _SQLITE_REAL.create_decimal_from_float(value)
    return to_decimal(value)


def _quantize(value: object, step: Decimal) -> Decimal:
    return to_decimal(value).quantize(step, rounding=ROUND_HALF_UP)


# The size of each kind of column (max_digits, decimal_places): the field builders below use
# these, and `check_bound` refuses a value that would not fit (PostgreSQL would refuse it with
# "numeric field overflow", a server error; SQLite would store it).
DIGITS = {"amount": (16, 2), "price": (18, 6), "rate": (6, 4), "quantity": (16, 3)}


def max_value(kind: str) -> Decimal:
    """The largest value a column of `kind` holds: 99999999999999.99 for an amount."""
    digits, places = DIGITS[kind]
    return Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places)


def bound_message(kind: str) -> str:
    from django.utils.translation import gettext

    return gettext("at most %s") % format_number(max_value(kind), kind)


def check_bound(value: Decimal, kind: str, *, field: str) -> Decimal:
    """`value` when it fits a column of `kind`; else a 400 naming `field`."""
    from backoffice.core.exceptions import ValidationFailed

    if abs(value) > max_value(kind):
        message = bound_message(kind)
        raise ValidationFailed(f"{field}: {message}", extra={"fields": {field: [message]}})
    return value


def round_amount(value: object) -> Decimal:
    return _quantize(value, AMOUNT)


def positive_amount(value: object, *, field: str = "amount") -> Decimal:
    """An amount typed or sent: a number, more than zero, that fits its column; else a 400
    naming `field`."""
    from django.utils.translation import gettext

    from backoffice.core.exceptions import ValidationFailed

    try:
        amount = round_amount(to_decimal(value))
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationFailed(extra={"fields": {field: [gettext("a number")]}}) from None
    if amount <= 0:
        raise ValidationFailed(extra={"fields": {field: [gettext("must be more than zero")]}})
    return check_bound(amount, "amount", field=field)


def round_price(value: object) -> Decimal:
    return _quantize(value, UNIT_PRICE)


def round_rate(value: object) -> Decimal:
    return _quantize(value, RATE)


def round_quantity(value: object) -> Decimal:
    return _quantize(value, QUANTITY)


@dataclass(frozen=True)
class LineAmounts:
    gross_amount: Decimal  # including VAT
    net_amount: Decimal
    tax_amount: Decimal


def line_amounts(*, quantity: object, unit_price: object, vat_rate: object) -> LineAmounts:
    """gross = round(qty × price incl. VAT); net = round(gross / (1 + rate)); tax = gross − net."""
    gross = check_bound(
        round_amount(to_decimal(quantity) * to_decimal(unit_price)), "amount", field="gross_amount"
    )
    net = round_amount(gross / (1 + to_decimal(vat_rate)))
    return LineAmounts(gross_amount=gross, net_amount=net, tax_amount=gross - net)


def sum_amounts(values: object) -> Decimal:
    """Adds amounts that are already rounded; refuses an unrounded one."""
    total = ZERO
    for value in values:  # type: ignore[attr-defined]
        amount = to_decimal(value)
        if amount != amount.quantize(AMOUNT):
            raise ValueError(f"{amount} is not rounded to cents; round each line first")
        total += amount
    return total.quantize(AMOUNT)


# A database's exact sum of numeric values by plain addition (PostgreSQL; core migration
# 0008). It gives what SUM gives, NULL over no rows included, but keeps no state beyond the
# running total: over many small groups (a million lines into 200,000 orders' sums) it costs
# two thirds of SUM's time, which builds an accumulator of about a kilobyte for each group.
EXACT_SUM_SQL = (
    "CREATE OR REPLACE AGGREGATE exact_sum(numeric) (SFUNC = numeric_add, STYPE = numeric, "
    "COMBINEFUNC = numeric_add, PARALLEL = SAFE)"
)
EXACT_SUM_SIGNATURE = "exact_sum(numeric)"


def exact_sum_create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXACT_SUM_SQL, params=None)


def exact_sum_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP AGGREGATE IF EXISTS {EXACT_SUM_SIGNATURE}", params=None)


def sql_sum(expression: str, vendor: str) -> str:
    """SQL summing a numeric `expression` exactly: exact_sum on PostgreSQL, else SUM. For
    decimals only (an integer's sum would come back numeric), and not over a moving window
    (exact_sum has no inverse step: each frame would be summed anew)."""
    return f"exact_sum({expression})" if vendor == "postgresql" else f"SUM({expression})"


def round_percent(value: object) -> Decimal:
    """A share in per cent, to one decimal (四舍五入 like every other rounding)."""
    return _quantize(value, PERCENT)


def amount_field(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    digits, places = DIGITS["amount"]
    return models.DecimalField(verbose_name, max_digits=digits, decimal_places=places, **kwargs)


def price_field(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    digits, places = DIGITS["price"]
    return models.DecimalField(verbose_name, max_digits=digits, decimal_places=places, **kwargs)


def rate_field(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    digits, places = DIGITS["rate"]
    return models.DecimalField(verbose_name, max_digits=digits, decimal_places=places, **kwargs)


def quantity_field(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    digits, places = DIGITS["quantity"]
    return models.DecimalField(verbose_name, max_digits=digits, decimal_places=places, **kwargs)


CURRENCY_LABEL = _("CNY")


# --- How numbers are shown (never how they are stored) -------------------------------------
# Stored precision is for arithmetic: prices keep six decimals, quantities three. People read
# prices with two decimals (up to four when the price has them), quantities without trailing
# zeros, rates as per cent. The admin (lists and read-only fields), the templates (the
# `money` filters) and the Excel exports all ask here.

DISPLAY_PRICE_MAX = 4


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def display_places(value: object, kind: str) -> tuple[Decimal, int]:
    """The value rounded for display and its number of decimals, for a kind of number:
    "amount", "price", "quantity" or "rate" (a rate is shown as per cent)."""
    number = to_decimal(value)
    if kind == "price":
        number = _quantize(number, Decimal(1).scaleb(-DISPLAY_PRICE_MAX))
        return number, min(DISPLAY_PRICE_MAX, max(2, _places(number)))
    if kind == "quantity":
        number = round_quantity(number)
        return number, _places(number)
    if kind == "rate":
        number = _quantize(number * 100, RATE)
        return number, _places(number)
    return round_amount(number), 2


def format_number(value: object, kind: str = "amount", *, grouping: bool = False) -> str:
    """A number as a person reads it: format_number(Decimal("54.400000"), "price") → "54.40",
    format_number(Decimal("12.000"), "quantity") → "12", format_number("0.13", "rate") →
    "13%". Empty for None."""
    from django.utils import formats

    if value is None or value == "":
        return ""
    number, places = display_places(value, kind)
    text = formats.number_format(number, places, force_grouping=grouping)
    return f"{text}%" if kind == "rate" else text


def number_kind(field: object) -> str:
    """Which kind of number a model field holds (the builders above fix their decimals)."""
    return {6: "price", 4: "rate", 3: "quantity"}.get(getattr(field, "decimal_places", 2), "amount")


EXCEL_FORMATS = {"amount": "#,##0.00", "price": "#,##0.00##", "quantity": "General", "rate": "0%"}


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


def rmb_upper(value: object) -> str:
    """An amount in Chinese capital numerals, as printed on vouchers: 1234.50 →
    壹仟贰佰叁拾肆元伍角整."""
    amount = round_amount(value)
    if amount < 0:
        return "负" + rmb_upper(-amount)
    yuan, cents = divmod(int(amount * 100), 100)
    if yuan == 0 and cents == 0:
        return "零元整"
    words = ""
    if yuan:
        digits = str(yuan)
        zero = False
        for index, char in enumerate(digits):
            digit, position = int(char), len(digits) - 1 - index
            if digit == 0:
                zero = True
            else:
                words += ("零" if zero else "") + _DIGITS[digit] + _UNITS[position % 4]
                zero = False
            if position % 4 == 0 and position and int(digits[max(0, index - 3) : index + 1]):
                words += _SECTIONS[position // 4]
        words += "元"
    jiao, fen = divmod(cents, 10)
    if not cents:
        return words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    else:
        words += "整"
    return words
