"""Reading .xlsx and .csv uploads as rows of text (STYLE §6: cells are read as text, so no
float ever reaches money code). One reader for every import."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from backoffice.core.exceptions import ValidationFailed

MAX_ROWS = 20000


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # openpyxl gives numbers typed into Excel as floats; repr() round-trips them exactly
        # as typed (2.5, not 2.4999…), and Decimal takes it from there.
        text = str(Decimal(repr(value)))
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()


def read_table(content: bytes, *, filename: str) -> list[dict[str, str]]:
    """The rows under the first line (the header), as {header: text}. Empty rows are dropped."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ValidationFailed(_("This is not a readable .xlsx file.")) from exc
        rows = [[cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationFailed(_("The .csv file is neither UTF-8 nor GB18030 encoded."))
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise ValidationFailed(_("Upload an .xlsx or a .csv file."))
    if not rows:
        raise ValidationFailed(_("The file is empty."))
    header = [h.strip() for h in rows[0]]
    body = [row for row in rows[1:] if any(cell for cell in row)]
    if len(body) > MAX_ROWS:
        raise ValidationFailed(_("At most %d rows can be imported at once.") % MAX_ROWS)
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in body]
