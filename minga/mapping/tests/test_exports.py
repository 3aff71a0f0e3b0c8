"""The survey exports: labels from a questionnaire never become formulas."""

from __future__ import annotations

import csv
import dataclasses
import io

import openpyxl
import pytest

from minga.core.exports import FORMULA_TRIGGERS
from minga.mapping import actions
from minga.mapping.tests.conftest import KOBO_HEADER, KOBO_ROWS, small_form

# Choice labels (English) of the `countries` list, and the `country` question's label.
HOSTILE = {
    "co": '=HYPERLINK("http://x","y")',
    "mx": "@SUM(1+1)",
    "br": "+1+1",
}
QUESTION_LABEL = "-Country"
TAB_LABEL, CR_LABEL = "\t=1+1", "\r=1+1"


@pytest.fixture
def hostile_survey(world, tmp_path):
    form = small_form()
    form.choices["countries"] = [
        dataclasses.replace(c, labels={**c.labels, "en": HOSTILE[c.name]})
        for c in form.choices["countries"]
    ]
    women, youth, *others = form.choices["populations"]
    form.choices["populations"] = [
        dataclasses.replace(women, labels={**women.labels, "en": TAB_LABEL}),
        dataclasses.replace(youth, labels={**youth.labels, "en": CR_LABEL}),
        *others,
    ]
    form.questions = [
        dataclasses.replace(q, labels={**q.labels, "en": QUESTION_LABEL})
        if q.name == "country"
        else q
        for q in form.questions
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([KOBO_HEADER, *KOBO_ROWS])
    data = tmp_path / "export.csv"
    data.write_text(buffer.getvalue(), encoding="utf-8")
    actions.import_responses(
        actor=world.coordinator, network=world.network, name="mapeo", form=form, data=data
    )


def test_survey_csv_neutralizes_hostile_labels(world, client_as, hostile_survey):
    response = client_as(world.member, "en").get("/n/red/mapping/surveys/mapeo/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="mapeo-systematized.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    countries = {row[5]: row for row in rows if row[0] == "country"}
    assert countries["co"][1] == "'-Country"
    assert countries["co"][6] == "'" + HOSTILE["co"]
    assert countries["mx"][6] == "'@SUM(1+1)"
    assert countries["br"][6] == "'+1+1"
    # Numbers stay numbers: answered, count, percent.
    assert countries["co"][3:5] + countries["co"][7:] == ["4", "", "2", "50.0", ""]
    populations = {row[5]: row[6] for row in rows if row[0] == "populations"}
    assert populations["women"] == "'\t=1+1"
    assert populations["youth"] == "'\r'=1+1"
    assert not any(cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row)


def test_survey_xlsx_writes_hostile_labels_as_strings(world, client_as, hostile_survey):
    response = client_as(world.member, "en").get("/n/red/mapping/surveys/mapeo/export.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="mapeo-systematized.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["systematized"]
    rows = list(sheet.iter_rows())
    assert all(cell.data_type != "f" for row in rows for cell in row)
    labels = {row[5].value: row[6] for row in rows[1:]}
    for name, label in HOSTILE.items():
        assert (labels[name].value, labels[name].data_type) == (label, "s")
    assert (labels["women"].value, labels["women"].data_type) == (TAB_LABEL, "s")
    # XML reads a carriage return back as a line feed.
    assert (labels["youth"].value, labels["youth"].data_type) == ("\n=1+1", "s")
    country = next(row for row in rows if row[5].value == "co")
    assert (country[1].value, country[1].data_type) == (QUESTION_LABEL, "s")
    assert [(c.value, c.data_type) for c in (country[3], country[7], country[8])] == [
        (4, "n"),
        (2, "n"),
        (50, "n"),
    ]
