"""What the system accepts as input, decided once for every form, serializer and filter.

- Numbers are ASCII decimal text: `12`, `-3`, `1.50`. Full-width `１２`, Arabic-Indic `٣`,
  `1_000`, ` 1 `, `1e2`, `NaN` and `Infinity` are refused, in the API, in the staff UI's forms
  and in the lists' filters, for ids as for amounts (Python's `int()` and `Decimal()` accept all
  of them). An integer beyond a 64-bit id is refused too: no column could hold it.
- Dates fall in a window: from the company's start (`COMPANY_START_DATE`) to the end of next
  year, or, for the few dates that look ahead (a licence's `valid_to`, an `expires_on`), to
  `DATE_HORIZON_YEARS` years ahead. A receipt dated 0001-01-01 or 9999-12-31 is refused with
  the field named.
- JSON bodies nested deeper than `JSON_MAX_DEPTH` are refused before they are parsed (the
  parser recurses: 10,000 levels were a RecursionError, a 500).

`install_input_rules()` is called once from CoreConfig.ready(): Django's and DRF's number and
date fields keep their behaviour and gain these checks, so that a serializer, form or filter
written tomorrow obeys them without knowing about them.
"""

import io
import re
from datetime import date
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.parsers import JSONParser, ParseError

from backoffice.core.filters import MAX_ID

# [0-9], never \d: \d matches every script's digits.
ASCII_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
ASCII_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

# Dates that name a future limit rather than a day something happened (also as part of a
# form's per-line names, like `expiry_12`).
LOOK_AHEAD_DATES = re.compile(r"valid_to|valid_until|expires|expiry|due_on")


def is_ascii_number(text: str, *, integer: bool = False) -> bool:
    return bool((ASCII_INTEGER if integer else ASCII_DECIMAL).fullmatch(text))


# --- Dates ------------------------------------------------------------------------------------


def date_window(field: str | None = None) -> tuple[date, date]:
    """The first and last day an input date may name (for `field`, when it looks ahead)."""
    first = date.fromisoformat(settings.COMPANY_START_DATE)
    years = settings.DATE_HORIZON_YEARS if LOOK_AHEAD_DATES.search(field or "") else 1
    return first, date(timezone.localdate().year + years, 12, 31)


def date_in_window(value: date, field: str | None = None) -> bool:
    first, last = date_window(field)
    return first <= value <= last


def date_window_message(field: str | None = None) -> str:
    first, last = date_window(field)
    return _("a date from %(first)s to %(last)s") % {
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def date_window_check(value: Any, field: str | None = None) -> None:
    """Django's ValidationError when `value` (a date, or None) is outside the window."""
    if isinstance(value, date) and not date_in_window(value, field):
        raise ValidationError(date_window_message(field), code="date_out_of_range")


# --- JSON ---------------------------------------------------------------------------------------

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_DEPTH = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _DEPTH)


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects, counted without parsing it (brackets
    inside strings do not count)."""
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    if len(brackets) < 2:
        return len(brackets)
    return max(accumulate(_DEPTH[b] for b in brackets))


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than JSON_MAX_DEPTH with a 400."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        body = stream.read() if stream is not None else b""
        limit = settings.JSON_MAX_DEPTH
        if json_depth(body) > limit:
            raise ParseError(_("The JSON body is nested deeper than %d levels.") % limit)
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:  # pragma: no cover - the depth check comes first
            raise ParseError(_("The JSON body is nested too deeply.")) from None


# --- The rules, installed into Django's and DRF's fields ----------------------------------------


def _drf_integer(original: Any) -> Any:
    def to_internal_value(self: Any, data: Any) -> Any:
        short = isinstance(data, str) and len(data) <= self.MAX_STRING_LENGTH
        if short and not is_ascii_number(data, integer=True):
            self.fail("invalid")
        value = original(self, data)
        if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            self.fail("invalid")
        return value

    to_internal_value.wrapped = original  # type: ignore[attr-defined]
    return to_internal_value


def _drf_decimal(original: Any) -> Any:
    def to_internal_value(self: Any, data: Any) -> Any:
        short = isinstance(data, str) and len(data) <= self.MAX_STRING_LENGTH
        if short and not is_ascii_number(data):
            self.fail("invalid")
        return original(self, data)

    to_internal_value.wrapped = original  # type: ignore[attr-defined]
    return to_internal_value


def _drf_date(original: Any) -> Any:
    def to_internal_value(self: Any, value: Any) -> Any:
        parsed = original(self, value)
        if isinstance(parsed, date) and not date_in_window(parsed, self.field_name):
            from rest_framework.exceptions import ValidationError as DrfValidationError

            raise DrfValidationError(date_window_message(self.field_name), code="date")
        return parsed

    to_internal_value.wrapped = original  # type: ignore[attr-defined]
    return to_internal_value


def _form_number(original: Any, *, integer: bool) -> Any:
    def to_python(self: Any, value: Any) -> Any:
        text = isinstance(value, str) and value not in self.empty_values
        if text and not is_ascii_number(value, integer=integer):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        result = original(self, value)
        if integer and isinstance(result, int) and not -MAX_ID <= result <= MAX_ID:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result

    to_python.wrapped = original  # type: ignore[attr-defined]
    return to_python


def _form_date(original: Any) -> Any:
    def clean_bound_field(self: Any, bound_field: Any) -> Any:
        value = original(self, bound_field)
        date_window_check(value, bound_field.name)
        return value

    clean_bound_field.wrapped = original  # type: ignore[attr-defined]
    return clean_bound_field


def install_input_rules() -> None:
    """Called once from CoreConfig.ready()."""
    from django import forms
    from rest_framework import fields

    patches = [
        (fields.IntegerField, "to_internal_value", _drf_integer),
        (fields.DecimalField, "to_internal_value", _drf_decimal),
        (fields.DateField, "to_internal_value", _drf_date),
        (forms.IntegerField, "to_python", lambda f: _form_number(f, integer=True)),
        (forms.DecimalField, "to_python", lambda f: _form_number(f, integer=False)),
        (forms.DateField, "_clean_bound_field", _form_date),
    ]
    for cls, name, wrap in patches:
        current = cls.__dict__.get(name) or getattr(cls, name)
        if not hasattr(current, "wrapped"):
            setattr(cls, name, wrap(current))
