"""The one export helper: every CSV and XLSX that Minga hands out (dues, surveys, and
every export to come) is written here, so that no cell of it is ever a formula.

Text in an export comes from people (an organization's name, a questionnaire's choice
labels); a spreadsheet that opens the file must show it, never run it. Numbers are
passed as numbers (`int`, `float`, `Decimal`), never pre-formatted as text: only text
is neutralized, so `-5` from a `Decimal` stays the number -5, while the text `"-5"` is
written `'-5` in CSV and as a string cell in XLSX. Callers therefore keep amounts,
counts and dates as such until here.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, overload

from django.http import HttpResponse
from django.utils.http import content_disposition_header

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | int | float | Decimal | date | None
Row = Sequence[Cell]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The characters with which Excel, LibreOffice and Google Sheets start a formula (or,
# for tab and carriage return, with which they strip their way to one), as listed by
# OWASP's "CSV Injection" guidance.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A field holding one of these is quoted in CSV: RFC 4180's comma, quote and line breaks,
# and `;` and tab, so that readers which take either for the separator (Excel in Spanish
# and Portuguese locales splits on `;`) keep the cell whole when it starts their field.
# Where it does not, `_SPLIT_THEN_TRIGGER` below covers the rest (OWASP's separator case).
_QUOTE_WHEN = re.compile(r'[,;"\t\r\n]')

# Inside a text cell, a formula trigger right after `;` or a line break gets the same
# apostrophe. Excel in a locale whose list separator is `;` (Spanish, Portuguese) reads
# a comma file by splitting on `;` and honours quotes only at a field's start, so
# `Red;=HYPERLINK(...);` in one quoted cell would otherwise open as a cell of its own
# beginning with `=`, and a line break inside such a cell would start a new row.
_SPLIT_THEN_TRIGGER = re.compile(r"([;\r\n])(?=[=+\-@\t\r])")

# Characters that XML 1.0, hence XLSX, cannot hold (openpyxl refuses them); kept
# visible as U+FFFD rather than failing the whole export on one stray control byte.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# What a sheet's title may not hold, and its length limit, in Excel.
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31

_UNSAFE_IN_FILENAME = re.compile(r"[^\w.\-]+")


def _is_number(value: Cell) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int)


@overload
def neutralize(value: str) -> str: ...
@overload
def neutralize(value: Cell) -> Cell: ...
def neutralize(value: Cell) -> Cell:
    """Text beginning with a formula trigger gets a leading apostrophe; anything else,
    numbers included, is returned as it is.

    The apostrophe is OWASP's advice for CSV: spreadsheets read `'=1+1` as the text
    `=1+1` (or show the apostrophe), never as a formula, and a reader who wants the exact
    text back strips exactly that one added character. Applied to text only: a number
    passed as a number (`-5`) is not a formula, and quoting it would turn it into text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if _is_number(value):
        return str(value)
    # Text, booleans, and numbers that are not finite ("-Infinity" would be read as a
    # formula): all written as neutralized text.
    return _SPLIT_THEN_TRIGGER.sub(r"\1'", neutralize(str(value)))


def _csv_field(value: Cell) -> str:
    text = _as_text(value)
    if _QUOTE_WHEN.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_line(cells: Iterable[Cell]) -> str:
    fields = [_csv_field(cell) for cell in cells]
    if fields == [""]:
        # A lone empty field must still be a field, not an empty line.
        return '""\r\n'
    return ",".join(fields) + "\r\n"


def csv_text(header: Sequence[str], rows: Iterable[Row]) -> str:
    """RFC 4180 CSV (comma, CRLF, fields quoted when needed), every text cell
    neutralized, the header included."""
    out = io.StringIO()
    out.write(_csv_line(header))
    for row in rows:
        out.write(_csv_line(row))
    return out.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = _NOT_IN_SHEET_TITLE.sub("_", _NOT_IN_XML.sub("", title)).strip("'")
    return cleaned[:_SHEET_TITLE_MAX] or "export"


def _xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Cell]) -> list[object]:
    from openpyxl.cell import WriteOnlyCell

    cells: list[object] = []
    for value in values:
        if value is None or _is_number(value):
            cells.append(value)
            continue
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Excel has no time zones: an aware moment is kept exact, as ISO 8601 text.
            value = value.isoformat()
        if isinstance(value, date):
            cells.append(value)
            continue
        text = _NOT_IN_XML.sub("\ufffd", str(value))
        cell = WriteOnlyCell(sheet, value=text)
        # openpyxl makes any text beginning with "=" a formula; a string cell is shown,
        # never evaluated, whatever it begins with.
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            # Excel's own mark for typed text such as '=1: the cell stays text even
            # when someone edits it, while its value stays exactly what was stored.
            cell.quotePrefix = True
        cells.append(cell)
    return cells


def xlsx_bytes(header: Sequence[str], rows: Iterable[Row], sheet_title: str = "export") -> bytes:
    """One sheet: the header, then the rows; text as string cells (never formulas),
    numbers as numbers, dates as dates."""
    import openpyxl  # loaded when exporting, not at start-up

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    sheet.append(_xlsx_row(sheet, header))
    for row in rows:
        sheet.append(_xlsx_row(sheet, row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def safe_filename(name: str, extension: str) -> str:
    """A download's name: letters, digits, `.`, `-` and `_` only (no path, no quote, no
    line break can reach the header), with the extension added unless already there."""
    stem = name.removesuffix(f".{extension}")
    stem = _UNSAFE_IN_FILENAME.sub("_", stem).strip("._")[:120] or "export"
    return f"{stem}.{extension}"


def attachment(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    """Any download (CSV, XLSX, JSON): the header is built by Django from a `safe_filename`,
    so no name can break it."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Row]) -> HttpResponse:
    """A CSV download (see `csv_text`); `.csv` is added to the filename if missing."""
    return attachment(csv_text(header, rows), CSV_CONTENT_TYPE, safe_filename(filename, "csv"))


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Row], sheet_title: str
) -> HttpResponse:
    """An XLSX download (see `xlsx_bytes`); `.xlsx` is added to the filename if missing."""
    return attachment(
        xlsx_bytes(header, rows, sheet_title), XLSX_CONTENT_TYPE, safe_filename(filename, "xlsx")
    )
