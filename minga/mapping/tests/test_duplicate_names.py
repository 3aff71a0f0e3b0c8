"""pyxform allows one question name in two groups (`name` in `respondent` and in `household`):
each question keeps its own answers, figures and parameters, keyed by its group path."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from minga.core.permissions import SYSTEM
from minga.mapping import actions, queries
from minga.mapping.models import Survey
from minga.mapping.xlsform import read_form

SURVEY = [
    ["type", "name", "label"],
    ["begin group", "respondent", "Respondent"],
    ["text", "name", "Name"],
    ["select_one sex", "sex", "Sex"],
    ["end group", "", ""],
    ["begin group", "household", "Household"],
    ["text", "name", "Name"],
    ["select_one sex", "sex", "Sex"],
    ["integer", "size", "Size"],
    ["end group", "", ""],
]
CHOICES = [["list_name", "name", "label"], ["sex", "f", "Female"], ["sex", "m", "Male"]]
ROWS = [
    ["Ana", "f", "Pérez", "m", "3"],
    ["Bea", "f", "Gómez", "f", "4"],
    ["Carlos", "m", "Pérez", "m", "2"],
    ["Dina", "f", "Ruiz", "m", "5"],
]
GROUPS = ["respondent", "respondent", "household", "household", "household"]
NAMES = ["name", "sex", "name", "sex", "size"]
LABELS = ["Name", "Sex", "Name", "Sex", "Size"]


def form_bytes() -> bytes:
    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    for row in SURVEY:
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in CHOICES:
        choices.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(tmp_path, header: list[str], delimiter: str = ";"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *ROWS])
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def independent(path, column: int, delimiter: str = ";") -> Counter[str]:
    """The file's own count of one column (by position: labels may repeat), without Minga."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))[1:]
    return Counter(row[column] for row in rows)


def test_each_question_gets_its_own_key_and_unique_names_keep_theirs():
    form = read_form(form_bytes(), name="dup.xlsx")
    assert [q.key for q in form.questions] == [
        "respondent/name",
        "respondent/sex",
        "household/name",
        "household/sex",
        "size",
    ]
    assert form.question("household/sex") is form.questions[3]
    assert form.question("size") is form.questions[4]
    assert form.question("sex") is None


KOBO = [f"{g}/{n}" for g, n in zip(GROUPS, NAMES, strict=True)]
ODK = [f"{g}-{n}" for g, n in zip(GROUPS, NAMES, strict=True)]
LABELLED = [f"{g.title()}/{label}" for g, label in zip(GROUPS, LABELS, strict=True)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "delimiter"), [(KOBO, ";"), (ODK, ","), (LABELS, ";"), (LABELLED, ";")]
)
def test_answers_stats_and_parameters_stay_apart(world, tmp_path, header, delimiter):
    form = read_form(form_bytes(), name="dup.xlsx")
    path = export(tmp_path, header, delimiter)
    result = actions.import_responses(
        actor=SYSTEM, network=world.network, name="dup", form=form, data=path
    )
    assert result.created == len(ROWS)
    survey = Survey.objects.get(name="dup")
    stored = [r.answers for r in survey.responses.order_by("pk")]
    assert [(a["respondent/name"], a["household/name"], a["size"]) for a in stored] == [
        (row[0], row[2], int(row[4])) for row in ROWS
    ]
    assert not any("name" in a or "sex" in a for a in stored)
    figures = queries.systematize(survey)["questions"]
    for index, key in ((1, "respondent/sex"), (3, "household/sex")):
        counted = independent(path, index, delimiter)
        assert {c: o["count"] for c, o in figures[key]["options"].items()} == {
            "f": counted["f"],
            "m": counted["m"],
        }
    assert figures["respondent/sex"]["options"]["f"]["count"] == 3
    assert figures["household/sex"]["options"]["f"]["count"] == 1
    top = queries.top(survey, "household/name")
    assert {t["value"]: t["count"] for t in top}["Pérez"] == 2
    assert not any(t["value"] == "Ana" for t in top)
    where = queries.parse_where("respondent/sex=f", survey)
    table = queries.crosstab(survey, "respondent/sex", "household/sex", where)
    assert table is not None
    again = actions.import_responses(
        actor=SYSTEM, network=world.network, name="dup", form=form, data=path
    )
    assert again.created == 0


@pytest.mark.django_db
def test_a_bare_duplicated_name_is_refused_as_a_parameter(world, tmp_path):
    form = read_form(form_bytes(), name="dup.xlsx")
    actions.import_responses(
        actor=SYSTEM, network=world.network, name="dup", form=form, data=export(tmp_path, KOBO)
    )
    survey = Survey.objects.get(name="dup")
    with pytest.raises(ValidationError) as raised:
        queries.crosstab(survey, "sex", "household/sex")
    assert "sex is not a select question of the survey." in str(raised.value)


@pytest.mark.django_db
def test_the_report_its_charts_and_its_export_name_each_question_by_its_path(
    world, client_as, tmp_path
):
    form = read_form(form_bytes(), name="dup.xlsx")
    actions.import_responses(
        actor=SYSTEM, network=world.network, name="dup", form=form, data=export(tmp_path, KOBO)
    )
    client = client_as(world.coordinator)
    base = "/n/red/mapping/surveys/dup/"
    page = client.get(base + "?where=household/sex=f")
    assert page.status_code == 200
    assert 'id="q-household/sex"' in page.content.decode()
    for url in (
        "charts/respondent/sex.svg",
        "charts/household/sex.svg",
        "crosstab.svg?row=respondent/sex&col=household/sex",
    ):
        assert client.get(base + url).status_code == 200, url
    assert client.get(base + "charts/sex.svg").status_code == 404
    rows = list(csv.reader(io.StringIO(client.get(base + "export.csv").content.decode())))
    header = rows[0]
    counts = {
        (row[0], row[header.index("choice")]): int(row[header.index("count")]) for row in rows[1:]
    }
    assert counts[("respondent/sex", "f")] == 3
    assert counts[("household/sex", "f")] == 1


@pytest.mark.django_db
def test_the_command_line_takes_the_paths(world, tmp_path):
    form_path = tmp_path / "dup.xlsx"
    form_path.write_bytes(form_bytes())
    data = export(tmp_path, ODK, ",")

    def run(*args: str) -> str:
        out = io.StringIO()
        call_command("survey", *args, stdout=out, stderr=io.StringIO(), verbosity=0)
        return out.getvalue()

    network = ["--network", world.network.slug]
    run("import", *network, "--form", str(form_path), "--data", str(data), "--name", "dup")
    table = json.loads(
        run("crosstab", "dup", "respondent/sex", "household/sex", "--json", *network)
    )
    assert table == {"f": {"f": 1, "m": 2}, "m": {"f": 0, "m": 1}}
    top = json.loads(
        run("top", "dup", "respondent/name", "--where", "household/sex=m", "--json", *network)
    )
    assert sorted(t["value"] for t in top) == ["Ana", "Carlos", "Dina"]
