"""Real XLSForms published by others (pyxform, KoboToolbox, HOT, xlsform.org; see
fixtures/forms/SOURCES.md): each one is accepted, and its questions, types, groups, repeats
and choices match a count made here straight from the spreadsheet's cells (openpyxl for
.xlsx, xlrd for .xls), not through Minga's parser nor pyxform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlrd

from minga.mapping.xlsform import read_form, workbook_kind

FORMS = Path(__file__).parent / "fixtures" / "forms"
PUBLISHED = sorted(p.name for p in FORMS.iterdir() if p.suffix in (".xls", ".xlsx"))

# How the XLSForm specification names the types these forms spell otherwise.
ALIASES = {
    "int": "integer",
    "string": "text",
    "datetime": "datetime",
    "photo": "image",
    "trigger": "acknowledge",
    "imei": "deviceid",
    "uri:deviceid": "deviceid",
}
SELECT_PREFIXES = (
    ("select one from ", "select_one"),
    ("select all that apply from ", "select_multiple"),
    ("select one ", "select_one"),
    ("select all that apply ", "select_multiple"),
    ("select_one_from_file ", "select_one_from_file"),
    ("select_multiple_from_file ", "select_multiple_from_file"),
    ("select_one_external ", "select_one_external"),
    ("select_one ", "select_one"),
    ("select_multiple ", "select_multiple"),
    ("rank ", "rank"),
)


def sheets(path: Path) -> dict[str, list[list[Any]]]:
    if path.suffix == ".xls":
        book = xlrd.open_workbook(path)
        return {s.name.lower(): [s.row_values(i) for i in range(s.nrows)] for s in book.sheets()}
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {name.lower(): _rows(workbook[name]) for name in workbook.sheetnames}
    finally:
        workbook.close()


def _rows(sheet: Any) -> list[list[Any]]:
    """The rows until a long blank run: some of these sheets declare a million rows."""
    rows: list[list[Any]] = []
    blank = 0
    for row in sheet.iter_rows(values_only=True, max_col=64):
        blank = 0 if any(v not in (None, "") for v in row) else blank + 1
        if blank > 100:
            break
        rows.append(list(row))
    return rows


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as the spreadsheet shows a boolean cell
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value if value is not None else "").split())


def table(rows: list[list[Any]]) -> list[dict[str, str]]:
    header = [text(h).lower() for h in rows[0]]
    return [
        {header[i]: text(v) for i, v in enumerate(row) if i < len(header) and header[i]}
        for row in rows[1:]
    ]


def expected_form(path: Path) -> tuple[list[tuple[Any, ...]], dict[str, list[str]]]:
    """(name, type, list, group path, repeat) per question, and each used list's choices."""
    book = sheets(path)
    questions: list[tuple[Any, ...]] = []
    groups: list[tuple[str, bool]] = []
    with_other: set[str] = set()
    for row in table(book["survey"]):
        kind, name = row.get("type", ""), row.get("name", "")
        lowered = kind.lower()
        if not kind:
            continue
        if lowered.startswith(("begin", "end")) and ("group" in lowered or "repeat" in lowered):
            if lowered.startswith("begin"):
                groups.append((name, "repeat" in lowered))
            else:
                groups.pop()
            continue
        other = lowered.endswith(" or_other")
        kind = kind[: -len(" or_other")] if other else kind
        list_name = ""
        for prefix, select in SELECT_PREFIXES:
            if kind.lower().startswith(prefix):
                kind, list_name = select, kind[len(prefix) :].strip()
                break
        kind = ALIASES.get(kind.lower(), kind)
        path_ = tuple(g for g, _ in groups)
        repeat = next((g for g, is_repeat in reversed(groups) if is_repeat), "")
        questions.append((name, kind, list_name, path_, repeat))
        if other:
            with_other.add(list_name)
            questions.append((f"{name}_other", "text", "", path_, repeat))
    choices: dict[str, list[str]] = {}
    for row in table(book["choices"]) if book.get("choices") else []:
        list_name = row.get("list_name") or row.get("list name", "")
        if list_name and row.get("name"):
            choices.setdefault(list_name, []).append(row["name"])
    for list_name in with_other:
        choices[list_name].append("other")
    return questions, choices


def test_the_collection_is_varied():
    assert len(PUBLISHED) >= 8
    kinds = {workbook_kind((FORMS / name).read_bytes()) for name in PUBLISHED}
    assert kinds == {"xls", "xlsx"}
    books = {name: sheets(FORMS / name) for name in PUBLISHED}
    headers = {
        name: [text(h) for h in book["choices"][0]] if book.get("choices") else []
        for name, book in books.items()
    }
    assert any("list name" in header for header in headers.values())
    assert any("choices" not in book for book in books.values())
    labels = {text(h) for book in books.values() for h in book["survey"][0]}
    assert any("::" in h and "(" in h for h in labels)  # label::Name (code)
    assert any(h.startswith("label:") and "::" not in h for h in labels)  # label:english


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_form_matches_an_independent_count(name):
    path = FORMS / name
    form = read_form(path.read_bytes())
    questions, choices = expected_form(path)
    # pyxform names an unnamed note itself (ODK exports carry that name).
    found = [
        ("" if q.type == "note" and q.name.startswith("generated_note_name_") else q.name, *rest)
        for q in form.questions
        for rest in [(q.type, q.list_name, q.group, q.repeat)]
    ]
    assert found == questions
    for question in form.questions:
        if question.is_select or question.type == "rank":
            expected = choices[question.list_name]
            assert [c.name for c in form.choices_of(question)] == expected, question.name
    # Lists no question uses are kept too, as pyxform keeps them.
    assert set(choices) <= set(form.choices)


def test_published_forms_cover_repeats_and_many_types():
    forms = {name: read_form((FORMS / name).read_bytes()) for name in PUBLISHED}
    assert any(q.repeat for form in forms.values() for q in form.questions)
    types = {q.type for form in forms.values() for q in form.questions}
    assert {
        "geopoint",
        "geotrace",
        "image",
        "audio",
        "video",
        "barcode",
        "time",
        "datetime",
        "date",
        "range",
        "acknowledge",
        "note",
        "calculate",
        "select_one_from_file",
        "start",
        "end",
        "today",
        "deviceid",
        "username",
    } <= types
