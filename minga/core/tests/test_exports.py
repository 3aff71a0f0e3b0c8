"""The one export helper: no cell of a CSV or XLSX that Minga hands out is a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minga.core.exports import (
    FORMULA_TRIGGERS,
    csv_response,
    csv_text,
    neutralize,
    safe_filename,
    xlsx_bytes,
    xlsx_response,
)

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+1+1",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def parse_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def sheet_cells(data: bytes) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.worksheets[0].iter_rows()]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_beginning_with_a_formula_trigger_gets_one_apostrophe(text):
    assert neutralize(text) == "'" + text


@pytest.mark.parametrize("text", ["Fundación A", "", "'=already quoted", "a=b", " =1", "1-2"])
def test_other_text_is_left_as_it_is(text):
    assert neutralize(text) == text


@pytest.mark.parametrize("number", [-5, Decimal("-0.50"), -1.5, 0, Decimal("600.00")])
def test_numbers_stay_numbers(number):
    assert neutralize(number) is number
    assert parse_csv(csv_text(["n"], [[number]]))[1] == [str(number)]
    assert sheet_cells(xlsx_bytes(["n"], [[number]]))[1][0].data_type == "n"


@given(st.text())
def test_neutralized_text_never_starts_a_formula_and_loses_only_the_added_apostrophe(text):
    out = neutralize(text)
    assert not out.startswith(FORMULA_TRIGGERS)
    if text.startswith(FORMULA_TRIGGERS):
        assert out[0] == "'" and out[1:] == text
    else:
        assert out == text


cells = st.one_of(
    st.text(),
    st.sampled_from(HOSTILE),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.none(),
)


@given(st.lists(st.lists(cells, min_size=1, max_size=4), max_size=4))
def test_csv_reads_back_cell_for_cell_and_no_cell_starts_a_formula(rows):
    parsed = parse_csv(csv_text(["a", "b", "c", "d"], rows))
    assert parsed[0] == ["a", "b", "c", "d"]
    assert len(parsed) == len(rows) + 1
    for row, back in zip(rows, parsed[1:], strict=True):
        for value, field in zip(row, back, strict=True):
            if isinstance(value, str):
                assert not field.startswith(FORMULA_TRIGGERS)
                if ";" not in value and "\n" not in value and "\r" not in value:
                    assert field == neutralize(value)
            else:
                assert field == ("" if value is None else str(value))


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_a_semicolon_spreadsheet_finds_no_formula_either(texts):
    """Excel in Spanish or Portuguese splits a CSV on `;` (and honours quotes only at a
    field's start): whatever the text, no piece it makes begins with a trigger."""
    text = csv_text(["h"], [texts])
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for piece in line.split(";"):
            assert not piece.startswith(FORMULA_TRIGGERS), (texts, piece)


def test_a_separator_inside_a_cell_cannot_open_a_new_formula_cell():
    text = csv_text(["name"], [["Red;=HYPERLINK(1);"], ["Línea\n=1+1"]])
    assert parse_csv(text)[1:] == [["Red;'=HYPERLINK(1);"], ["Línea\n'=1+1"]]


def test_a_lone_empty_cell_is_still_a_row():
    assert parse_csv(csv_text(["h"], [[""], [None]])) == [["h"], [""], [""]]


def test_not_finite_numbers_and_dates_are_written_as_text():
    text = csv_text(["a", "b", "c"], [[Decimal("-Infinity"), float("nan"), date(2027, 1, 31)]])
    assert parse_csv(text)[1] == ["'-Infinity", "nan", "2027-01-31"]


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_writes_hostile_text_as_a_string_cell_never_a_formula(text):
    header, data = sheet_cells(xlsx_bytes([text], [[text, "plain", 3]], "dues"))
    # XML reads a carriage return back as a line feed, as Excel does.
    stored = text.replace("\r", "\n")
    assert header[0].data_type == "s" and header[0].value == stored
    assert [c.data_type for c in data] == ["s", "s", "n"]
    assert data[0].value == stored
    # Excel's own mark for typed text: editing the cell keeps it text.
    assert data[0].quotePrefix and not data[1].quotePrefix


def test_xlsx_keeps_dates_and_survives_control_characters_and_odd_titles():
    aware = datetime(2027, 1, 31, 12, tzinfo=UTC)
    data = xlsx_bytes(
        ["when", "aware", "name"], [[date(2027, 1, 31), aware, "bell\x07"]], "a/b:[c]*?" * 5
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "a_b__c___a_b__c___a_b__c___a_b_"
    row = [c.value for c in sheet[2]]
    assert row[0] == datetime(2027, 1, 31)
    assert row[1] == "2027-01-31T12:00:00+00:00"
    assert row[2] == "bell\ufffd"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("red-dues", 'attachment; filename="red-dues.csv"'),
        ("red-dues.csv", 'attachment; filename="red-dues.csv"'),
        ('../a"b\r\nSet-Cookie: x', 'attachment; filename="a_b_Set-Cookie_x.csv"'),
        ("", 'attachment; filename="export.csv"'),
        ("mapeo-año", "attachment; filename*=utf-8''mapeo-a%C3%B1o.csv"),
    ],
)
def test_download_names_are_safe_in_the_header(name, expected):
    response = csv_response(name, ["a"], [["=1"]])
    assert response["Content-Disposition"] == expected
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == "a\r\n'=1\r\n"


def test_xlsx_response_is_a_named_workbook():
    response = xlsx_response("mapeo-systematized", ["a"], [[1]], "systematized")
    assert response["Content-Disposition"] == 'attachment; filename="mapeo-systematized.xlsx"'
    assert response.content[:2] == b"PK"
    assert safe_filename("x.xlsx", "xlsx") == "x.xlsx"
