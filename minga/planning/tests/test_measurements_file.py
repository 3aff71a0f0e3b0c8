"""Importing an indicator's measurements through the one intake: CSV in any encoding a
spreadsheet saves (UTF-8 with or without BOM, Windows-1252), `;`-separated with decimal
commas and day-first dates as Spanish Excel writes it, or an .xlsx with real date cells.
All or nothing: every bad cell is named as `row N, column C: value V: why`, and after a
refused file the indicator's measurements are as they were."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from minga.core.events import AuditEvent
from minga.core.intake import CellError, table_rows
from minga.core.models import AuditEntry
from minga.planning import actions
from minga.planning.measurements_file import (
    MeasurementRow,
    MeasurementsFileError,
    day_of,
    read_measurements,
    value_of,
)
from minga.planning.models import Measurement

GOOD = (
    "date,value,note\n"
    "2026-01-31,12.5,Primer corte\n"
    "2026-02-28,20,\n"
    "2026-03-31,31.25,Después del taller en Bogotá\n"
)


def _read(data: bytes, name: str = "m.csv") -> list[MeasurementRow]:
    return read_measurements(table_rows(data, name))


def _errors(data: bytes, name: str = "m.csv") -> list[CellError]:
    with pytest.raises(MeasurementsFileError) as caught:
        _read(data, name)
    return caught.value.errors


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The file, read (no database) ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_a_csv_reads_the_same_in_every_encoding_a_spreadsheet_saves(encoding):
    rows = _read(GOOD.encode(encoding))
    assert rows == [
        MeasurementRow(2, date(2026, 1, 31), Decimal("12.50"), "Primer corte"),
        MeasurementRow(3, date(2026, 2, 28), Decimal("20.00"), ""),
        MeasurementRow(4, date(2026, 3, 31), Decimal("31.25"), "Después del taller en Bogotá"),
    ]


def test_a_csv_saved_by_a_spanish_spreadsheet_reads():
    """Excel in Spanish: `;` between cells, a comma before the decimals, day-first dates,
    Windows-1252, CRLF, and the header's case as someone typed it."""
    text = (
        "Fecha_ignorada;Date;Value;Note\r\n"
        "x;31/01/2026;12,5;Año nuevo, con ñandú\r\n"
        "x;28/02/2026;-3,75;\r\n"
        "x;31.03.2026;1250;\r\n"
    )
    rows = _read(text.encode("cp1252"), "mediciones.csv")
    assert [(r.row, r.measured_on, r.value, r.note) for r in rows] == [
        (2, date(2026, 1, 31), Decimal("12.50"), "Año nuevo, con ñandú"),
        (3, date(2026, 2, 28), Decimal("-3.75"), ""),
        (4, date(2026, 3, 31), Decimal("1250.00"), ""),
    ]


def test_an_xlsx_with_real_date_cells_reads_like_a_csv():
    data = _xlsx(
        [
            ["date", "value", "note"],
            [date(2026, 1, 31), 12.5, "Primer corte"],
            [datetime(2026, 2, 28), 20, None],
            ["31/03/2026", "31,25", "Después del taller"],
            [date(2026, 4, 30), 200 / 3, "computed by a formula"],
        ]
    )
    rows = _read(data, "mediciones.xlsx")
    assert [(r.row, r.measured_on, r.value, r.note) for r in rows] == [
        (2, date(2026, 1, 31), Decimal("12.50"), "Primer corte"),
        (3, date(2026, 2, 28), Decimal("20.00"), ""),
        (4, date(2026, 3, 31), Decimal("31.25"), "Después del taller"),
        (5, date(2026, 4, 30), Decimal("66.67"), "computed by a formula"),
    ]


def test_blank_lines_are_skipped_and_rows_keep_the_spreadsheets_numbers():
    rows = _read(b"date,value\n\n2026-01-01,1\n,\n2026-01-02,2\n")
    assert [r.row for r in rows] == [3, 5]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("1/3/2026", date(2026, 3, 1)),
        ("31-03-2026", date(2026, 3, 31)),
        ("31.03.2026", date(2026, 3, 31)),
        ("2026-03-31 00:00:00", date(2026, 3, 31)),
        (" 2026-03-31 ", date(2026, 3, 31)),
        ("03/31/2026", None),  # month first is not read
        ("31/03/26", None),  # a two-digit year is not guessed
        ("2026-02-30", None),
        ("2026-03-31 14:30:00", None),
        ("mañana", None),
    ],
)
def test_dates_read_iso_or_day_first(text, expected):
    assert day_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", Decimal("12.00")),
        ("12.5", Decimal("12.50")),
        ("12,5", Decimal("12.50")),
        ("-0,25", Decimal("-0.25")),
        ("0.3333", Decimal("0.33")),  # four decimals: not a thousands group, rounded
        ("66.66666666666667", Decimal("66.67")),
        ("999999999999.99", Decimal("999999999999.99")),
    ],
)
def test_numbers_read_with_a_point_or_a_comma(text, expected):
    assert value_of(text) == expected


@pytest.mark.parametrize(
    "text", ["1.250", "1,250", "1.250,5", "1,250.5", "1 250", "12.5%", "1e3", "+5", "doce", "."]
)
def test_thousands_separators_and_other_writing_are_refused_not_guessed(text):
    assert isinstance(value_of(text), str)


def test_a_number_too_large_for_the_value_is_refused():
    assert value_of("1000000000000") == "too large"
    assert value_of("9" * 40) == "too large"


@given(
    st.decimals(
        min_value=Decimal("-999999999999.99"),
        max_value=Decimal("999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.sampled_from([".", ","]),
)
def test_any_value_written_plainly_reads_back_exactly(value, point):
    text = f"{value:f}".replace(".", point)
    assert value_of(text) == value


def test_every_bad_cell_is_reported_not_only_the_first():
    text = (
        "date,value,note\n"
        "2026-01-31,12.5,ok\n"
        "31/02/2026,1.250,\n"  # row 3: no such day, an ambiguous number
        ",7,\n"  # row 4: no date
        "2026-03-01,,\n"  # row 5: no value
        f"2026-03-02,1,{'x' * 301}\n"  # row 6: the note is too long
    )
    errors = _errors(text.encode())
    assert [(e.row, e.column, e.value) for e in errors] == [
        (3, "date", "31/02/2026"),
        (3, "value", "1.250"),
        (4, "date", ""),
        (5, "value", ""),
        (6, "note", "x" * 301),
    ]
    assert dict(errors[-1].params) == {"limit": 300}


def test_a_date_given_twice_names_the_first_row():
    errors = _errors(b"date,value\n2026-01-31,1\n2026-02-28,2\n31/01/2026,3\n")
    assert [(e.row, e.column, e.value, dict(e.params)) for e in errors] == [
        (4, "date", "31/01/2026", {"first": 2})
    ]


def test_a_repeated_date_is_named_even_when_its_first_row_has_another_bad_cell():
    errors = _errors(b"date,value\n2026-01-31,x\n2026-01-31,3\n")
    assert [(e.row, e.column) for e in errors] == [(2, "value"), (3, "date")]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("fecha,valor\n31/01/2026,1\n", ("date", "value")),
        ("date,note\n2026-01-31,x\n", ("value",)),
        ("\n\n", ("date", "value")),
    ],
)
def test_missing_columns_are_named(text, missing):
    with pytest.raises(MeasurementsFileError) as caught:
        _read(text.encode())
    assert caught.value.header_missing == missing
    assert caught.value.errors == []


# Through the action, in the database ------------------------------------------------------------


@pytest.fixture
def indicator(world):
    pillar = actions.save_pillar(
        actor=world.coordinator, network=world.network, name="Diverse", stakeholder="community"
    )
    objective = actions.save_objective(
        actor=world.coordinator, network=world.network, pillar=pillar, title="Objective"
    )
    mateo = world.network.people.get(user=world.member)
    project = actions.save_project(
        actor=world.coordinator,
        network=world.network,
        objective=objective,
        title="Escuela de liderazgo",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        responsible=mateo,
    )
    return actions.save_indicator(
        actor=world.coordinator,
        project=project,
        name="Jóvenes formados",
        baseline=Decimal(0),
        target=Decimal(100),
    )


def _import(world, indicator, data: bytes, name: str = "m.csv", actor=None):
    return actions.import_measurements(
        actor=actor or world.member, indicator=indicator, data=data, name=name
    )


def _stored(indicator) -> list[tuple[date, Decimal, str]]:
    return list(
        indicator.measurements.order_by("measured_on").values_list("measured_on", "value", "note")
    )


def _messages(caught: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return caught.value.message_dict["file"]


def test_a_good_file_stores_every_measurement_and_replaces_a_date_already_measured(
    world, indicator
):
    actions.record_measurement(
        actor=world.coordinator,
        indicator=indicator,
        measured_on=date(2026, 2, 28),
        value=Decimal(5),
    )
    saved = _import(world, indicator, GOOD.encode("utf-8-sig"))
    assert len(saved) == 3
    assert _stored(indicator) == [
        (date(2026, 1, 31), Decimal("12.50"), "Primer corte"),
        (date(2026, 2, 28), Decimal("20.00"), ""),
        (date(2026, 3, 31), Decimal("31.25"), "Después del taller en Bogotá"),
    ]
    assert {m.recorded_by for m in indicator.measurements.all()} == {world.member}
    entry = AuditEntry.objects.get(action=AuditEvent.MEASUREMENTS_IMPORT)
    assert entry.data == {"rows": 3, "file": "m.csv"}


def test_the_spanish_excel_csv_and_an_xlsx_import(world, indicator):
    _import(world, indicator, "date;value\r\n31/01/2026;12,5\r\n".encode("cp1252"))
    _import(world, indicator, _xlsx([["date", "value"], [date(2026, 2, 28), 7]]), "m.xlsx")
    assert [(d, v) for d, v, _ in _stored(indicator)] == [
        (date(2026, 1, 31), Decimal("12.50")),
        (date(2026, 2, 28), Decimal("7.00")),
    ]


BAD = (
    "date;value;note\n"
    "31/01/2026;12,5;bien\n"
    "30/02/2026;1.250;\n"
    "2026-03-31;;\n"
    "31/01/2026;3;otra vez\n"
)
BAD_CELLS = [
    ("3", "date", "'30/02/2026'"),
    ("3", "value", "'1.250'"),
    ("4", "value", "''"),
    ("5", "date", "'31/01/2026'"),
]


def test_a_bad_file_names_every_bad_cell_and_stores_nothing(world, indicator):
    actions.record_measurement(
        actor=world.coordinator,
        indicator=indicator,
        measured_on=date(2026, 1, 31),
        value=Decimal(1),
    )
    before = _stored(indicator)
    with pytest.raises(ValidationError) as caught:
        _import(world, indicator, BAD.encode())
    assert _messages(caught) == [
        "row 3, column date: value '30/02/2026': not a date (for example 2026-03-31 or 31/03/2026)",
        "row 3, column value: value '1.250': write a number with digits only, without "
        "thousands separators (for example 1250.5 or 1250,5)",
        "row 4, column value: value '': required",
        "row 5, column date: value '31/01/2026': the same date as row 2",
    ]
    # The good row 2 was not stored either: the measurement of that day is unchanged.
    assert _stored(indicator) == before
    assert not AuditEntry.objects.filter(action=AuditEvent.MEASUREMENTS_IMPORT).exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_errors_keep_their_rows_columns_and_values_in_each_language(world, indicator, language):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        _import(world, indicator, BAD.encode())
    messages = _messages(caught)
    assert len(messages) == len(BAD_CELLS)
    for message, (row, column, value) in zip(messages, BAD_CELLS, strict=True):
        # Row, column and value, in that order, before the reason.
        assert re.match(rf"\D*{row}\D+{column}\W+\w+ {re.escape(value)}: \S", message), message
    assert _stored(indicator) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_missing_column_is_named_with_the_file(world, indicator, language):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        _import(world, indicator, b"fecha,value\n2026-01-01,3\n", "mediciones.csv")
    (message,) = _messages(caught)
    assert "mediciones.csv" in message and "date" in message
    assert "value" not in message.replace("mediciones.csv", "")
    assert _stored(indicator) == []


def test_an_empty_file_is_refused_by_the_intake(world, indicator):
    with pytest.raises(ValidationError) as caught:
        _import(world, indicator, b"", "vacio.csv")
    assert _messages(caught) == ["vacio.csv is empty."]


def test_a_file_with_only_its_header_has_no_measurements(world, indicator):
    with pytest.raises(ValidationError) as caught:
        _import(world, indicator, b"date,value,note\n", "solo.csv")
    assert _messages(caught) == ["solo.csv has no measurements."]


def test_an_oversized_file_is_refused_by_the_intake_before_it_is_read(world, indicator, settings):
    settings.MINGA_MAX_UPLOAD_BYTES = 1024
    start = date(2026, 1, 1)
    rows = "".join(f"{start + timedelta(days=n)},{n}\n" for n in range(200))
    data = ("date,value\n" + rows).encode()
    assert len(data) > 1024
    with pytest.raises(ValidationError) as caught:
        _import(world, indicator, data, "grande.csv")
    (message,) = _messages(caught)
    assert message.startswith("grande.csv is ") and "larger than the 1 KB accepted" in message
    assert _stored(indicator) == []


def test_a_file_that_is_not_a_table_is_refused_by_the_intake(world, indicator):
    with pytest.raises(ValidationError) as caught:
        _import(world, indicator, b"%PDF-1.7 ...", "m.csv")
    (message,) = _messages(caught)
    assert message.startswith("m.csv is a PDF document, not a table")


def test_only_the_projects_team_and_coordinators_import(world, indicator):
    with pytest.raises(PermissionDenied):
        _import(world, indicator, GOOD.encode(), actor=world.other_member)
    with pytest.raises(PermissionDenied):
        _import(world, indicator, GOOD.encode(), actor=world.outsider)
    assert _stored(indicator) == []
    assert len(_import(world, indicator, GOOD.encode(), actor=world.coordinator)) == 3


def test_a_refused_import_leaves_earlier_imports_untouched(world, indicator):
    _import(world, indicator, GOOD.encode())
    before = _stored(indicator)
    changed = GOOD.replace("12.5", "13").replace("2026-03-31", "2026-02-31")
    with pytest.raises(ValidationError):
        _import(world, indicator, changed.encode())
    assert _stored(indicator) == before
    assert Measurement.objects.count() == 3
