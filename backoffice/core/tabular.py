"""Reading .xlsx and .csv uploads as rows of text (STYLE §6: cells are read as text, so no
float ever reaches money code). One reader for every import: `read_table` for a file small
enough to hold (the customer import), `table_rows` streaming one too big to (the historical
import), both on `table_format`, which tells the two formats apart.

A spreadsheet is a zip that may unpack a thousand times larger than it is (issue 15 §8: 526 KB
declaring 1.5 million rows), so it is guarded twice: before a row is parsed (the members'
unpacked sizes, the sheet's declared dimension) and while streaming (rows, columns and cells
counted as they come, since the dimension may lie or be missing). The limits are settings."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from backoffice.core.exceptions import ValidationFailed

FORMATS = (".csv", ".xlsx")


class TableUnreadable(ValidationFailed):
    """The file cannot be read on from `line` (the line it stopped at, 1 for the first)."""

    code = "table_unreadable"

    def __init__(self, message: object, *, line: int) -> None:
        super().__init__(message, extra={"line": line})
        self.line = line


class TableTooLarge(TableUnreadable):
    """The file is over a limit of core.tabular: refused, whatever is in it."""

    code = "table_too_large"


@dataclass(frozen=True)
class Limits:
    """How much of a file one import reads: rows (the header included), columns, cells, and
    the bytes an .xlsx may unpack to."""

    rows: int
    columns: int
    cells: int
    unpacked_bytes: int

    @classmethod
    def default(cls, **overrides: int) -> "Limits":
        values = {
            "rows": settings.IMPORT_MAX_ROWS + 1,  # and the header
            "columns": settings.IMPORT_MAX_COLUMNS,
            "cells": settings.IMPORT_MAX_CELLS,
            "unpacked_bytes": settings.IMPORT_MAX_UNPACKED_BYTES,
        }
        return cls(**(values | overrides))


def _too_many_rows(limits: Limits, line: int) -> TableTooLarge:
    return TableTooLarge(
        _("The file has more than %(rows)d rows: split it into smaller files.")
        % {"rows": limits.rows - 1},
        line=line,
    )


def _check_zip(handle: IO[bytes], limits: Limits) -> None:
    """Before openpyxl parses anything: the members' declared unpacked sizes (a member that
    unpacks to more than it declares is stopped by zipfile itself)."""
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableUnreadable(_("This is not a readable .xlsx file."), line=1) from exc
    finally:
        handle.seek(0)
    if unpacked > limits.unpacked_bytes:
        raise TableTooLarge(
            _("The spreadsheet unpacks to %(size)d MB, more than the %(limit)d MB allowed.")
            % {"size": unpacked // 2**20, "limit": limits.unpacked_bytes // 2**20},
            line=1,
        )


def _check_dimension(sheet: object, limits: Limits) -> None:
    """The sheet's declared size (its <dimension>, read without parsing a row)."""
    declared = getattr(sheet, "_max_row", None), getattr(sheet, "_max_column", None)
    rows, columns = (n or 0 for n in declared)
    if rows > limits.rows:
        raise _too_many_rows(limits, line=1)
    if columns > limits.columns:
        raise TableTooLarge(
            _("The file has more than %(columns)d columns.") % {"columns": limits.columns},
            line=1,
        )
    if rows * columns > limits.cells:
        raise TableTooLarge(
            _("The file has more than %(cells)d cells: split it into smaller files.")
            % {"cells": limits.cells},
            line=1,
        )


def _xlsx_rows(handle: IO[bytes], limits: Limits) -> Iterator[tuple[int, list[str]]]:
    _check_zip(handle, limits)
    try:
        sheet = load_workbook(handle, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableUnreadable(_("This is not a readable .xlsx file."), line=1) from exc
    _check_dimension(sheet, limits)
    # Counted here as they come, not trusted: with the declared dimension forgotten, openpyxl
    # neither pads rows to it nor stops early at it (a dimension that lies would cut the file).
    sheet.reset_dimensions()
    cells_read = 0
    for line, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if line > limits.rows:
            raise _too_many_rows(limits, line=line)
        cells_read += len(row)
        if len(row) > limits.columns or cells_read > limits.cells:
            raise TableTooLarge(
                _("The file has more than %(columns)d columns or %(cells)d cells.")
                % {"columns": limits.columns, "cells": limits.cells},
                line=line,
            )
        cells = [cell_text(c) for c in row]
        if any(cells):
            yield line, cells


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
    handle: IO[bytes],
    *,
    filename: str,
    encoding: str = "utf-8-sig",
    limits: Limits | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each row that is not empty, the header first, streamed: memory
    stays bounded whatever the file's size. Raises TableUnreadable where reading stops,
    TableTooLarge at the first limit passed (Limits.default() unless given)."""
    limits = limits or Limits.default()
    if table_format(filename) == "xlsx":
        yield from _xlsx_rows(handle, limits)
        return
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    line = 0
    cells_read = 0
    try:
        for line, cells in enumerate(csv.reader(text), 1):
            if line > limits.rows:
                raise _too_many_rows(limits, line=line)
            cells_read += len(cells)
            if len(cells) > limits.columns or cells_read > limits.cells:
                raise TableTooLarge(
                    _("The file has more than %(columns)d columns or %(cells)d cells.")
                    % {"columns": limits.columns, "cells": limits.cells},
                    line=line,
                )
            if any(cells):
                yield line, cells
    except UnicodeDecodeError as exc:
        raise TableUnreadable(_("The file is not UTF-8 encoded."), line=line + 1) from exc
    except csv.Error as exc:  # a field over csv's own limit, a NUL…
        raise TableUnreadable(_("This line cannot be read."), line=line + 1) from exc
    finally:
        text.detach()  # the caller's handle stays theirs to close


class Table(list):
    """read_table's rows, with the line of the file each was read from (`lines`): an empty
    row is dropped, so a row's place in the list is not its line."""

    def __init__(self, rows: list[dict[str, str]], lines: list[int]) -> None:
        super().__init__(rows)
        self.lines = lines


def numbered(rows: list[dict[str, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line of the file, row) of read_table's rows, as a problem is reported to the user;
    rows built in memory (a list) count from 2, under their header."""
    lines = getattr(rows, "lines", None) or range(2, len(rows) + 2)
    return zip(lines, rows, strict=True)


def read_table(content: bytes, *, filename: str) -> Table:
    """The rows under the first line (the header), as {header: text}, with their lines
    (`numbered`). Empty rows are dropped."""
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
    read = list(table_rows(io.BytesIO(content), filename=filename, encoding=encoding))
    if not read:
        raise ValidationFailed(_("The file is empty."))
    header = [h.strip() for h in read[0][1]]
    rows = []
    for _line, cells in read[1:]:
        row = [cell.strip() for cell in cells]
        rows.append(dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)))
    return Table(rows, [line for line, _cells in read[1:]])
