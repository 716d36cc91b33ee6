"""core.tabular refuses spreadsheet bombs before parsing their rows, and stops at its limits
while streaming whatever the file declares (issue 15 §8). Each bomb is built small on disk."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet import _reader

from backoffice.core.tabular import (
    Limits,
    TableTooLarge,
    TableUnreadable,
    numbered,
    read_table,
    table_rows,
)

SHEET = "xl/worksheets/sheet1.xml"


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_sheet(content: bytes, rewrite) -> bytes:
    """The workbook with its sheet's XML rewritten (a bomb made from a good file)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == SHEET:
                data = rewrite(data.decode()).encode()
            target.writestr(item.filename, data)
    return out.getvalue()


def _declare(dimension: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml)


@pytest.fixture
def parsed_rows(monkeypatch):
    """How many rows openpyxl parsed from the sheet's XML."""
    seen = {"rows": 0}
    parse = _reader.WorkSheetParser.parse

    def counting(self):
        for item in parse(self):
            seen["rows"] += 1
            yield item

    monkeypatch.setattr(_reader.WorkSheetParser, "parse", counting)
    return seen


def _read(content: bytes, limits: Limits | None = None) -> list:
    return list(table_rows(io.BytesIO(content), filename="x.xlsx", limits=limits))


def test_a_declared_million_rows_is_refused_before_a_row_is_parsed(parsed_rows):
    bomb = _with_sheet(_xlsx([["name"], ["a"]]), _declare("A1:A1500000"))
    assert len(bomb) < 10_000
    with pytest.raises(TableTooLarge) as refused:
        _read(bomb)
    assert refused.value.line == 1
    assert parsed_rows["rows"] == 0


def test_a_declared_width_past_the_limit_is_refused_before_parsing(parsed_rows):
    bomb = _with_sheet(_xlsx([["name"], ["a"]]), _declare("A1:XFD2"))
    with pytest.raises(TableTooLarge):
        _read(bomb)
    assert parsed_rows["rows"] == 0


def test_empty_rows_under_a_lying_dimension_stop_at_the_row_limit(parsed_rows):
    """A dimension of one cell, then a last row a million rows down: openpyxl would yield a
    million empty rows between them; the reader stops counting at the limit."""
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    bomb = _with_sheet(
        _xlsx([["name"], ["a"]]),
        lambda xml: _declare("A1")(xml).replace("</sheetData>", far + "</sheetData>"),
    )
    limits = Limits(rows=101, columns=10, cells=10_000, unpacked_bytes=10**6)
    with pytest.raises(TableTooLarge) as refused:
        _read(bomb, limits)
    assert refused.value.line == 102
    assert parsed_rows["rows"] <= 3


def test_many_real_rows_stop_at_the_row_limit_while_streaming(parsed_rows):
    many = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>r{n}</t></is></c></row>'
        for n in range(3, 5003)
    )
    bomb = _with_sheet(
        _xlsx([["name"], ["a"]]),
        lambda xml: _declare("A1:A2")(xml).replace("</sheetData>", many + "</sheetData>"),
    )
    limits = Limits(rows=201, columns=10, cells=10_000, unpacked_bytes=10**7)
    with pytest.raises(TableTooLarge):
        _read(bomb, limits)
    assert parsed_rows["rows"] == limits.rows + 1  # the one over the limit, no more


def test_the_cell_limit_counts_cells_as_they_come():
    rows = [[f"c{i}" for i in range(10)] for _ in range(50)]
    limits = Limits(rows=1000, columns=20, cells=100, unpacked_bytes=10**7)
    with pytest.raises(TableTooLarge) as refused:  # declared as 500 cells: refused at once
        _read(_xlsx(rows), limits)
    assert refused.value.line == 1
    with pytest.raises(TableTooLarge) as refused:  # declared as 10: counted as they come
        _read(_with_sheet(_xlsx(rows), _declare("A1:J1")), limits)
    assert refused.value.line == 11


def test_a_member_that_unpacks_past_the_limit_is_refused_before_opening(parsed_rows):
    padding = " " * 2_000_000  # compresses to a few kilobytes

    def pad(xml: str) -> str:
        return xml.replace("<sheetData>", padding + "<sheetData>", 1)

    bomb = _with_sheet(_xlsx([["name"], ["a"]]), pad)
    assert len(bomb) < 50_000
    limits = Limits(rows=100, columns=10, cells=1000, unpacked_bytes=1_000_000)
    with pytest.raises(TableTooLarge):
        _read(bomb, limits)
    assert parsed_rows["rows"] == 0


def test_a_dimension_that_is_too_small_does_not_cut_the_file():
    content = _with_sheet(_xlsx([["name"], ["a"], ["b"], ["c"]]), _declare("A1"))
    assert [cells for _line, cells in _read(content)] == [["name"], ["a"], ["b"], ["c"]]


def test_a_csv_stops_at_the_row_limit_without_reading_the_rest():
    content = b"name\n" + b"x\n" * 100_000
    limits = Limits(rows=11, columns=10, cells=1000, unpacked_bytes=10**6)
    with pytest.raises(TableTooLarge) as refused:
        list(table_rows(io.BytesIO(content), filename="x.csv", limits=limits))
    assert refused.value.line == 12


def test_read_table_applies_the_settings(settings):
    settings.IMPORT_MAX_ROWS = 2
    assert len(read_table(b"name\na\nb\n", filename="x.csv")) == 2
    with pytest.raises(TableTooLarge):
        read_table(b"name\na\nb\nc\n", filename="x.csv")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_row_keeps_the_line_of_the_file_past_empty_rows(kind):
    """A problem is reported at the line the user sees in the file: empty rows are dropped,
    their lines are not renumbered away."""
    rows = [["name", "fee"], ["a", "1"], ["", ""], ["", ""], ["b", "2"]]
    content = "\n".join(",".join(r) for r in rows).encode() if kind == "csv" else _xlsx(rows)
    table = read_table(content, filename=f"bill.{kind}")
    assert [(line, row["name"]) for line, row in numbered(table)] == [(2, "a"), (5, "b")]
    assert list(numbered([{"name": "a"}, {"name": "b"}])) == [
        (2, {"name": "a"}),
        (3, {"name": "b"}),
    ]


def test_a_file_that_is_not_a_zip_is_unreadable_not_an_error():
    with pytest.raises(TableUnreadable):
        _read(b"not a zip at all")
