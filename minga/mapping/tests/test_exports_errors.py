"""Bad exports: each refusal names the file or sheet, the row, the column and the value, on the
page and in the command line, and nothing is stored. Built from the real KoboToolbox export
of fixtures/exports (a repeat sheet altered here) and ODK Central's own test outputs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minga.core.models import AuditEntry
from minga.mapping.models import Response, Survey
from minga.mapping.xlsform import Form, read_form

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
UKR = EXPORTS / "kobo-ukr2306-durable-solutions.xlsx"
UKR_FORM = EXPORTS / "kobo-ukr2306-durable-solutions-form.xlsx"
MAIN = "UKR2306_CCCM_Durable_Solutio..."


@pytest.fixture(scope="module")
def ukr_form() -> Form:
    return read_form(UKR_FORM.read_bytes())


def altered(tmp_path: Path, change, name: str = "ukr.xlsx") -> Path:
    """The real export with `change(workbook)` applied (openpyxl, as a person would edit)."""
    book = openpyxl.load_workbook(UKR)
    change(book)
    path = tmp_path / name
    book.save(path)
    return path


def cell(book, sheet: str, header: str, row: int):
    titles = [c.value for c in book[sheet][1]]
    return book[sheet].cell(row=row, column=titles.index(header) + 1)


def command_error(world, data: Path, form: Path = UKR_FORM) -> str:
    with pytest.raises(CommandError) as failure:
        call_command(
            "survey",
            "import",
            "--network",
            world.network.slug,
            "--form",
            str(form),
            "--data",
            str(data),
            "--name",
            "ukr",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            verbosity=0,
        )
    return str(failure.value)


def assert_nothing_stored() -> None:
    assert not Survey.objects.exists()
    assert not Response.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="survey.").exists()


def test_a_bad_cell_on_the_repeat_sheet_names_sheet_row_column_and_value(world, tmp_path):
    def change(book):
        cell(book, "loop", "q2_1_2_members_sex", 4).value = "robot"

    text = command_error(world, altered(tmp_path, change))
    assert (
        "ukr.xlsx, sheet loop, row 4, column q2_1_2_members_sex: value 'robot': "
        "not a choice of" in text
    )
    assert "1 errors in total; nothing was imported." in text
    assert_nothing_stored()


def test_a_repeat_row_whose_submission_is_missing_is_refused(world, tmp_path):
    def change(book):
        cell(book, "loop", "_parent_index", 5).value = 999

    text = command_error(world, altered(tmp_path, change))
    assert "ukr.xlsx, sheet loop, row 5, column _parent_index: value '999'" in text
    assert f"no submission of ukr.xlsx, sheet {MAIN} has this index" in text
    assert_nothing_stored()


def test_a_sheet_that_is_no_repeat_of_the_form_is_refused(world, tmp_path):
    def change(book):
        extra = book.create_sheet("notes")
        extra.append(["comment", "who"])
        extra.append(["checked", "ana"])

    text = command_error(world, altered(tmp_path, change))
    assert "ukr.xlsx, sheet notes: not a repeat group of the form" in text
    assert_nothing_stored()


def test_a_repeat_sheet_without_its_parent_column_is_refused(world, tmp_path):
    def change(book):
        sheet = book["loop"]
        titles = [c.value for c in sheet[1]]
        sheet.delete_cols(titles.index("_parent_index") + 1)

    text = command_error(world, altered(tmp_path, change))
    assert "ukr.xlsx, sheet loop: no _parent_index or PARENT_KEY column" in text
    assert_nothing_stored()


def test_an_answer_of_a_repeat_question_on_the_main_sheet_is_refused(world, tmp_path):
    def change(book):
        # The real export carries this repeat question's column, empty, on its main sheet.
        cell(book, MAIN, "q2_1_1_members_age", 3).value = 41

    text = command_error(world, altered(tmp_path, change))
    assert f"ukr.xlsx, sheet {MAIN}, row 3, column q2_1_1_members_age: value '41'" in text
    assert "inside the repeat loop" in text
    assert_nothing_stored()


def test_an_odk_zip_without_one_submissions_file_is_refused(world, tmp_path):
    data = tmp_path / "two.zip"
    source_zip = EXPORTS / "odk-central-nested-repeats.zip"
    with zipfile.ZipFile(source_zip) as source, zipfile.ZipFile(data, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("other.csv", source.read("nested-repeats.csv"))
    text = command_error(world, data, EXPORTS / "odk-central-nested-repeats-form.xlsx")
    assert "two.zip: a zip export holds one CSV file of submissions" in text
    assert "holds 2" in text
    assert_nothing_stored()


def test_an_odk_repeat_row_with_a_bad_parent_key_is_refused(world, tmp_path):
    data = tmp_path / "orphan.zip"
    source_zip = EXPORTS / "odk-central-nested-repeats.zip"
    with zipfile.ZipFile(source_zip) as source, zipfile.ZipFile(data, "w") as target:
        for name in source.namelist():
            content = source.read(name).decode()
            if name.endswith("-g1.csv"):
                content = content.replace(",uuid:0a1b861f", ",uuid:ffffffff", 1)
            target.writestr(name, content)
    text = command_error(world, data, EXPORTS / "odk-central-nested-repeats-form.xlsx")
    assert "orphan.zip, file nested-repeats-g1.csv, row 2, column PARENT_KEY" in text
    assert "value 'uuid:ffffffff" in text
    assert_nothing_stored()


def test_a_choice_column_that_is_not_one_or_zero_is_refused(world, tmp_path):
    source = (EXPORTS / "odk-central-selectMultiple.csv").read_text(encoding="utf-8")
    header, *rows = source.splitlines()
    columns = header.split(",")
    keep = [i for i, name in enumerate(columns) if name != "q1"]  # only q1's value columns
    lines = [",".join(columns[i] for i in keep)]
    for number, row in enumerate(rows):
        cells = row.split(",")
        if number == 1:
            cells[columns.index("q1/y")] = "maybe"
        lines.append(",".join(cells[i] for i in keep))
    data = tmp_path / "split.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = command_error(world, data, EXPORTS / "odk-central-selectMultiple-form.xlsx")
    assert "split.csv, row 3, column q1/y: value 'maybe': not 1 or 0" in text
    assert_nothing_stored()


def test_an_old_xls_workbook_of_answers_is_refused_with_a_way_out(world, tmp_path):
    data = tmp_path / "answers.xls"
    data.write_bytes(
        (Path(__file__).parent / "fixtures" / "forms" / "hot-transportation.xls").read_bytes()
    )
    text = command_error(world, data)
    assert "answers.xls is an old Excel workbook (.xls)" in text
    assert_nothing_stored()


# The page ------------------------------------------------------------------------------------


def post(client, data: Path, name: str, form: Path = UKR_FORM):
    data_file = io.BytesIO(data.read_bytes())
    data_file.name = name
    form_file = io.BytesIO(form.read_bytes())
    form_file.name = form.name
    files = {"name": "ukr", "data_file": data_file, "form_file": form_file}
    return client.post("/n/red/mapping/import/", files)


def test_the_page_shows_a_repeat_sheets_error_and_stores_nothing(world, client_as, tmp_path):
    def change(book):
        cell(book, "loop", "q2_1_1_members_age", 6).value = "forty"

    response = post(client_as(world.coordinator), altered(tmp_path, change), "Mi export.xlsx")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Mi export.xlsx, sheet loop, row 6, column q2_1_1_members_age" in page
    assert "&#x27;forty&#x27;: not a whole number" in page
    assert "Traceback" not in page
    assert_nothing_stored()


def test_the_page_imports_the_repeats_and_the_report_shows_both_denominators(
    world, client_as, tmp_path
):
    client = client_as(world.coordinator)
    response = post(client, UKR, "ukr.xlsx")
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "Asked once per instance of the repeat loop: 12 instances in 7 submissions" in page


def test_the_page_answers_in_the_persons_language(world, client_as, tmp_path, settings):
    def change(book):
        cell(book, "loop", "q2_1_2_members_sex", 4).value = "robot"

    client = client_as(world.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = post(client, altered(tmp_path, change), "ukr.xlsx")
    page = response.content.decode()
    assert "1 errores en total; no se importó nada." in page
    assert (
        "ukr.xlsx, hoja loop, fila 4, columna q2_1_2_members_sex: "
        "valor &#x27;robot&#x27;: no es una opción de sex"
    ) in page
    assert_nothing_stored()


def test_every_part_of_a_message_goes_through_the_translation():
    from minga.mapping.answers import CellError, Message

    error = CellError(4, "sex", "robot", Message("not a choice of %(list)s", list="sex"), "f.csv")
    marked = error.message().render(lambda text: f"<{text}>")
    assert marked == "<f.csv, <row 4, column sex: value 'robot': <not a choice of sex>>>"
