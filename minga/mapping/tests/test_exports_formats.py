"""Exports in the styles of the main tools, from published sources (fixtures/exports/SOURCES.md):
KoboToolbox (formpack's own output: names or labels, with or without group paths, CSV with
`;` or `,`, XLSX with a sheet per repeat, nested repeats) and ODK Central (its own test
outputs: `-` group paths, split geopoints and select_multiples, a zip with a file per
repeat). Each count is checked against one taken here from the file with csv/openpyxl."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from minga.core.permissions import SYSTEM
from minga.mapping import actions, queries, stats
from minga.mapping.models import Response, Survey
from minga.mapping.xlsform import Form, read_form

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
FORMS = Path(__file__).parent / "fixtures" / "forms"


def form_of(name: str) -> Form:
    return read_form((EXPORTS / name).read_bytes())


def do_import(world, form: Form, data: Path, name: str = "s") -> actions.ImportResult:
    return actions.import_responses(
        actor=SYSTEM, network=world.network, name=name, form=form, data=data, title=name
    )


def csv_dicts(text: str) -> list[dict[str, str]]:
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    )
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def workbook(path: Path) -> dict[str, list[dict[str, Any]]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        sheets[sheet.title] = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    book.close()
    return sheets


def counted(values: list[Any], multiple: bool = False) -> dict[str, int]:
    found: Counter[str] = Counter()
    for value in values:
        if value in (None, ""):
            continue
        found.update(str(value).split() if multiple else [str(value)])
    return dict(found)


def option_counts(entry: dict[str, Any]) -> dict[str, int]:
    return {name: option["count"] for name, option in entry["options"].items() if option["count"]}


# KoboToolbox ---------------------------------------------------------------------------------


def test_kobo_names_and_labels_exports_of_a_repeat_store_the_same_answers(world):
    form = form_of("formpack-grouped_repeatable-form.xlsx")
    names = EXPORTS / "formpack-grouped_repeatable-names-groups.xlsx"
    sheets = list(workbook(names).values())
    main, members = sheets[0], sheets[1]
    first = do_import(world, form, names, "names")
    assert (first.created, first.instances) == (len(main), {"houshold_member_repeat": 13})
    assert len(members) == 13
    second = do_import(
        world, form, EXPORTS / "formpack-grouped_repeatable-labels-groups.xlsx", "labels"
    )
    assert second.created == len(main)
    stored = {
        name: sorted(
            str(sorted(r.answers.items(), key=str))
            for r in Response.objects.filter(survey__name=name)
        )
        for name in ("names", "labels")
    }
    assert stored["names"] == stored["labels"]
    survey = Survey.objects.get(name="names")
    top = queries.top(survey, "household_member_name")
    expected = counted(
        [row["household_visit/houshold_member_repeat/household_member_name"] for row in members]
    )
    assert {item["value"]: item["count"] for item in top} == expected


def test_kobo_csv_with_commas_reads_the_main_table_and_warns_of_the_repeat(world):
    form = form_of("formpack-grouped_repeatable-form.xlsx")
    data = EXPORTS / "formpack-grouped_repeatable-names-groups-comma.csv"
    rows = csv_dicts(data.read_text(encoding="utf-8"))
    result = do_import(world, form, data)
    assert result.created == len(rows) == 6
    [warning] = result.warnings
    assert "houshold_member_repeat" in warning and "household_member_name" in warning
    locations = counted([row["household_visit/household_location"] for row in rows])
    top = queries.top(Survey.objects.get(), "household_location")
    assert {item["value"]: item["count"] for item in top} == locations


@pytest.mark.parametrize(
    "export",
    [
        "formpack-grouped_translated-names.xlsx",
        "formpack-grouped_translated-labels-english-groups.csv",
        "formpack-grouped_translated-labels-espanol.csv",
    ],
)
def test_kobo_names_and_labels_in_each_language_give_the_same_figures(world, export):
    form = form_of("formpack-grouped_translated-form.xlsx")
    reference = next(iter(workbook(EXPORTS / "formpack-grouped_translated-names.xlsx").values()))
    do_import(world, form, EXPORTS / export)
    figures = queries.systematize(Survey.objects.get())
    assert figures["respondents"] == len(reference) == 3
    symmetry = figures["questions"]["What_kind_of_symmetry_do_you_have"]
    assert option_counts(symmetry) == counted(
        [row["What_kind_of_symmetry_do_you_have"] for row in reference], multiple=True
    )
    fluids = figures["questions"]["Do_you_have_body_flu_intracellular_space"]
    assert option_counts(fluids) == counted(
        [row["Do_you_have_body_flu_intracellular_space"] for row in reference]
    )


def test_kobo_nested_repeats_nest_each_instance_under_its_parent(world):
    form = form_of("formpack-nested_grouped_repeatable-form.xlsx")
    data = EXPORTS / "formpack-nested_grouped_repeatable-names-groups.xlsx"
    sheets = workbook(data)
    main, trees, nests, eggs = sheets.values()
    result = do_import(world, form, data)
    assert (
        result.instances
        == {
            "group_tree": len(trees),
            "group_nest": len(nests),
            "group_egg": len(eggs),
        }
        == {"group_tree": 3, "group_nest": 4, "group_egg": 7}
    )
    # Eggs per nest, by the sheets' _index/_parent_index, against the stored nesting.
    eggs_per_nest = Counter(row["_parent_index"] for row in eggs)
    expected = sorted(eggs_per_nest[row["_index"]] for row in nests)
    stored = sorted(
        len(nest.get("group_egg", []))
        for response in Response.objects.all()
        for tree in response.answers.get("group_tree", [])
        for nest in tree.get("group_nest", [])
    )
    assert stored == expected
    survey = Survey.objects.get()
    trees_entry = queries.systematize(survey)["questions"]["What_kind_of_tree_is_this"]
    assert trees_entry["instances"] == 3 and trees_entry["submissions"] == len(main)
    assert option_counts(trees_entry) == counted(
        [row["group_tree/What_kind_of_tree_is_this"] for row in trees]
    )
    heights = stats.numbers(queries.answers(survey), "How_many_eggs_are_in_the_nest", "group_nest")
    values = [int(row["group_tree/group_nest/How_many_eggs_are_in_the_nest"]) for row in nests]
    assert (heights.answered, heights.maximum) == (len(values), max(values))
    texts = queries.top(survey, "Describe_the_egg")
    assert sum(item["count"] for item in texts) == len(
        [r for r in eggs if r["group_tree/group_nest/group_egg/Describe_the_egg"]]
    )


@pytest.mark.parametrize(
    "export",
    [
        "formpack-hot-waste_collection-labels-english.csv",
        "formpack-hot-waste_collection-labels-english-groups.csv",
        "formpack-hot-waste_collection-names-groups.xlsx",
    ],
)
def test_kobo_labels_shared_by_two_questions_are_told_apart_by_position(world, export):
    """HOT's waste collection form asks "Please specify" twice in one group, and its choice
    labels hold `/`: the columns still land on the right questions."""
    form = read_form((FORMS / "hot-waste_collection.xlsx").read_bytes())
    names = next(
        iter(workbook(EXPORTS / "formpack-hot-waste_collection-names-groups.xlsx").values())
    )
    do_import(world, form, EXPORTS / export)
    stored = {r.key: r.answers for r in Response.objects.all()}
    assert len(stored) == len(names) == 8
    for row in names:
        answers = stored[row["_uuid"]]
        assert answers["whylitter"] == row["Litter/whylitter"]
        assert answers["whyolitter"] == row["Litter/whyolitter"]
        assert answers["otherlitter"] == row["Litter/otherlitter"].split()
        assert answers["storage"] == row["storing/storage"]
    figures = queries.systematize(Survey.objects.get())
    assert option_counts(figures["questions"]["otherlitter"]) == counted(
        [row["Litter/otherlitter"] for row in names], multiple=True
    )


def test_a_label_column_that_position_cannot_place_names_both_questions(world, tmp_path):
    form = read_form((FORMS / "hot-waste_collection.xlsx").read_bytes())
    data = tmp_path / "specify.csv"
    data.write_text("Ward name;Please specify\nMbopo;why\n", encoding="utf-8")
    with pytest.raises(ValidationError) as failure:
        do_import(world, form, data)
    text = " ".join(failure.value.messages)
    assert "specify.csv, column B: header 'Please specify' could be question" in text
    assert "whylitter" in text and "whyolitter" in text
    assert not Survey.objects.exists() and not Response.objects.exists()


# ODK Central ---------------------------------------------------------------------------------


def test_odk_central_zip_with_a_file_per_nested_repeat(world):
    form = form_of("odk-central-nested-repeats-form.xlsx")
    data = EXPORTS / "odk-central-nested-repeats.zip"
    with zipfile.ZipFile(data) as archive:
        files = {name: csv_dicts(archive.read(name).decode("utf-8")) for name in archive.namelist()}
    g1, g2, g3 = (files[f"nested-repeats-{g}.csv"] for g in ("g1", "g2", "g3"))
    result = do_import(world, form, data)
    assert result.created == len(files["nested-repeats.csv"]) == 1
    assert (
        result.instances
        == {"g1": len(g1), "g2": len(g2), "g3": len(g3)}
        == {
            "g1": 3,
            "g2": 4,
            "g3": 5,
        }
    )
    [response] = Response.objects.all()
    assert response.key == files["nested-repeats.csv"][0]["KEY"]
    # Each g3 row sits under the g2 instance its PARENT_KEY names.
    by_key = {row["KEY"]: row["t2"] for row in g2}
    expected = sorted((by_key[row["PARENT_KEY"]], row["t3"]) for row in g3)
    stored = sorted(
        (second["t2"], third["t3"])
        for first in response.answers["g1"]
        for second in first.get("g2", [])
        for third in second.get("g3", [])
    )
    assert stored == expected
    again = do_import(world, form, data)
    assert (again.created, again.duplicates) == (0, 1)


def test_odk_central_group_paths_joined_by_dashes(world):
    form = form_of("odk-central-structuredform-form.xlsx")
    data = EXPORTS / "odk-central-structuredform.csv"
    rows = csv_dicts(data.read_text(encoding="utf-8"))
    do_import(world, form, data)
    figures = queries.systematize(Survey.objects.get())
    assert option_counts(figures["questions"]["type"]) == counted([r["home-type"] for r in rows])
    stored = {r.key: r.answers for r in Response.objects.all()}
    assert {key: a["city"] for key, a in stored.items()} == {
        r["KEY"]: r["home-address-city"] for r in rows
    }


def test_odk_central_select_multiple_with_its_value_columns(world):
    form = form_of("odk-central-selectMultiple-form.xlsx")
    data = EXPORTS / "odk-central-selectMultiple.csv"
    rows = csv_dicts(data.read_text(encoding="utf-8"))
    do_import(world, form, data)
    figures = queries.systematize(Survey.objects.get())
    assert option_counts(figures["questions"]["q1"]) == counted(
        [r["q1"] for r in rows], multiple=True
    )
    assert option_counts(figures["questions"]["q2"]) == counted(
        [r["g1-q2"] for r in rows], multiple=True
    )


def test_odk_central_geopoint_split_in_four_columns_is_one_answer(world):
    form = form_of("odk-central-mytestform-form.xlsx")
    data = EXPORTS / "odk-central-mytestform-geopoint.csv"
    rows = csv_dicts(data.read_text(encoding="utf-8"))
    do_import(world, form, data)
    stored = {r.key: r.answers for r in Response.objects.all()}
    for row in rows:
        parts = [row[f"location-{p}"] for p in ("Latitude", "Longitude", "Altitude", "Accuracy")]
        expected = " ".join(p for p in parts if p)
        assert stored[row["KEY"]].get("location", "") == expected


def test_odk_central_every_data_type(world):
    form = form_of("odk-central-all-data-types-form.xlsx")
    data = EXPORTS / "odk-central-all-data-types.csv"
    [row] = csv_dicts(data.read_text(encoding="utf-8"))
    do_import(world, form, data)
    answers = Response.objects.get().answers
    assert answers["some_int"] == int(row["some_int"])
    assert answers["some_decimal"] == float(row["some_decimal"])
    assert answers["some_date"] == row["some_date"]
    assert answers["some_time"] == row["some_time"]
    assert answers["some_geotrace"] == row["some_geotrace"]
    assert answers["some_geopoint"].split() == [
        row[f"some_geopoint-{p}"] for p in ("Latitude", "Longitude", "Altitude", "Accuracy")
    ]


def test_kobocat_legacy_csv_with_flattened_nested_repeats(world):
    """KoboToolbox's legacy export (KoboCAT, published in kpi's tests): repeats flattened as
    `kids/kids_details[2]/kids_name`, nested ones too, `n/a` for no answer, a select_multiple
    only as True/False columns."""
    form = read_form((FORMS / "kpi-nested_repeats.xls").read_bytes())
    data = EXPORTS / "kobocat-nested_repeats.csv"
    rows = csv_dicts(data.read_text(encoding="utf-8"))
    result = do_import(world, form, data)

    def present(row: dict[str, str], column: str) -> bool:
        return row[column] not in ("", "n/a")

    kids = [
        (row["_uuid"], n)
        for row in rows
        for n in (1, 2, 3)
        if any(present(row, c) and c.startswith(f"kids/kids_details[{n}]/") for c in row)
    ]
    shots = [
        (row["_uuid"], c)
        for row in rows
        for c in row
        if "kids_immunization[" in c and present(row, c)
    ]
    assert result.instances == {"kids_details": len(kids), "kids_immunization": len(shots)}
    assert (len(kids), len(shots)) == (5, 11)
    stored = {r.key: r.answers for r in Response.objects.all()}
    for row in rows:
        answers = stored[row["_uuid"]]
        names = [kid["kids_name"] for kid in answers["kids_details"] if "kids_name" in kid]
        expected = [
            row[f"kids/kids_details[{n}]/kids_name"]
            for n in (1, 2, 3)
            if present(row, f"kids/kids_details[{n}]/kids_name")
        ]
        assert names == expected
        browsers = [
            b for b in ("firefox", "chrome", "ie", "safari") if row[f"web_browsers/{b}"] == "True"
        ]
        assert sorted(answers["web_browsers"]) == sorted(browsers)
    survey = Survey.objects.get()
    top = queries.top(survey, "immunization_info")
    assert sum(item["count"] for item in top) == len(shots)
