# ruff: noqa: S608 - SQL here is built from table and column names of our own; values are
# always parameters.
"""Reading the files: which are there, their header rows, the small files' records (checked
in Python by the steps), and the two big files staged into tables of text (COPY on
PostgreSQL) for the set-based checks. Files are streamed, never loaded whole, through
core.tabular's reader; only the COPY takes a .csv's bytes as they are."""

import csv
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from backoffice.core.imports import file_digest, files_digest, import_heartbeat
from backoffice.core.inputs import date_in_window, date_window
from backoffice.core.tabular import (
    FORMATS,
    Limits,
    TableUnreadable,
    table_format,
    table_rows,
)
from backoffice.sales.history.context import DATE_RE, FILES, Run
from backoffice.sales.history.sql import analyze, execute

CHUNK = 1 << 20
BATCH = 5000  # rows per INSERT where there is no COPY


def sources_in(directory: Path) -> dict[str, Path]:
    """The import files found in a directory: <name>.csv or <name>.xlsx for each name."""
    found = {}
    for path in sorted(directory.iterdir()):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if stem in FILES and suffix in FORMATS and path.is_file():
            found[stem] = path
    return found


def sources_digest(sources: dict[str, Path]) -> tuple[str, int]:
    """The sha256 of a set of import files (core.imports.files_digest) and their size."""
    hashes, size = {}, 0
    for path in sources.values():
        with Path(path).open("rb") as handle:
            hashes[Path(path).name.lower()], part = file_digest(handle)
        size += part
    return files_digest(hashes), size


def parse_decimal(text: str, pattern: str) -> Decimal | None:
    if not re.match(pattern, text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def parse_date(text: str) -> date | None:
    if not re.match(DATE_RE, text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if date_in_window(day) else None


def date_problem() -> str:
    """What a bad date of a file is told with (its `%(value)s` filled in later)."""
    first, last = date_window()
    return _("“%(value)s” is not a date like 2024-01-31 from %(first)s to %(last)s.") % {
        "value": "%(value)s",
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def open_source(run: Run, name: str) -> IO[bytes]:
    return Path(run.sources[name]).open("rb")


def header(run: Run, name: str, names: list[str]) -> dict[str, int] | None:
    """field → column index, or None (with problems) when a required column is missing."""
    required, optional = FILES[name]
    names = [n.strip().lower() for n in names]
    index = {}
    for field in required + optional:
        if field in names:
            index[field] = names.index(field)
        elif field in required:
            run.problem(name, 1, field, _("The column “%s” is missing.") % field)
    return None if len(index) < len(required) else index


def history_limits() -> Limits:
    """A company's orders: more rows than an upload read in a request (core.tabular)."""
    rows = settings.HISTORY_IMPORT_MAX_ROWS + 1
    return Limits.default(
        rows=rows,
        cells=rows * settings.IMPORT_MAX_COLUMNS,
        unpacked_bytes=settings.HISTORY_IMPORT_MAX_UNPACKED_BYTES,
    )


def rows(run: Run, name: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of the rows, the header first as line 1. Streamed."""
    with open_source(run, name) as handle:
        try:
            yield from table_rows(handle, filename=run.filename(name), limits=history_limits())
        except TableUnreadable as exc:
            run.problem(name, exc.line, "", exc.message)


def records(run: Run, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {field: text}) for a small file checked in Python."""
    index = None
    for line, cells in rows(run, name):
        if index is None:
            index = header(run, name, cells)
            if index is None:
                return
            continue
        yield line, {f: (cells[i] if i < len(cells) else "").strip() for f, i in index.items()}


def stage(run: Run, name: str, share: tuple[float, float]) -> bool:
    """The file into a work table of text columns, then its statistics (without them the
    planner sorts a million rows to join them)."""
    staged = (
        _copy_csv(run, name, share)
        if run.postgres and table_format(run.filename(name)) == "csv"
        else _insert_rows(run, name)
    )
    if staged:
        analyze(run, run.staged[name])
    return staged


def _copy_csv(run: Run, name: str, share: tuple[float, float]) -> bool:
    """PostgreSQL and a .csv: the header read here, the rest COPYed as it is."""
    with open_source(run, name) as handle:
        first = handle.readline()
        try:
            names = next(csv.reader([first.decode("utf-8-sig")]))
        except (UnicodeDecodeError, StopIteration):
            run.problem(name, 1, "", _("The first line must be the header row."))
            return False
        index = header(run, name, names)
        if index is None:
            return False
        create_stage(run, name, len(names), index, numbered=False)
        return copy(run, name, handle, len(names), share)


def _insert_rows(run: Run, name: str) -> bool:
    """SQLite, or an .xlsx: the rows read by core.tabular, INSERTed in batches."""
    table = run.staged[name]
    found = rows(run, name)
    first = next(found, None)
    if first is None:
        run.problem(name, 1, "", _("The file is empty."))
        return False
    index = header(run, name, first[1])
    if index is None:
        return False
    width = len(first[1])
    create_stage(run, name, width, index, numbered=True)
    cells = ", ".join(f"c{i}" for i in range(width))
    marks = ", ".join(["%s"] * (width + 1))
    sql = f"INSERT INTO {table} (line, {cells}) VALUES ({marks})"
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for line, row in found:
            batch.append([line, *(row + [""] * width)[:width]])
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
                import_heartbeat(run.record)
        if batch:
            cursor.executemany(sql, batch)
    return True


def create_stage(run: Run, name: str, width: int, index: dict[str, int], *, numbered: bool) -> None:
    """A table of text columns c0, c1…; `numbered`: with the file's line of each row.
    A file COPYed in has none: its rows lie in the table in the file's order, which
    their ctid gives (numbering a million rows as they come costs a third of the COPY);
    the few lines a problem names are counted out then (sql.line_numbers)."""
    table = run.staged[name]
    run.columns[name] = {field: f"c{i}" for field, i in index.items()}
    run.order_keys[name] = "line" if numbered else "ctid"
    cells = ", ".join(f"c{i} text" for i in range(width))
    line = "line bigint, " if numbered else ""
    execute(f"DROP TABLE IF EXISTS {table}")
    execute(f"CREATE {run.staging} TABLE {table} ({line}{cells})")


def copy(run: Run, name: str, handle: IO[bytes], width: int, share: tuple[float, float]) -> bool:
    """The rest of the file COPYed into its work table; a line PostgreSQL cannot read is
    reported as a problem, with its line number."""
    cells = ", ".join(f"c{i}" for i in range(width))
    size = max(1, Path(run.sources[name]).stat().st_size)
    done = 0
    try:
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(  # psycopg's own cursor: COPY FROM STDIN
                f"COPY {run.staged[name]} ({cells}) FROM STDIN WITH (FORMAT csv, "
                f"FORCE_NOT_NULL ({cells}), ENCODING 'UTF8')"
            ) as copy,
        ):
            while chunk := handle.read(CHUNK):
                copy.write(chunk)
                done += len(chunk)
                run.progress(share[0] + (share[1] - share[0]) * done / size, name)
    except Exception as exc:  # psycopg's errors, not wrapped by Django here
        cause = exc.__cause__ or exc
        diag = getattr(cause, "diag", None)
        if diag is None and not isinstance(exc, DatabaseError):
            raise
        context = getattr(diag, "context", "") or ""
        found = re.search(r"line (\d+)", context)
        line = int(found.group(1)) + 1 if found else 0
        detail = getattr(diag, "message_primary", None) or str(cause)
        run.problem(name, line, "", _("This line cannot be read: %(error)s") % {"error": detail})
        return False
    return True
