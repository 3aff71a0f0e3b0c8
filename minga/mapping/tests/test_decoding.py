"""The importer's fast path (`Decoder.encode`, `select_counts`) against the plain one
(`Decoder.decode`, `content_key`, `Tally.add`), and reading files through the intake."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.mapping import answers, stats
from minga.mapping.answers import Decoder, content_key, open_export
from minga.mapping.tests.conftest import small_form
from minga.mapping.xlsform import Form, Question


def wide_form() -> Form:
    """The small form and a decimal and a date question."""
    form = small_form()
    extra = [
        Question("budget", "decimal", {"es": "Presupuesto", "pt": "Orçamento", "en": "Budget"}),
        Question("founded", "date", {"es": "Fundada", "pt": "Fundada", "en": "Founded"}),
    ]
    return replace(form, questions=[*form.questions, *extra])


HEADER = [
    "about/org_name",
    "about/country",
    "about/city",
    "about/populations",
    "about/populations/women",
    "staff",
    "budget",
    "founded",
]
CELLS = [
    ["Uno", " Dos ", 'Fundación "Tres"', "ü, ñ; ¿?", "", "  "],
    ["co", "mx", " br", "Colombia", "MÉXICO", "Brasil ", "ar", "", " "],
    ["Bogotá", " bogota", "São Paulo", "", "Cali; Valle"],
    [
        "women",
        "women youth",
        "youth women",
        "Mujeres, Juventudes",
        "Comunidades indígenas, originarias",
        "Women Youth",
        "women elders",
        "",
    ],
    ["", "0"],
    ["12", " 4 ", "3,0", "doce", "1.5", ""],
    ["1.5", "2,5", "1,000.5", "nan", "inf", "x", "", "7"],
    ["2024-03-01", "01/02/2023", "2023/12/31", "ayer", ""],
]
rows_strategy = st.lists(
    st.tuples(*[st.one_of(st.sampled_from(c), st.text(max_size=12)) for c in CELLS]),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(rows_strategy, st.booleans())
def test_encoding_a_row_is_decoding_it_with_every_distinct_cell_decoded_once(rows, with_uuid):
    header = [*HEADER, "_uuid"] if with_uuid else HEADER
    decoder = Decoder(wide_form(), header)
    plain = Decoder(wide_form(), header)
    tally, expected = stats.Tally(), stats.Tally()
    selects = ["country", "populations"]
    valid = []
    # Twice over: the second pass reads every cell from the caches.
    for number, cells in enumerate([*rows, *rows], start=2):
        row = [*cells, f"u{number % 7}"] if with_uuid else list(cells)
        decoded = plain.decode(number, list(row))
        encoded = decoder.encode(number, row)
        if isinstance(decoded, list):
            assert encoded == decoded
            continue
        assert not isinstance(encoded, list)
        if encoded is None:  # a blank row: no cell holds anything
            assert not with_uuid and not "".join(row).strip() and decoded.answers == {}
            continue
        key, text = encoded
        assert text == json.dumps(decoded.answers, sort_keys=True, ensure_ascii=False)
        assert json.loads(text) == decoded.answers
        assert key == decoded.key
        if not with_uuid:
            assert key == content_key(decoded.answers)
        valid.append(decoder.select_cells(row))
        expected.add(decoded.answers, selects)
    for question, value, times in decoder.select_counts(valid):
        tally.add_value(question, value, times)
    assert tally.to_json()["counts"] == expected.to_json()["counts"]
    assert tally.answered == expected.answered
    assert tally.selections == expected.selections


def test_short_rows_are_padded_and_their_missing_cells_are_empty():
    decoder = Decoder(small_form(), ["about/country", "staff", "_uuid"])
    assert decoder.encode(2, ["co"]) == (content_key({"country": "co"}), '{"country": "co"}')


def test_the_caches_stay_bounded(monkeypatch):
    monkeypatch.setattr(answers, "CACHED", 5)
    decoder = Decoder(small_form(), ["about/city", "staff"])
    for number in range(50):
        assert decoder.encode(number, [f"City {number}", str(number)]) == (
            content_key({"city": f"City {number}", "staff": number}),
            json.dumps({"city": f"City {number}", "staff": number}, ensure_ascii=False),
        )
    assert all(len(cells) <= 5 and len(cells.answers) <= 5 for cells in decoder._cells)


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_decimals_must_be_finite(value):
    decoder = Decoder(wide_form(), ["budget"])
    errors = decoder.encode(3, [value])
    assert isinstance(errors, list)
    [error] = errors
    assert str(error) == f"row 3, column budget: value {value!r}: not a number"


def test_a_latin_1_file_with_a_late_accent_is_read_as_latin_1(tmp_path):
    data = tmp_path / "late.csv"
    data.write_bytes(("about/city;_uuid\n" + "Cali;u1\n" * 10 + "Bogotá;u2\n").encode("latin-1"))
    rows = [row for _number, row in open_export(data).main.rows]
    assert rows[-1] == ["Bogotá", "u2"]


def test_blank_rows_are_skipped_but_keep_their_numbers(tmp_path):
    data = tmp_path / "blank.csv"
    data.write_text("about/city;_uuid\nCali;u1\n;\n  ; \n;u3\nLima;\n", encoding="utf-8")
    table = open_export(data).main
    decoder = Decoder(small_form(), table.header)
    encoded = [(n, decoder.encode(n, row)) for n, row in table.rows]
    assert [pair for pair in encoded if pair[1] is not None] == [
        (2, ("u1", '{"city": "Cali"}')),
        (5, ("u3", "{}")),  # a submission without answers is still one
        (6, (content_key({"city": "Lima"}), '{"city": "Lima"}')),
    ]


def test_select_counts_accumulate_until_drained_and_say_when_to_drain(monkeypatch):
    monkeypatch.setattr(answers, "CACHED", 3)
    decoder = Decoder(small_form(), ["about/country", "about/populations"])
    rows = [["co", "women"], ["mx", "women youth"], ["co", " women"]]
    assert decoder.count_selects([decoder.select_cells(r) for r in rows]) is True  # 3 cells
    assert decoder.count_selects([decoder.select_cells(["br", ""])]) is True
    tally = stats.Tally()
    for question, value, times in decoder.drain_counts():
        tally.add_value(question, value, times)
    assert tally.counts == {
        "country": {"co": 2, "mx": 1, "br": 1},
        "populations": {"women": 3, "youth": 1},
    }
    assert tally.answered == {"country": 4, "populations": 3}
    assert list(decoder.drain_counts()) == []


@given(st.integers(min_value=0, max_value=16_383))
def test_column_names_are_the_spreadsheets_letters(index):
    from openpyxl.utils import get_column_letter

    assert answers.column_name(index) == get_column_letter(index + 1)
