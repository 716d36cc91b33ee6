"""Excel export of any list: a header row of field labels, then one row per record."""

import io
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from backoffice.core.money import EXCEL_FORMATS, number_kind

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is exported as plain text (OWASP CSV
    injection): a leading apostrophe makes Excel and LibreOffice show it verbatim."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_value(obj: models.Model, name: str) -> Any:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        value = getattr(obj, name, "")
        value = value() if callable(value) else value
    else:
        if field.choices:
            value = getattr(obj, f"get_{name}_display")()
        elif field.many_to_many:
            value = ", ".join(str(o) for o in getattr(obj, name).all())
        else:
            value = getattr(obj, name)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool | int | Decimal) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _number_formats(model: type[models.Model], fields: list[str]) -> dict[str, str]:
    """Decimal columns show as people read them (core.money): 54.40, 12, 13%."""
    formats = {}
    for name in fields:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.DecimalField):
            formats[name] = EXCEL_FORMATS[number_kind(field)]
    return formats


def _write_sheet(sheet: Any, queryset: QuerySet, fields: list[str]) -> None:
    header = []
    for name in fields:
        cell = WriteOnlyCell(sheet, value=_label(queryset.model, name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = _number_formats(queryset.model, fields)
    for obj in queryset.iterator(chunk_size=2000):
        row = []
        for name in fields:
            value = neutralise(_cell_value(obj, name))
            if name in formats and isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[name]  # the number stays exact; shown as read
                value = cell
            row.append(value)
        sheet.append(row)


def querysets_to_xlsx(sheets: list[tuple[str, QuerySet, list[str]]]) -> bytes:
    """One sheet per (title, queryset, fields), each streamed (write-only workbook)."""
    workbook = Workbook(write_only=True)
    for title, queryset, fields in sheets:
        _write_sheet(workbook.create_sheet(title=title[:31] or None), queryset, fields)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def queryset_to_xlsx(queryset: QuerySet, *, fields: list[str]) -> bytes:
    return querysets_to_xlsx([("", queryset, fields)])


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = quote(f"{filename}-{stamp}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def queryset_to_xlsx_response(queryset: QuerySet, *, fields: list[str], filename: str):
    return xlsx_response(queryset_to_xlsx(queryset, fields=fields), filename=filename)
