"""Reading .xlsx and .csv uploads as rows of text (STYLE §6: cells are read as text, so no
float ever reaches money code). One reader for every import: `read_table` for a file small
enough to hold (the customer import), `table_rows` streaming one too big to (the historical
import), both on `table_format`, which tells the two formats apart."""

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from backoffice.core.exceptions import ValidationFailed

MAX_ROWS = 20000
FORMATS = (".csv", ".xlsx")


class TableUnreadable(ValidationFailed):
    """The file cannot be read on from `line` (the line it stopped at, 1 for the first)."""

    code = "table_unreadable"

    def __init__(self, message: object, *, line: int) -> None:
        super().__init__(message, extra={"line": line})
        self.line = line


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


def table_format(filename: str) -> str:
    """ "xlsx" or "csv", by the file's name; anything else is refused."""
    name = filename.lower()
    for suffix in FORMATS:
        if name.endswith(suffix):
            return suffix[1:]
    raise ValidationFailed(_("Upload an .xlsx or a .csv file."))


def table_rows(
    handle: IO[bytes], *, filename: str, encoding: str = "utf-8-sig"
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each row that is not empty, the header first, streamed: memory
    stays bounded whatever the file's size. Raises TableUnreadable where reading stops."""
    if table_format(filename) == "xlsx":
        try:
            sheet = load_workbook(handle, read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise TableUnreadable(_("This is not a readable .xlsx file."), line=1) from exc
        for line, row in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = [cell_text(c) for c in row]
            if any(cells):
                yield line, cells
        return
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    line = 0
    try:
        for line, cells in enumerate(csv.reader(text), 1):
            if any(cells):
                yield line, cells
    except UnicodeDecodeError as exc:
        raise TableUnreadable(_("The file is not UTF-8 encoded."), line=line + 1) from exc
    finally:
        text.detach()  # the caller's handle stays theirs to close


def read_table(content: bytes, *, filename: str) -> list[dict[str, str]]:
    """The rows under the first line (the header), as {header: text}. Empty rows are dropped."""
    encoding = "utf-8-sig"
    if table_format(filename) == "csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationFailed(_("The .csv file is neither UTF-8 nor GB18030 encoded."))
    rows = [
        [cell.strip() for cell in cells]
        for _line, cells in table_rows(io.BytesIO(content), filename=filename, encoding=encoding)
    ]
    if not rows:
        raise ValidationFailed(_("The file is empty."))
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise ValidationFailed(_("At most %d rows can be imported at once.") % MAX_ROWS)
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in body]
