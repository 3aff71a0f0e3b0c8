"""`minga survey import`: every export format, every error path, idempotent re-imports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minga.core.models import AuditEntry
from minga.mapping.models import Response, Survey
from minga.mapping.tests.conftest import KOBO_HEADER, KOBO_ROWS, write_xlsx

pytestmark = pytest.mark.django_db


def csv_text(rows, delimiter=";"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("survey", *args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue()


def do_import(world, form_path, data_path, *extra, name="mapeo"):
    return run(
        "import",
        "--network",
        world.network.slug,
        "--form",
        str(form_path),
        "--data",
        str(data_path),
        "--name",
        name,
        *extra,
    )


def systematize(world, name="mapeo", *extra):
    return json.loads(run("systematize", name, "--network", world.network.slug, "--json", *extra))


def assert_kobo_figures(world):
    data = systematize(world)
    assert data["respondents"] == 4
    country = data["questions"]["country"]
    assert country == {
        "type": "select_one",
        "answered": 4,
        "options": {
            "co": {"count": 2, "percent": 50.0},
            "mx": {"count": 1, "percent": 25.0},
            "br": {"count": 1, "percent": 25.0},
        },
    }
    populations = data["questions"]["populations"]
    assert populations["answered"] == 3
    assert populations["selections"] == 5
    assert populations["options"]["women"] == {
        "count": 2,
        "percent": 66.67,
        "percent_of_selections": 40.0,
    }
    assert populations["options"]["indigenous"] == {
        "count": 1,
        "percent": 33.33,
        "percent_of_selections": 20.0,
    }
    assert set(data["questions"]) == {"country", "populations"}


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_kobo_csv_imports_with_either_delimiter_and_encoding(
    world, form_path, tmp_path, delimiter, encoding
):
    data = tmp_path / "export.csv"
    data.write_bytes(csv_text([KOBO_HEADER, *KOBO_ROWS], delimiter).encode(encoding))
    output = do_import(world, form_path, data)
    assert "Imported 4 responses" in output
    assert_kobo_figures(world)
    top = json.loads(run("top", "mapeo", "city", "--network", "red", "--json"))
    assert top == [{"value": "Bogotá", "count": 3}, {"value": "Recife", "count": 1}]


def test_kobo_xlsx_export_imports(world, form_path, tmp_path):
    rows: list[list[Any]] = [KOBO_HEADER]
    rows += [[12 if c == "12" else c for c in row] for row in KOBO_ROWS]
    data = write_xlsx(tmp_path / "export.xlsx", rows)
    do_import(world, form_path, data)
    assert_kobo_figures(world)


def test_kobo_export_with_labels_in_another_language_maps_back_to_names(world, form_path, tmp_path):
    header = ["Sobre/Nome", "Sobre/País", "Sobre/Cidade", "Sobre/Populações", "Equipe"]
    rows = [
        ["Uno", "Colômbia", "Bogotá", "Mulheres Juventudes", "3"],
        ["Dos", "Colômbia", "bogota", "Mulheres", "4"],
        ["Tres", "México", "Bogotá", "Juventudes Comunidades indígenas", ""],
        ["Cuatro", "Brasil", "Recife", "", "7"],
    ]
    data = tmp_path / "labels.csv"
    data.write_text(csv_text([header, *rows], ","), encoding="utf-8")
    do_import(world, form_path, data)
    assert_kobo_figures(world)


def test_google_forms_csv_with_labels_joined_by_commas(world, form_path, tmp_path):
    header = ["Marca temporal", "Nombre", "País", "Ciudad", "Poblaciones", "Equipo"]
    rows = [
        ["2024/01/01 10:00", "Uno", "Colombia", "Bogotá", "Mujeres, Juventudes", "12"],
        ["2024/01/01 10:00", "Dos", "Colombia", "bogota", "Mujeres", "4"],
        [
            "2024/01/01 10:00",
            "Tres",
            "México",
            "Bogotá",
            "Juventudes, Comunidades indígenas, originarias",
            "",
        ],
        ["2024/01/01 10:00", "Cuatro", "Brasil", "Recife", "", "7"],
    ]
    data = tmp_path / "google.csv"
    data.write_text(csv_text([header, *rows], ","), encoding="utf-8")
    do_import(world, form_path, data)
    assert_kobo_figures(world)


def test_quoted_cells_with_delimiters_quotes_and_newlines_are_read_whole(
    world, form_path, tmp_path
):
    data = tmp_path / "quoted.csv"
    data.write_text(
        "about/org_name;about/country;about/city;_uuid\n"
        '"Red ""Sur""; norte\ny centro";co;"Cali; Valle";q-1\n',
        encoding="utf-8",
    )
    do_import(world, form_path, data)
    answers = Response.objects.get().answers
    assert answers == {
        "org_name": 'Red "Sur"; norte\ny centro',
        "country": "co",
        "city": "Cali; Valle",
    }


def test_reimporting_the_same_submissions_adds_nothing(world, form_path, tmp_path):
    data = tmp_path / "export.csv"
    data.write_text(csv_text([KOBO_HEADER, *KOBO_ROWS]), encoding="utf-8")
    do_import(world, form_path, data)
    output = do_import(world, form_path, data)
    assert "Imported 0 responses" in output and "4 already there" in output
    assert Response.objects.count() == 4
    assert systematize(world)["respondents"] == 4


def test_reimport_without_uuid_recognizes_the_same_row_content(world, form_path, tmp_path):
    header = KOBO_HEADER[:9]
    data = tmp_path / "no-uuid.csv"
    data.write_text(csv_text([header, *[row[:9] for row in KOBO_ROWS]]), encoding="utf-8")
    do_import(world, form_path, data)
    more = tmp_path / "more.csv"
    extra = ["2024-01-02", "Cinco", "mx", "Puebla", "", "0", "0", "0", "1"]
    more.write_text(csv_text([header, *[r[:9] for r in KOBO_ROWS], extra]), encoding="utf-8")
    assert "Imported 1 responses" in do_import(world, form_path, more)
    assert systematize(world)["respondents"] == 5


def assert_nothing_stored():
    assert Survey.objects.count() == 0
    assert Response.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="survey.").exists()


@pytest.mark.parametrize(
    ("cell_index", "value", "message"),
    [
        (2, "ar", "row 3, column about/country: value 'ar': not a choice of countries"),
        (4, "women elders", "row 3, column about/populations: value 'women elders': not choices"),
        (8, "doce", "row 3, column staff: value 'doce': not a whole number"),
    ],
)
def test_a_bad_cell_stops_the_import_naming_row_column_and_value(
    world, form_path, tmp_path, cell_index, value, message
):
    rows = [list(row) for row in KOBO_ROWS]
    rows[1][cell_index] = value
    data = tmp_path / "bad.csv"
    data.write_text(csv_text([KOBO_HEADER, *rows]), encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        do_import(world, form_path, data)
    assert message in str(failure.value)
    assert "1 errors in total; nothing was imported." in str(failure.value)
    assert_nothing_stored()


def test_many_bad_cells_report_the_first_ones_and_the_total(world, form_path, tmp_path):
    rows = [["x", "Org", "zz", "c", "", "0", "0", "0", "1", str(i), f"u{i}", ""] for i in range(25)]
    data = tmp_path / "bad.csv"
    data.write_text(csv_text([KOBO_HEADER, *rows]), encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        do_import(world, form_path, data)
    text = str(failure.value)
    assert text.count("not a choice of countries") == 10
    assert "row 2, column about/country" in text
    assert "25 errors in total; nothing was imported." in text
    assert_nothing_stored()


def test_an_error_after_the_first_batch_still_stores_nothing(world, form_path, tmp_path):
    rows = [
        ["x", f"Org {i}", "co", "c", "", "0", "0", "0", "1", str(i), f"u{i}", ""]
        for i in range(2500)
    ]
    rows[2400][2] = "zz"
    data = tmp_path / "late.csv"
    data.write_text(csv_text([KOBO_HEADER, *rows]), encoding="utf-8")
    with pytest.raises(CommandError, match="row 2402, column about/country: value 'zz'"):
        do_import(world, form_path, data)
    assert_nothing_stored()


def test_an_unknown_column_is_refused(world, form_path, tmp_path):
    data = tmp_path / "unknown.csv"
    data.write_text("about/country;favourite_colour\nco;blue\n", encoding="utf-8")
    with pytest.raises(CommandError, match="column B: header 'favourite_colour': not a question"):
        do_import(world, form_path, data)
    assert_nothing_stored()


def test_an_invalid_form_is_refused_naming_sheet_row_and_column(world, tmp_path):
    form = write_xlsx(
        tmp_path / "form.xlsx", [["type", "name", "label"], ["select_one nolist", "q", "Q"]]
    )
    data = tmp_path / "d.csv"
    data.write_text("q\na\n", encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        do_import(world, form, data)
    assert "sheet choices: missing" in str(failure.value)
    assert_nothing_stored()


def test_an_empty_data_file_is_refused(world, form_path, tmp_path):
    data = tmp_path / "empty.csv"
    data.write_text("", encoding="utf-8")
    # The intake names the file (issue #11: every message names the file).
    with pytest.raises(CommandError, match=r"empty\.csv is empty"):
        do_import(world, form_path, data)
    assert_nothing_stored()


def test_a_survey_cannot_be_reimported_with_a_different_form(world, form_path, tmp_path):
    from minga.mapping.template import TEMPLATE_PATH

    data = tmp_path / "export.csv"
    data.write_text(csv_text([KOBO_HEADER, *KOBO_ROWS]), encoding="utf-8")
    do_import(world, form_path, data)
    other = tmp_path / "other.csv"
    other.write_text("about_org/country\nco\n", encoding="utf-8")
    with pytest.raises(CommandError, match="another form"):
        do_import(world, TEMPLATE_PATH, other)
    assert Response.objects.count() == 4


def test_filters_crosstabs_and_the_network_default(world, form_path, tmp_path):
    data = tmp_path / "export.csv"
    data.write_text(csv_text([KOBO_HEADER, *KOBO_ROWS]), encoding="utf-8")
    do_import(world, form_path, data)
    only_co = systematize(world, "mapeo", "--where", "country=co")
    assert only_co["respondents"] == 2
    assert only_co["questions"]["populations"]["options"]["women"]["count"] == 2
    youth = systematize(world, "mapeo", "--where", "populations=youth")
    assert youth["respondents"] == 2
    assert youth["questions"]["country"]["options"]["mx"] == {"count": 1, "percent": 50.0}
    table = json.loads(
        run("crosstab", "mapeo", "country", "populations", "--network", "red", "--json")
    )
    assert table == {
        "co": {"women": 2, "youth": 1, "indigenous": 0},
        "mx": {"women": 0, "youth": 1, "indigenous": 1},
        "br": {"women": 0, "youth": 0, "indigenous": 0},
    }
    with pytest.raises(CommandError, match="--network"):
        run("systematize", "mapeo", "--json")
    world.other_network.delete()
    assert json.loads(run("systematize", "mapeo", "--json"))["respondents"] == 4
    with pytest.raises(CommandError, match="where"):
        run("systematize", "mapeo", "--json", "--where", "country=zz")


def test_import_can_create_and_update_organizations(world, form_path, tmp_path):
    rows = [
        ["Fundación A", "co", "Medellín", "1"],
        ["Colectivo Nuevo", "mx", "Puebla", "2"],
    ]
    data = tmp_path / "orgs.csv"
    data.write_text(csv_text([["about/org_name", "about/country", "about/city", "_uuid"], *rows]))
    output = run(
        "import",
        "--network",
        "red",
        "--form",
        str(form_path),
        "--data",
        str(data),
        "--name",
        "orgs",
        "--organizations",
        "--as",
        world.coordinator.username,
    )
    assert "1 created, 1 updated" in output
    world.org_a.refresh_from_db()
    assert world.org_a.city == "Medellín"
    created = world.network.organizations.get(name="Colectivo Nuevo")
    assert created.country.code == "MX"
    assert Response.objects.filter(organization=created).exists()


def test_a_latin_1_file_whose_first_accent_is_past_the_prefix_imports_once(
    world, form_path, tmp_path, monkeypatch
):
    from minga.mapping import actions

    monkeypatch.setattr(actions, "BATCH", 50)  # batches are stored before the accent is read
    inserted = []
    insert = actions._insert

    def counting_insert(survey, rows):
        inserted.append(len(rows))
        insert(survey, rows)

    monkeypatch.setattr(actions, "_insert", counting_insert)
    rows = [
        ["x", f"Org {i}", "co", "Cali", "", "0", "0", "0", "1", str(i), f"u{i}", ""]
        for i in range(300)
    ]
    rows[-1][3] = "Bogotá"
    data = tmp_path / "late-latin-1.csv"
    data.write_bytes(csv_text([KOBO_HEADER, *rows]).encode("latin-1"))
    assert "Imported 300 responses" in do_import(world, form_path, data)
    assert Response.objects.count() == 300
    assert Response.objects.get(key="u299").answers["city"] == "Bogotá"
    assert systematize(world)["respondents"] == 300
    assert AuditEntry.objects.filter(action="survey.create").count() == 1
    assert sum(inserted) == 300  # the intake tells the encoding before a row is stored


@pytest.mark.parametrize("known_keys", [50_000, 3])
def test_repeats_across_batches_are_counted_once(
    world, form_path, tmp_path, monkeypatch, known_keys
):
    from minga.mapping import actions

    monkeypatch.setattr(actions, "BATCH", 2)
    monkeypatch.setattr(actions, "KNOWN_KEYS", known_keys)
    rows = [list(row) for row in KOBO_ROWS]
    data = tmp_path / "repeats.csv"
    data.write_text(csv_text([KOBO_HEADER, *rows, rows[0], *rows, rows[3]]), encoding="utf-8")
    output = do_import(world, form_path, data)
    assert "Imported 4 responses" in output and "(6 already there)" in output
    assert Response.objects.count() == 4
    assert_kobo_figures(world)
    again = do_import(world, form_path, data)
    assert "Imported 0 responses" in again and "(10 already there)" in again
    assert_kobo_figures(world)


def test_rows_without_uuid_repeated_in_the_file_are_counted_once(world, form_path, tmp_path):
    header = KOBO_HEADER[:9]
    rows = [row[:9] for row in KOBO_ROWS]
    data = tmp_path / "no-uuid-repeats.csv"
    data.write_text(csv_text([header, *rows, *rows]), encoding="utf-8")
    assert "Imported 4 responses" in do_import(world, form_path, data)
    assert_kobo_figures(world)


def test_import_without_as_is_recorded_as_by_the_system(world, form_path, tmp_path):
    data = tmp_path / "export.csv"
    data.write_text(csv_text([KOBO_HEADER, *KOBO_ROWS]), encoding="utf-8")
    do_import(world, form_path, data)
    entry = AuditEntry.objects.get(action="survey.create")
    assert entry.by_system and entry.actor is None
    assert Survey.objects.get().created_by is None


def test_import_as_a_person_is_recorded_as_theirs_and_needs_their_role(world, form_path, tmp_path):
    data = tmp_path / "export.csv"
    data.write_text(csv_text([KOBO_HEADER, *KOBO_ROWS]), encoding="utf-8")
    with pytest.raises(CommandError, match="mateo may not do this"):
        do_import(world, form_path, data, "--as", world.member.username)
    assert_nothing_stored()
    with pytest.raises(CommandError, match="No user nobody"):
        do_import(world, form_path, data, "--as", "nobody")
    assert_nothing_stored()
    do_import(world, form_path, data, "--as", world.coordinator.username)
    entry = AuditEntry.objects.get(action="survey.create")
    assert entry.actor == world.coordinator and not entry.by_system


def test_organizations_on_import_still_need_a_person(world, form_path, tmp_path):
    data = tmp_path / "export.csv"
    data.write_text(csv_text([KOBO_HEADER, *KOBO_ROWS]), encoding="utf-8")
    with pytest.raises(CommandError, match=r"--organizations needs --as USERNAME\."):
        do_import(world, form_path, data, "--organizations")
    assert_nothing_stored()
