"""Tables of the dashboard: one model for the page, the CSV and the XLSX download.

Why one model: every table in the dashboard downloads as CSV and XLSX, and a
download must hold what the table shows. So a page does not lay out its
tables in a template from ad-hoc values; it builds a :class:`Table` (columns,
rows of :class:`Cell`) with a named builder, the template draws it, and
``/export/{name}.{csv|xlsx}`` calls the same builder with the same query
parameters and writes it out. The browser's sorting and filtering travel to
the download as ``sort``, ``dir`` and ``filter`` parameters, applied here by
the rules the script applies in the page (:func:`filter_rows`,
:func:`sort_rows`), so the file holds the rows in the order on screen.

Why XLSX on the server with openpyxl rather than in the browser: openpyxl is
a long-maintained library already fit for the job, numbers stay numbers, and
no JavaScript spreadsheet library (several hundred kilobytes, and the
best-known one no longer published to npm) has to be vendored and kept.

Cells of document text are untrusted: a spreadsheet would run ``=HYPERLINK(…)``
typed into a document, so text cells are written as text (XLSX) or defused
with a leading apostrophe (CSV, OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(slots=True)
class Cell:
    """One cell: ``text`` is shown and exported; ``value`` (a number) sorts it and is exported as a number.

    ``href`` makes the text a link, ``badge`` a status badge (its CSS
    modifier), ``html`` replaces the shown text with markup built from escaped
    text (a sentence with its figure highlighted); ``note`` is a second, muted
    line, shown and exported after the text.
    """

    text: str = ""
    value: float | None = None
    href: str | None = None
    badge: str | None = None
    html: Markup | None = None
    note: str | None = None
    title: str | None = None

    @property
    def export_text(self) -> str:
        return f"{self.text} ({self.note})" if self.note and self.text else (self.text or self.note or "")

    @property
    def sort_key(self) -> tuple[int, float, str]:
        if self.value is not None and math.isfinite(self.value):
            return (0, self.value, "")
        return (1, 0.0, self.export_text.casefold())


@dataclass(slots=True)
class Column:
    key: str
    title: str
    numeric: bool = False


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    id: str | None = None  # an element id for the row (links land on it)
    classes: str = ""

    def search_text(self) -> str:
        """What the filter box matches: every cell's text, case-folded (the script does the same)."""
        return " ".join(c.export_text for c in self.cells).casefold()


@dataclass(slots=True)
class Table:
    """A table of a page; ``name`` and ``params`` make its download URL."""

    name: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    caption: str = ""
    empty: str = ""

    def column_index(self, key: str) -> int | None:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        return None


def filter_rows(rows: Sequence[Row], needle: str | None) -> list[Row]:
    """Rows whose text contains ``needle`` (case-insensitive, every word of it, anywhere in the row)."""
    words = (needle or "").casefold().split()
    if not words:
        return list(rows)
    return [r for r in rows if all(w in r.search_text() for w in words)]


def sort_rows(table: Table, rows: Sequence[Row], key: str | None, direction: str | None) -> list[Row]:
    """Rows ordered by a column: numbers by value, text by its case-folded form; empty cells last."""
    index = table.column_index(key) if key else None
    if index is None:
        return list(rows)
    reverse = direction == "desc"

    def sort_key(row: Row) -> tuple[int, float, str]:
        return row.cells[index].sort_key if index < len(row.cells) else (2, 0.0, "")

    filled = [r for r in rows if index < len(r.cells) and r.cells[index].export_text]
    blank = [r for r in rows if not (index < len(r.cells) and r.cells[index].export_text)]
    return sorted(filled, key=sort_key, reverse=reverse) + blank


def prepared(
    table: Table, *, needle: str | None = None, sort: str | None = None, direction: str | None = None
) -> list[Row]:
    return sort_rows(table, filter_rows(table.rows, needle), sort, direction)


def _defuse(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _export_value(cell: Cell, column: Column) -> Any:
    if column.numeric and cell.value is not None and math.isfinite(cell.value):
        return cell.value
    return cell.export_text


def to_csv(table: Table, rows: Sequence[Row]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Chinese text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_defuse(c.title) for c in table.columns])
    for row in rows:
        values = []
        for cell, column in zip(row.cells, table.columns, strict=False):
            value = _export_value(cell, column)
            values.append(_number_text(value) if isinstance(value, float) else _defuse(str(value)))
        writer.writerow(values)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def to_xlsx(table: Table, rows: Sequence[Row], *, sheet_title: str | None = None) -> bytes:
    """A workbook of one sheet: a bold, frozen header with filters; numbers as numbers, text as text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(sheet_title or table.name)
    widths = [len(c.title) for c in table.columns]

    def put(row_number: int, col_number: int, value: Any) -> None:
        cell = sheet.cell(row=row_number, column=col_number)
        if isinstance(value, float):
            cell.value = int(value) if value.is_integer() and abs(value) < 1e15 else value
            return
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the text starts with
        widths[col_number - 1] = max(widths[col_number - 1], min(len(text), 60))

    for j, column in enumerate(table.columns, start=1):
        put(1, j, column.title)
        sheet.cell(row=1, column=j).font = Font(bold=True)
    for i, row in enumerate(rows, start=2):
        for j, (cell, column) in enumerate(zip(row.cells, table.columns, strict=False), start=1):
            put(i, j, _export_value(cell, column))
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = max(8, width + 2)
    sheet.freeze_panes = "A2"
    if table.columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(1, len(rows) + 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\").strip("'") or "table"
    return cleaned[:31]
