"""The filter types of every list API's FilterSet (django-filter), so that each kind of query
parameter refuses a bad value the same way: an ISO date, an integer id, a strict boolean.

A FilterSet lives in its app's `filters.py`; the list view names it (`filterset_class`) and
applies it with `core.api.filtered`, which turns a bad value into a 400 naming the parameter;
`core.schema.AutoSchema` documents its parameters from the same class.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

# The dates a parameter may name: the years the tables are partitioned for (core.partitions),
# so that a year before or after (a report's comparisons, an aging's buckets) stays a date.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(9998, 12, 31)


class IsoDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]  # not the locale's formats: an API date is ISO 8601
    default_error_messages = {
        "invalid": _("a date as YYYY-MM-DD"),
        "range": _("a date from 1900-01-01 to 9998-12-31"),
    }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(self.error_messages["range"], code="range")


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class StrictBooleanField(forms.Field):
    """`true` or `false`; anything else is refused, not read as "no filter"."""

    default_error_messages = {"invalid": _("true or false")}

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        text = str(value).lower()
        if text not in {"true", "false"}:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text == "true"


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


# The largest id a record can have (a 64-bit BigAutoField): a larger number is no id at all,
# and the database driver would fail on it ("Python int too large to convert").
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """A record's id: a whole number from 1 to MAX_ID."""

    default_error_messages = {"invalid": _("a record id (a whole number)")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def is_ascii_digits(value: str) -> bool:
    """Digits 0-9 only (str.isdigit() also takes "１２" and "٣", which int() reads)."""
    return value.isascii() and value.isdigit()


class IdOrCodeField(forms.CharField):
    """A record's id (ASCII digits) or its code: digits beyond MAX_ID are no id, digits of
    another script (full-width, Arabic-Indic) or spaces around it are neither."""

    default_error_messages = {"invalid": _("a record id (a whole number) or a code")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not value:
            return
        other_digits = value.isdigit() and not value.isascii()
        if (
            (is_ascii_digits(value) and int(value) > MAX_ID)
            or other_digits
            or value != value.strip()
        ):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number (the field's model type would say "number")."""

    field_class = IdField


class VisibleIdFilter(IdFilter):
    """The rows of one record, found by `access(user, id)`: a record the caller may not see
    is a 404, as at its own URL, never an empty list that hides the mistake."""

    def __init__(self, *, access: Callable[[Any, Any], Any], **kwargs: Any) -> None:
        self.access = access
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in django_filters.filters.EMPTY_VALUES:
            return qs
        record = self.access(self.parent.request.user, value)
        return qs.filter(**{self.field_name: record})


class IdOrCodeFilter(django_filters.CharFilter):
    """A related record by its id (digits) or its code (anything else)."""

    field_class = IdOrCodeField

    def __init__(self, *, code_field: str = "code", **kwargs: Any) -> None:
        self.code_field = code_field
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in django_filters.filters.EMPTY_VALUES:
            return qs
        if is_ascii_digits(value):
            return qs.filter(**{f"{self.field_name}_id": value})
        return qs.filter(**{f"{self.field_name}__{self.code_field}": value})
