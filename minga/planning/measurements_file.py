"""Reading a file of an indicator's measurements (CSV or XLSX, through the one intake) into
checked rows. No Django import; the caller translates the messages.

Columns: `date` and `value`, optionally `note`. A date is ISO 8601 (2026-03-31) or written
day first (31/03/2026), as es and pt-BR write it; a value is a plain number with a point or
a comma before its decimals (12.5 or 12,5), without thousands separators (three digits after
the separator are refused as ambiguous; four or more, a spreadsheet's computed value, are
rounded to two). Every bad cell is reported, not only the first; a date given twice is an
error (one measurement a day).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from minga.core.intake import CellError
from minga.core.intake import gettext_noop as _

COLUMNS = ("date", "value", "note")
REQUIRED = ("date", "value")
MAX_VALUE = Decimal("999999999999.99")  # what the decimal columns hold
NOTE_LIMIT = 300
_NUMBER = re.compile(r"-?\d+(?:[.,](\d+))?")


@dataclass(frozen=True)
class MeasurementRow:
    row: int
    measured_on: date
    value: Decimal
    note: str


class MeasurementsFileError(ValueError):
    def __init__(self, errors: list[CellError], header_missing: tuple[str, ...] = ()) -> None:
        self.errors = errors
        self.header_missing = header_missing
        super().__init__(f"{len(errors)} bad cells, missing columns {header_missing}")


# A plan's dates: a year typed as "26" reaches a date box as 0026, and then no chart or
# calendar can place it.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)


def day_of(text: str) -> date | None:
    """ISO 8601, or day/month/year with slashes, dashes or points; None if unreadable."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:  # a spreadsheet's date cell arrives as "2026-03-31 00:00:00"
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.date() if moment.time() == datetime.min.time() else None


def value_of(text: str) -> Decimal | str:
    """The number, or the reason it is not one (an untranslated message)."""
    match = _NUMBER.fullmatch(text)
    # Three digits after the point or comma may be a thousands group (1.250 is 1250 in es and
    # pt-BR): refused, never guessed. More can only be decimals, as a spreadsheet's computed
    # cell gives them (66.66666666666667): rounded to the cents the value keeps.
    if not match or len(match.group(1) or "") == 3:
        return _(
            "write a number with digits only, without thousands separators (for example "
            "1250.5 or 1250,5)"
        )
    try:
        value = Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return _("too large")
    if abs(value) > MAX_VALUE:
        return _("too large")
    return value


def read_measurements(rows: Iterable[tuple[int, list[str]]]) -> list[MeasurementRow]:
    """The file's measurements, checked; MeasurementsFileError with every bad cell otherwise."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        raise MeasurementsFileError([], header_missing=REQUIRED)
    header = [cell.strip().lower() for cell in first[1]]
    missing = tuple(column for column in REQUIRED if column not in header)
    if missing:
        raise MeasurementsFileError([], header_missing=missing)
    where = {column: header.index(column) for column in COLUMNS if column in header}
    errors: list[CellError] = []
    found: list[MeasurementRow] = []
    seen: dict[date, int] = {}
    for number, cells in iterator:
        if not any(cell.strip() for cell in cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            index = where.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def bad(
            column: str,
            why: str,
            number: int = number,
            cell: Callable[[str], str] = cell,
            **params: object,
        ) -> None:
            errors.append(CellError(number, column, cell(column), why, tuple(params.items())))

        day = day_of(cell("date")) if cell("date") else None
        if not cell("date"):
            bad("date", _("required"))
        elif day is None:
            bad("date", _("not a date (for example 2026-03-31 or 31/03/2026)"))
        elif not FIRST_DAY <= day <= LAST_DAY:
            bad("date", _("not between the years 1900 and 2200"))
            day = None
        value = value_of(cell("value")) if cell("value") else _("required")
        if isinstance(value, str):
            bad("value", value)
        if len(cell("note")) > NOTE_LIMIT:
            bad("note", _("longer than %(limit)d characters"), limit=NOTE_LIMIT)
        if day is not None and day in seen:
            bad("date", _("the same date as row %(first)d"), first=seen[day])
            continue
        if day is not None:
            # Even on a row with another bad cell: a later row of that date is named too.
            seen[day] = number
        if day is None or isinstance(value, str) or len(cell("note")) > NOTE_LIMIT:
            continue
        found.append(MeasurementRow(number, day, value, cell("note")))
    if errors:
        raise MeasurementsFileError(errors)
    return found
