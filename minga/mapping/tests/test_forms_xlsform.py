"""Questionnaires: what pyxform accepts, Minga accepts (issue #11), case by case, with
workbooks built here; the published ones are in test_forms_published.py."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from minga.mapping import xlsform
from minga.mapping.xlsform import Form, FormError, read_form, workbook_kind, write_form

FORMS = Path(__file__).parent / "fixtures" / "forms"


def workbook(
    survey: list[list[Any]],
    choices: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
    **sheets: list[list[Any]],
) -> bytes:
    book = openpyxl.Workbook()
    first = book.worksheets[0]
    first.title = "survey"
    for row in survey:
        first.append(row)
    for name, rows in {"choices": choices, "settings": settings, **sheets}.items():
        if rows is not None:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(FormError) as failure:
        read_form(data)
    return "; ".join(failure.value.messages)


def test_list_name_with_a_space_and_spanish_language_columns():
    form = read_form(
        workbook(
            [
                ["type", "name", "label::Español (es)", "label::English (en)"],
                ["select_one sí_no", "acepta", "¿Acepta?", "Do you agree?"],
            ],
            [
                ["list name", "name", "label::Español (es)", "label::English (en)"],
                ["sí_no", "si", "Sí", "Yes"],
                ["sí_no", "no", "No", "No"],
            ],
            [["form_title", "default_language"], ["Mapeo", "Español (es)"]],
        )
    )
    assert form.title == "Mapeo"
    assert form.languages == ["es", "en"]
    question = form.questions[0]
    assert (question.type, question.list_name) == ("select_one", "sí_no")
    assert question.label("pt-br") == "¿Acepta?" and question.label("en") == "Do you agree?"
    assert [c.label("en") for c in form.choices_of(question)] == ["Yes", "No"]


def test_the_older_single_colon_language_columns():
    form = read_form(
        workbook(
            [["type", "name", "label:english", "label:french"], ["text", "q", "Name", "Nom"]],
        )
    )
    assert form.languages == ["english", "french"]
    assert form.questions[0].labels == {"english": "Name", "french": "Nom"}


def test_no_choices_sheet_and_an_empty_one_are_fine_without_selects():
    survey = [["type", "name", "label"], ["text", "q", "Q"], ["integer", "n", "N"]]
    assert [q.name for q in read_form(workbook(survey)).questions] == ["q", "n"]
    empty = read_form(workbook(survey, [["list_name", "name", "label"]]))
    assert [q.type for q in empty.questions] == ["text", "integer"] and empty.choices == {}


def test_unused_choice_lists_with_names_pyxform_allows_are_kept():
    form = read_form(
        workbook(
            [["type", "name", "label"], ["select_one yn", "q", "Q"]],
            [
                ["list_name", "name", "label"],
                ["yn", "y", "Yes"],
                ["yn", "n", "No"],
                ["spare", "1", "One"],
                ["spare", "a.b-c", "Dotted"],
                ["spare", "with space", "Spaced"],
            ],
        )
    )
    assert [c.name for c in form.choices["spare"]] == ["1", "a.b-c", "with space"]


def test_duplicate_choices_need_the_setting():
    survey = [["type", "name", "label"], ["select_one yn", "q", "Q"]]
    choices = [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "y", "Oui"]]
    message = refused(workbook(survey, choices))
    assert message.startswith("sheet choices, row 3, column B: value 'y': ")
    assert "allow_choice_duplicates" in message
    form = read_form(workbook(survey, choices, [["allow_choice_duplicates"], ["yes"]]))
    assert [c.label("x") for c in form.choices["yn"]] == ["Yes", "Oui"]


EVERY_TYPE = [
    ["type", "name", "label", "parameters", "calculation", "choice_filter"],
    ["start", "start"],
    ["end", "end"],
    ["today", "today"],
    ["deviceid", "deviceid"],
    ["username", "username"],
    ["phonenumber", "phonenumber"],
    ["email", "email"],
    ["audit", "audit"],
    ["start-geopoint", "where_started"],
    ["text", "t", "T"],
    ["integer", "i", "I"],
    ["decimal", "d", "D"],
    ["range", "r", "R", "start=0 end=10 step=1"],
    ["date", "da", "Da"],
    ["time", "ti", "Ti"],
    ["dateTime", "dt", "Dt"],
    ["geopoint", "gp", "Gp"],
    ["geotrace", "gt", "Gt"],
    ["geoshape", "gs", "Gs"],
    ["image", "im", "Im"],
    ["audio", "au", "Au"],
    ["video", "vi", "Vi"],
    ["file", "fi", "Fi"],
    ["barcode", "ba", "Ba"],
    ["acknowledge", "ac", "Ac"],
    ["note", "no", "No"],
    ["calculate", "ca", "", "", "1 + 1"],
    ["hidden", "hi", "Hi"],
    ["select_one yn", "s1", "S1"],
    ["select_multiple yn", "sm", "Sm"],
    ["rank yn", "rk", "Rk"],
    ["select_one_from_file places.csv", "sf", "Sf"],
    ["select_multiple_from_file items.xml", "smf", "Smf"],
    ["select_one_external ext", "se", "Se", "", "", "s1 = 'y'"],
    ["begin_repeat", "visit", "Visit"],
    ["text", "who", "Who"],
    ["select_one ${who}", "pick", "Pick"],
    ["end_repeat"],
]


def every_type_form() -> bytes:
    return workbook(
        EVERY_TYPE,
        [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]],
        external_choices=[["list_name", "name", "label", "s1"], ["ext", "a", "A", "y"]],
    )


def test_every_type_of_the_specification_imports():
    form = read_form(every_type_form())
    types = {q.name: q.type for q in form.questions}
    assert types == {
        "start": "start",
        "end": "end",
        "today": "today",
        "deviceid": "deviceid",
        "username": "username",
        "phonenumber": "phonenumber",
        "email": "email",
        "where_started": "start-geopoint",
        "t": "text",
        "i": "integer",
        "d": "decimal",
        "r": "range",
        "da": "date",
        "ti": "time",
        "dt": "datetime",
        "gp": "geopoint",
        "gt": "geotrace",
        "gs": "geoshape",
        "im": "image",
        "au": "audio",
        "vi": "video",
        "fi": "file",
        "ba": "barcode",
        "ac": "acknowledge",
        "no": "note",
        "ca": "calculate",
        "hi": "hidden",
        "s1": "select_one",
        "sm": "select_multiple",
        "rk": "rank",
        "sf": "select_one_from_file",
        "smf": "select_multiple_from_file",
        "se": "select_one_external",
        "who": "text",
        "pick": "select_one_from_repeat",
    }  # `audit` lives in pyxform's meta group, as Kobo's `meta/audit` column does
    by_name = {q.name: q for q in form.questions}
    assert by_name["rk"].list_name == "yn" and by_name["sf"].list_name == "places.csv"
    assert by_name["pick"].repeat == "visit" and by_name["who"].group == ("visit",)
    assert Form.from_json(form.to_json()) == form


def test_aliases_become_the_specification_types():
    form = read_form(
        workbook(
            [
                ["type", "name", "label"],
                ["int", "a", "A"],
                ["gps", "b", "B"],
                ["photo", "c", "C"],
                ["trigger", "d", "D"],
                ["imei", "e", ""],
                ["select one yn", "f", "F"],
                ["select all that apply yn", "g", "G"],
                ["q note", "h", "H"],
            ],
            [["list_name", "name", "label"], ["yn", "y", "Yes"]],
        )
    )
    assert [q.type for q in form.questions] == [
        "integer",
        "geopoint",
        "image",
        "acknowledge",
        "deviceid",
        "select_one",
        "select_multiple",
        "note",
    ]


def test_structure_ignores_what_the_first_importer_skipped():
    """A survey imported before (notes and calculates skipped) takes the same form again."""
    form = read_form(
        workbook(
            [
                ["type", "name", "label", "calculation"],
                ["start", "start"],
                ["text", "q", "Q"],
                ["calculate", "c", "", "1"],
                ["note", "n", "N"],
            ]
        )
    )
    assert form.structure() == [("q", "text", ())]


def test_repeats_round_trip_through_write_form():
    form = read_form(every_type_form())
    kept = Form(
        title="t",
        languages=form.languages,
        questions=[q for q in form.questions if q.name in ("t", "who", "s1")],
        choices=form.choices,
    )
    again = read_form(write_form(kept, {"default": "Default"}))
    assert [(q.name, q.group, q.repeat) for q in again.questions] == [
        ("t", (), ""),
        ("s1", (), ""),
        ("who", ("visit",), "visit"),
    ]


@pytest.mark.parametrize(
    ("survey", "choices", "expected"),
    [
        (
            [["type", "name", "label"], ["text", "q", "Q"], ["whatever", "w", "W"]],
            None,
            "sheet survey, row 3, column A: value 'whatever': Unknown question type 'whatever'.",
        ),
        (
            [["type", "name", "label"], ["text", "q", "Q"], ["text", "q", "Again"]],
            None,
            "sheet survey, row 3, column B: value 'q': On the 'survey' sheet, the 'name' value "
            "'q' is invalid.",
        ),
        (
            [["type", "label", "name"], ["text", "Q", "bad name"]],
            None,
            "sheet survey, row 2, column C: value 'bad name': On the 'survey' sheet, the 'name' "
            "value is invalid.",
        ),
        (
            [["type", "name", "label"], ["select_one nope", "q", "Q"]],
            [["list_name", "name", "label"], ["yn", "y", "Yes"]],
            "sheet survey, row 2, column A: value 'select_one nope': List name not in choices "
            "sheet: nope",
        ),
        (
            [["type", "name", "label"], ["select_one yn", "q", "Q"]],
            None,
            "sheet choices: missing: There should be a choices sheet in this xlsform.",
        ),
        (
            [["type", "name", "label"], ["text", "a", "${nowhere}"]],
            None,
            "sheet survey, row 2, column C: value '${nowhere}': On the 'survey' sheet, the "
            "'label' value is invalid. Reference variables must contain a name from the "
            "'survey' sheet. Could not find the name 'nowhere'.",
        ),
        (
            [["type", "name", "label", "label"], ["text", "a", "A", "B"]],
            None,
            "sheet survey, row 1, column D: value 'label': Duplicate column header: label",
        ),
        (
            [["name", "label"], ["a", "A"]],
            None,
            "sheet survey, row 1: Invalid headers provided for sheet: 'survey'.",
        ),
    ],
)
def test_pyxform_reasons_name_sheet_row_column_and_value(survey, choices, expected):
    assert expected in refused(workbook(survey, choices))


def test_a_form_pyxform_cannot_read_gets_a_message_not_a_traceback():
    # pyxform 4.5 fails on an external select without choice_filter with a bare KeyError.
    data = workbook(
        [["type", "name", "label"], ["select_one_external ext", "q", "Q"]],
        external_choices=[["list_name", "name", "label"], ["ext", "a", "A"]],
    )
    assert refused(data).startswith("pyxform could not read the form (KeyError")


def test_the_workbook_kind_is_decided_by_content_not_name():
    xls = (FORMS / "kpi-test_data_types.xls").read_bytes()
    assert workbook_kind(xls) == "xls" and workbook_kind(every_type_form()) == "xlsx"
    assert read_form(xls, name="looks-like.xlsx").questions
    with pytest.raises(FormError) as failure:
        read_form(b"type,name\ntext,q\n", name="form.xlsx")
    assert failure.value.messages == ["form.xlsx: not a readable .xlsx or .xls workbook (XLSForm)"]
    assert "form.xlsx" in refused_named(b"PK\x03\x04 but no zip at all", "form.xlsx")


def refused_named(data: bytes, name: str) -> str:
    with pytest.raises(FormError) as failure:
        read_form(data, name=name)
    return "; ".join(failure.value.messages)


def test_the_form_goes_through_the_intake_first(monkeypatch):
    xls = (FORMS / "pyxform-widgets.xls").read_bytes()
    monkeypatch.setattr(xlsform, "MAX_FORM_BYTES", len(xls) - 1)
    assert refused_named(xls, "big.xls") == "big.xls is 42 KB, larger than the 42 KB accepted."
    data = every_type_form()
    # Small on disk, large once unpacked: the archive's declared sizes are checked first.
    book = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry))
        archive.writestr("docProps/padding.xml", b"<a/>" + b" " * (len(data) * 4))
    monkeypatch.setattr(xlsform, "MAX_FORM_BYTES", len(data) * 3)
    limit = round(xlsform.MAX_FORM_BYTES / 1024)
    assert refused_named(book.getvalue(), "padded.xlsx") == (
        f"padded.xlsx: larger than {limit} KB once unpacked: not a questionnaire"
    )


def test_messages_name_the_file_when_it_is_named():
    data = workbook([["type", "name", "label"], ["whatever", "w", "W"]])
    assert refused_named(data, "mapeo.xlsx").startswith(
        "mapeo.xlsx: sheet survey, row 2, column A: value 'whatever'"
    )


def test_an_empty_survey_is_refused():
    assert refused(workbook([["type", "name", "label"]])) == (
        "sheet survey: the form has no questions"
    )
