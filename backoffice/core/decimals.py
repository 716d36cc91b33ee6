"""Decimals read and written fast, with the same values (STYLE §6: money is Decimal throughout).

Two library paths build a decimal context for every value they convert, which costs more
than the conversion itself: a list of 50 orders reads and writes about 1,600 amounts and
quantities, and these two paths were half of its time. Both keep their results exactly:

- DRF's DecimalField.quantize copies the thread's context and computes the quantum
  (`Decimal(".1") ** places`) for every value it writes. Here the context and quantum are
  made once per (digits, places, rounding).
- Django's SQLite backend reads a REAL through `decimal.Context(prec=15)`, made anew per
  value. Here one context, which `create_decimal_from_float` only reads.

`install_fast_decimals()` is called once from CoreConfig.ready().
"""

import decimal
from typing import Any

_PREC_15 = decimal.Context(prec=15)
_QUANTIZERS: dict[tuple, tuple[decimal.Decimal, decimal.Context]] = {}


def _drf_quantize(self: Any, value: decimal.Decimal) -> decimal.Decimal:
    if self.decimal_places is None:
        return value
    key = (self.max_digits, self.decimal_places, self.rounding)
    quantizer = _QUANTIZERS.get(key)
    if quantizer is None:
        context = decimal.getcontext().copy()
        if self.max_digits is not None:
            context.prec = self.max_digits
        if self.rounding is not None:
            context.rounding = self.rounding
        context.clear_flags()
        quantizer = _QUANTIZERS[key] = (decimal.Decimal(1).scaleb(-self.decimal_places), context)
    quantum, context = quantizer
    return value.quantize(quantum, context=context)


def _sqlite_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, (int, str)):
        return decimal.Decimal(value)
    return _PREC_15.create_decimal_from_float(value)


def install_fast_decimals() -> None:
    # Through the backend's `base`, which imports its `operations` (and `operations` imports
    # `base`): imported first, `operations` is a circular import wherever SQLite's backend
    # was not loaded before, as on PostgreSQL.
    from django.db.backends.sqlite3.base import DatabaseOperations
    from rest_framework.fields import DecimalField

    DecimalField.quantize = _drf_quantize
    DatabaseOperations._create_decimal = staticmethod(_sqlite_decimal)
