"""The mapping pages: role × action matrix, the import form, the report, charts and exports."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from minga.core.testing import assert_step_page_matrix
from minga.mapping.models import Response, Survey
from minga.mapping.tests.conftest import KOBO_HEADER, KOBO_ROWS, LANGS, small_form
from minga.mapping.xlsform import write_form

PERSONS = ("coordinator", "member", "treasurer", "protocol_officer", "admin")


def kobo_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([KOBO_HEADER, *KOBO_ROWS])
    return buffer.getvalue().encode()


def upload(client, slug="red", name="mapeo", data=None, form=True, **extra):
    files = {
        "name": name,
        "data_file": io.BytesIO(data if data is not None else kobo_csv()),
        **extra,
    }
    files["data_file"].name = "export.csv"
    if form:
        files["form_file"] = io.BytesIO(write_form(small_form(), LANGS))
        files["form_file"].name = "form.xlsx"
    return client.post(f"/n/{slug}/mapping/import/", files)


@pytest.fixture
def survey(world, client_as):
    response = upload(client_as(world.coordinator))
    assert response.status_code == 302, response.content.decode()
    return Survey.objects.get(name="mapeo")


def test_mapping_step_page_role_matrix(world, client_as):
    assert_step_page_matrix(world, client_as, "mapping")


def test_only_coordinators_see_and_use_the_import_form(world, client_as):
    for persona in PERSONS:
        page = client_as(getattr(world, persona)).get("/n/red/mapping/").content.decode()
        assert ('enctype="multipart/form-data"' in page) is (persona in ("coordinator", "admin"))
    for persona in ("member", "treasurer", "protocol_officer"):
        assert upload(client_as(getattr(world, persona))).status_code == 403
    assert upload(client_as(world.outsider)).status_code == 404
    assert upload(client_as(None)).status_code == 302
    assert not Survey.objects.exists()


def test_import_form_reports_bad_cells_and_stores_nothing(world, client_as):
    bad = kobo_csv().replace(b";co;", b";zz;", 1)
    response = upload(client_as(world.coordinator), data=bad)
    assert response.status_code == 422
    page = response.content.decode()
    assert "row 2, column about/country: value &#x27;zz&#x27;: not a choice of countries" in page
    assert "1 errors in total; nothing was imported." in page
    assert not Survey.objects.exists()


def test_import_without_a_form_uses_the_built_in_questionnaire(world, client_as):
    data = b"about_org/country;about_org/city;_uuid\nco;Cali;a\nmx;Puebla;b\n"
    response = upload(client_as(world.coordinator), data=data, form=False, name="builtin")
    assert response.status_code == 302
    assert Response.objects.filter(survey__name="builtin").count() == 2


def test_report_and_its_parts_are_for_people_of_the_network(world, client_as, survey):
    urls = [
        "/n/red/mapping/surveys/mapeo/",
        "/n/red/mapping/surveys/mapeo/charts/country.svg",
        "/n/red/mapping/surveys/mapeo/charts/city.svg",
        "/n/red/mapping/surveys/mapeo/crosstab.svg?row=country&col=populations",
        "/n/red/mapping/surveys/mapeo/export.csv",
        "/n/red/mapping/surveys/mapeo/export.xlsx",
        "/n/red/mapping/surveys/mapeo/export.json",
        "/n/red/mapping/questionnaire.xlsx",
    ]
    for url in urls:
        for persona in PERSONS:
            assert client_as(getattr(world, persona)).get(url).status_code == 200, (persona, url)
        assert client_as(world.outsider).get(url).status_code == 404, url
        assert client_as(None).get(url).status_code == 302, url
    other = client_as(world.outsider).get("/n/otra/mapping/surveys/mapeo/")
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("language", "country_label", "question_label"),
    [
        ("es", "México", "Poblaciones"),
        ("pt-br", "México", "Populações"),
        ("en", "Mexico", "Populations"),
    ],
)
def test_report_reads_in_the_viewers_language_with_counts_and_both_percents(
    world, client_as, survey, language, country_label, question_label
):
    page = client_as(world.member, language).get("/n/red/mapping/surveys/mapeo/").content.decode()
    assert question_label in page
    assert country_label in page
    comma = "." if language == "en" else ","
    assert f"66{comma}7%" in page  # women: of respondents
    assert f"40{comma}0%" in page  # women: of selections
    # country, populations + the staff numbers' distribution (#11); free text is listed
    assert page.count('class="chart"') == 3


@pytest.mark.parametrize(("language", "share"), [("es", "66,7%"), ("en", "66.7%")])
def test_chart_is_an_svg_drawn_with_matplotlib_in_the_readers_numbers(
    world, client_as, survey, language, share
):
    response = client_as(world.member, language).get(
        "/n/red/mapping/surveys/mapeo/charts/populations.svg"
    )
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "viewBox=" in svg
    # The chart's numbers read as the table's: "2 · 66,7%" in es (count · percent).
    assert f"2 · {share}" in svg
    assert "<title>" in svg and ("Poblaciones" if language == "es" else "Populations") in svg
    # Nothing about the tool that drew it.
    assert "Matplotlib" not in svg and "<metadata" not in svg and "<!--" not in svg


def test_free_text_lists_grouped_answers_with_percents_of_those_who_answered(
    world, client_as, survey
):
    page = client_as(world.member, "en").get("/n/red/mapping/surveys/mapeo/").content.decode()
    city = page[page.index('id="q-city"') :]
    city = city[: city.index("</section>")]
    # Bogotá, bogota, BOGOTÁ: one group of 3 of the 4 who answered, not 3 bars of 1.
    assert 'Bogotá</td><td class="number">3 <span class="muted">(75.0%)</span></td>' in city
    assert "/charts/city.svg" not in city


def test_the_report_leads_with_a_summary_of_who_answered(world, client_as, survey):
    page = client_as(world.member, "es").get("/n/red/mapping/surveys/mapeo/").content.decode()
    summary = page[page.index('id="summary-title"') :]
    summary = summary[: summary.index("</section>")]
    assert summary.index("Colombia") < summary.index("México")  # most answers first
    assert "50,0%" in summary  # 2 of 4 from Colombia
    assert page.index('id="summary-title"') < page.index('id="q-country"')
    # Each section's table is folded under its chart.
    country = page[page.index('id="q-country"') :]
    assert country.index('class="chart"') < country.index("<details><summary>")


def test_report_filters_by_a_choice_and_shows_a_crosstab(world, client_as, survey):
    page = (
        client_as(world.member, "en")
        .get("/n/red/mapping/surveys/mapeo/?where=country=co&row=country&col=populations")
        .content.decode()
    )
    assert "2 organizations answered the survey." in page
    assert "Country: Colombia" in page
    assert "crosstab.svg?row=country&amp;col=populations&amp;where=country%3Dco" in page


def test_exports_carry_the_systematized_figures(world, client_as, survey):
    client = client_as(world.member, "en")
    data = json.loads(client.get("/n/red/mapping/surveys/mapeo/export.json").content)
    assert data["questions"]["populations"]["options"]["women"]["percent_of_selections"] == 40.0
    rows = list(
        csv.reader(
            io.StringIO(client.get("/n/red/mapping/surveys/mapeo/export.csv").content.decode())
        )
    )
    assert rows[0][0] == "question"
    assert ["country", "Country", "select_one", "4", "", "co", "Colombia", "2", "50.0", ""] in rows
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/n/red/mapping/surveys/mapeo/export.xlsx").content)
    )
    values = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert values[0][0] == "question" and len(values) == len(rows)
    filtered = json.loads(
        client.get("/n/red/mapping/surveys/mapeo/export.json?where=country=mx").content
    )
    assert filtered["respondents"] == 1


def test_questionnaire_download_is_the_trilingual_xlsform(world, client_as):
    from minga.mapping.xlsform import read_form

    response = client_as(world.member).get("/n/red/mapping/questionnaire.xlsx")
    form = read_form(response.content)
    assert form.languages == ["es", "pt", "en"]
    assert form.question("country") is not None


def test_organization_page_shows_similar_organizations_and_matches(world, client_as):
    import tempfile
    from pathlib import Path

    from minga.mapping import actions
    from minga.mapping.template import template_form

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        path.write_text(
            "about_org/org_name;about_org/country;about_org/focus;join/needs;join/offers\n"
            "Fundación A;co;environment;training;funding_networks\n"
            "Instituto B;br;environment;funding_networks volunteers;training\n",
            encoding="utf-8",
        )
        actions.import_responses(
            actor=world.coordinator,
            network=world.network,
            name="m",
            form=template_form(),
            data=path,
            create_organizations=True,
        )
    page = (
        client_as(world.member, "en")
        .get(f"/n/red/organizations/{world.org_a.pk}/")
        .content.decode()
    )
    assert "Organizations working on similar issues" in page
    assert "Instituto B" in page
    assert (
        "Training on specific topics"
        not in page.split("Can offer what this organization needs")[0][-10:]
    )
    offer_section = page.split("Can offer what this organization needs")[1]
    assert "Instituto B</a>: Training on specific topics" in offer_section
    assert (
        "Instituto B</a>: Access to funding networks"
        in page.split("Need what this organization offers")[1]
    )
    outsider = client_as(world.outsider).get(f"/n/red/organizations/{world.org_a.pk}/")
    assert outsider.status_code == 404
