"""A real KoboToolbox XLSX export with a repeat sheet (REACH's Ukraine durable solutions
assessment, published with utilityR; see fixtures/exports/SOURCES.md): the repeat's 12
household members are counted over instances and over submissions, against counts taken
here from the workbook with openpyxl."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from minga.core.permissions import SYSTEM
from minga.mapping import actions, queries, stats
from minga.mapping.models import Response, Survey
from minga.mapping.xlsform import Form, read_form

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
UKR = EXPORTS / "kobo-ukr2306-durable-solutions.xlsx"
UKR_FORM = EXPORTS / "kobo-ukr2306-durable-solutions-form.xlsx"


@pytest.fixture(scope="module")
def ukr_form() -> Form:
    return read_form(UKR_FORM.read_bytes())


def sheets(path: Path) -> list[tuple[str, list[str], list[dict[str, Any]]]]:
    """Each sheet's title, header and rows as dicts, read with openpyxl alone."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    result = []
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        result.append((sheet.title, header, [dict(zip(header, r, strict=False)) for r in rows[1:]]))
    workbook.close()
    return result


def independent(path: Path, question: str, multiple: bool = False) -> dict[str, Any]:
    """A repeat question's figures counted straight from the repeat sheet."""
    (_t, _h, main), (_t2, _h2, loop) = sheets(path)
    counts: Counter[str] = Counter()
    by_submission: dict[str, set[Any]] = defaultdict(set)
    answered, answered_in = 0, set()
    for row in loop:
        value = row[question]
        if value in (None, ""):
            continue
        answered += 1
        answered_in.add(row["_parent_index"])
        for choice in str(value).split() if multiple else [str(value)]:
            counts[choice] += 1
            by_submission[choice].add(row["_parent_index"])
    return {
        "submissions": len(main),
        "instances": len(loop),
        "with_instances": len({row["_parent_index"] for row in loop}),
        "answered": answered,
        "answered_submissions": len(answered_in),
        "counts": dict(counts),
        "submission_counts": {c: len(s) for c, s in by_submission.items()},
    }


def do_import(world, form: Form, data: Path, name: str = "ukr") -> actions.ImportResult:
    return actions.import_responses(
        actor=SYSTEM, network=world.network, name=name, form=form, data=data
    )


def test_the_repeat_sheet_of_a_real_kobo_export_is_counted_over_its_12_instances(world, ukr_form):
    result = do_import(world, ukr_form, UKR)
    expected = independent(UKR, "q2_1_2_members_sex")
    assert expected["instances"] == 12 and expected["submissions"] == 7
    assert result.created == 7
    assert result.instances == {"loop": 12}
    assert result.warnings == []
    survey = Survey.objects.get()
    figures = queries.systematize(survey)
    assert figures["respondents"] == expected["submissions"]
    sex = figures["questions"]["q2_1_2_members_sex"]
    assert sex["repeat"] == "loop"
    assert sex["instances"] == expected["instances"] == 12
    assert sex["submissions"] == expected["with_instances"]
    assert sex["answered"] == expected["answered"]
    assert sex["answered_submissions"] == expected["answered_submissions"]
    assert {c: o["count"] for c, o in sex["options"].items() if o["count"]} == expected["counts"]
    assert {c: o["submissions"] for c, o in sex["options"].items() if o["submissions"]} == expected[
        "submission_counts"
    ]
    # A filter on a repeat's question keeps the submissions where some instance chose it.
    for choice, submissions in expected["submission_counts"].items():
        filtered = queries.systematize(survey, ("q2_1_2_members_sex", choice))
        assert filtered["respondents"] == submissions
    # The same figures streamed from the stored answers (a filter's path) as kept by import.
    streamed = stats.tally(survey.parsed_form(), queries.answers(survey))
    assert streamed.to_json() == survey.counts().to_json()


def test_a_select_multiple_inside_the_repeat_counts_each_instances_choices(world, ukr_form):
    do_import(world, ukr_form, UKR)
    expected = independent(UKR, "q2_1_4_members_vulnerabilities", multiple=True)
    entry = queries.systematize(Survey.objects.get())["questions"]["q2_1_4_members_vulnerabilities"]
    assert entry["answered"] == expected["answered"]
    assert entry["selections"] == sum(expected["counts"].values())
    assert {c: o["count"] for c, o in entry["options"].items() if o["count"]} == expected["counts"]
    assert {
        c: o["submissions"] for c, o in entry["options"].items() if o["submissions"]
    } == expected["submission_counts"]


def test_repeat_instances_are_stored_with_their_submission(world, ukr_form):
    do_import(world, ukr_form, UKR)
    (_t, _h, main), (_t2, _h2, loop) = sheets(UKR)
    per_parent = Counter(row["_parent_index"] for row in loop)
    for row in main:
        stored = Response.objects.get(key=row["_uuid"]).answers
        assert len(stored.get("loop", [])) == per_parent[row["_index"]]
    ages = sorted(
        member["q2_1_1_members_age"]
        for response in Response.objects.all()
        for member in response.answers["loop"]
    )
    assert ages == sorted(int(row["q2_1_1_members_age"]) for row in loop)


def test_reimporting_the_export_adds_nothing(world, ukr_form):
    do_import(world, ukr_form, UKR)
    before = Survey.objects.get().counts().to_json()
    again = do_import(world, ukr_form, UKR)
    assert (again.created, again.duplicates) == (0, 7)
    assert Survey.objects.get().counts().to_json() == before


def test_text_and_numbers_of_the_repeat_read_each_instance(world, ukr_form):
    do_import(world, ukr_form, UKR)
    survey = Survey.objects.get()
    (_t, _h, _main), (_t2, _h2, loop) = sheets(UKR)
    ages = [int(row["q2_1_1_members_age"]) for row in loop]
    summary = stats.numbers(queries.answers(survey), "q2_1_1_members_age", "loop")
    assert (summary.answered, summary.minimum, summary.maximum) == (12, min(ages), max(ages))


def test_crosstab_pairs_a_submission_question_with_each_instance(world, ukr_form):
    do_import(world, ukr_form, UKR)
    survey = Survey.objects.get()
    (_t, _h, main), (_t2, _h2, loop) = sheets(UKR)
    status = {row["_index"]: row["q0_3_displacement_status"] for row in main}
    expected: Counter[tuple[str, str]] = Counter(
        (status[row["_parent_index"]], row["q2_1_2_members_sex"]) for row in loop
    )
    table = queries.crosstab(survey, "q0_3_displacement_status", "q2_1_2_members_sex")
    found = {(r, c): n for r, cells in table.items() for c, n in cells.items() if n}
    assert found == dict(expected)


def test_the_same_export_as_csv_warns_that_its_repeat_is_missing(world, ukr_form, tmp_path):
    (_title, header, main), _loop = sheets(UKR)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in main:
        writer.writerow(["" if row[h] is None else row[h] for h in header])
    data = tmp_path / "ukr.csv"
    data.write_text(buffer.getvalue(), encoding="utf-8")
    result = do_import(world, ukr_form, data)
    assert result.created == 7
    [warning] = result.warnings
    assert "ukr.csv" in warning and "repeat loop" in warning and "q2_1_1_members_age" in warning
    out = io.StringIO()
    call_command(
        "survey",
        "import",
        "--network",
        world.network.slug,
        "--form",
        str(UKR_FORM),
        "--data",
        str(data),
        "--name",
        "ukr-cli",
        stdout=out,
        stderr=io.StringIO(),
        verbosity=0,
    )
    assert "repeat loop" in out.getvalue()
    figures = json.loads(_run("systematize", "ukr-cli", "--network", world.network.slug, "--json"))
    assert figures["questions"]["q2_1_2_members_sex"]["instances"] == 0


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("survey", *args, stdout=out, stderr=io.StringIO(), verbosity=0)
    return out.getvalue()
