"""The pure rules: XLSForm reading, percents and denominators, text grouping, matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minga.mapping import matching, stats
from minga.mapping.answers import fold
from minga.mapping.template import template_form
from minga.mapping.tests.conftest import LANGS, small_form
from minga.mapping.xlsform import FormError, read_form, write_form


def test_built_in_questionnaire_is_trilingual_and_covers_the_methodology():
    form = template_form()
    assert form.languages == ["es", "pt", "en"]
    names = {q.name for q in form.questions}
    assert {
        "country",
        "city",
        "populations",
        "regional_network",
        "join_network",
        "needs",
        "offers",
    } <= names
    for question in form.questions:
        assert all(question.labels.get(code) for code in ("es", "pt", "en")), question.name
    country = form.question("country")
    assert country is not None and country.label("pt-br") == "País"
    network_question = form.question("regional_network")
    assert network_question is not None and network_question.group == ("networks",)


def test_form_round_trips_through_xlsx():
    form = small_form()
    again = read_form(write_form(form, LANGS))
    assert again.structure() == form.structure()
    assert again.to_json()["questions"] == form.to_json()["questions"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["type", "name"], ["whatever", "q"]], "sheet survey, row 2, column A: value 'whatever'"),
        (
            [["type", "name"], ["select_one nope", "q"]],
            "sheet survey, row 2, column A: value 'select_one nope': "
            "List name not in choices sheet: nope",
        ),
        (
            [["type", "name"], ["text", "bad name"]],
            "sheet survey, row 2, column B: value 'bad name'",
        ),
        (
            [["type", "name"], ["begin_group", "g"], ["text", "q"]],
            "sheet survey, row 2, column A: value 'begin_group': Unmatched 'begin_group'. "
            "No matching 'end_group' was found for the name 'g'.",
        ),
    ],
)
def test_invalid_forms_name_sheet_row_and_column(tmp_path, rows, message):
    import openpyxl

    workbook = openpyxl.Workbook()
    survey = workbook.worksheets[0]
    survey.title = "survey"
    for row in rows:
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["yn", "yes", "Yes"])
    path = tmp_path / "form.xlsx"
    workbook.save(path)
    with pytest.raises(FormError) as failure:
        read_form(path.read_bytes())
    assert message in str(failure.value)


def test_a_file_that_is_no_workbook_is_refused(tmp_path):
    with pytest.raises(FormError, match=r"not a readable \.xlsx"):
        read_form(b"not a zip")


def test_select_multiple_has_both_denominators():
    form = small_form()
    counts = stats.tally(
        form,
        [{"populations": ["women", "youth"]}, {"populations": ["women"]}, {"country": "co"}],
    )
    entry = stats.systematize(form, counts)["questions"]["populations"]
    assert entry["answered"] == 2 and entry["selections"] == 3
    assert entry["options"]["women"] == {
        "count": 2,
        "percent": 100.0,
        "percent_of_selections": 66.67,
    }
    assert entry["options"]["youth"] == {
        "count": 1,
        "percent": 50.0,
        "percent_of_selections": 33.33,
    }


def test_text_answers_group_ignoring_case_accents_and_spaces():
    rows = [{"city": v} for v in ["bogota", "Bogotá", " BOGOTÁ ", "Bogotá", "Cali", "  "]]
    assert stats.top_texts(rows, "city") == [
        {"value": "Bogotá", "count": 4},
        {"value": "Cali", "count": 1},
    ]
    assert fold("  São   Paulo ") == "sao paulo"


answers_strategy = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "country": st.sampled_from(["co", "mx", "br"]),
            "populations": st.lists(
                st.sampled_from(["women", "youth", "indigenous"]), unique=True, min_size=1
            ),
        },
    ),
    max_size=40,
)


@given(answers_strategy, answers_strategy)
def test_tallies_add_up_and_merge_like_one_pass(first, second):
    form = small_form()
    merged = stats.tally(form, first)
    merged.merge(stats.Tally.from_json(stats.tally(form, second).to_json()))
    whole = stats.tally(form, first + second)
    assert stats.systematize(form, merged) == stats.systematize(form, whole)
    result = stats.systematize(form, whole)
    country = result["questions"]["country"]
    assert sum(o["count"] for o in country["options"].values()) == country["answered"]
    if country["answered"]:
        assert abs(sum(o["percent"] for o in country["options"].values()) - 100) < 0.05
    populations = result["questions"]["populations"]
    assert sum(o["count"] for o in populations["options"].values()) == populations["selections"]
    for option in populations["options"].values():
        assert option["percent_of_selections"] <= option["percent"] or not populations["answered"]


@given(answers_strategy)
def test_crosstab_cells_count_pairs_of_choices(rows):
    form = small_form()
    table = stats.crosstab(form, rows, "country", "populations")
    for country in ("co", "mx", "br"):
        subset = [r for r in rows if r.get("country") == country]
        for population in ("women", "youth", "indigenous"):
            expected = sum(population in r.get("populations", []) for r in subset)
            assert table[country][population] == expected


def test_matching_finds_similar_organizations_and_needs_meeting_offers():
    a = matching.profile(1, ["environment"], {"focus": "environment", "needs": ["training"]})
    b = matching.profile(2, ["environment"], {"offers": ["training"], "needs": ["volunteers"]})
    c = matching.profile(3, ["youth"], {"offers": ["volunteers"]})
    others = [a, b, c]
    assert matching.similar(a, others) == [matching.Similar(2, 1)]
    assert matching.offers_for(a, others) == [matching.Match(2, ("training",))]
    assert matching.needs_met_by(c, others) == [matching.Match(2, ("volunteers",))]
