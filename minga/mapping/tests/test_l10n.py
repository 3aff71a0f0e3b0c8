"""The mapping pages in the reader's language: import messages keep their row, column and
value; survey titles come from the form's per-language titles, and never repeat."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from minga.core.permissions import SYSTEM
from minga.mapping import actions
from minga.mapping.models import Survey
from minga.mapping.tests.conftest import LANGS, small_form
from minga.mapping.tests.test_pages import kobo_csv, upload
from minga.mapping.xlsform import read_form, write_form

pytestmark = pytest.mark.django_db

TITLES = {"es": "Mapeo regional", "pt": "Mapeamento regional", "en": "Regional mapping"}


def titled_form_bytes() -> bytes:
    return write_form(replace(small_form(), title="Mapeo regional", titles=TITLES), LANGS)


def test_an_import_error_in_spanish_keeps_row_column_and_value(world, client_as):
    bad = kobo_csv().replace(b";co;", b";zz;", 1)
    response = upload(client_as(world.coordinator, "es"), data=bad)
    assert response.status_code == 422
    page = response.content.decode()
    with translation.override("es"):
        # Each part of the sentence is a translated message; the cell's own text stays.
        expected = gettext("%(source)s, %(detail)s") % {
            "source": "export.csv",
            "detail": gettext("row %(row)d, column %(column)s: value %(value)s: %(why)s")
            % {
                "row": 2,
                "column": "about/country",
                "value": "&#x27;zz&#x27;",
                "why": gettext("not a choice of %(list)s") % {"list": "countries"},
            },
        }
        total = gettext("%(total)d errors in total; nothing was imported.") % {"total": 1}
    assert expected in page
    assert total in page
    assert not Survey.objects.exists()


def test_the_form_gives_the_survey_its_title_in_each_language(world, client_as):
    form = read_form(titled_form_bytes())
    assert form.title == "Mapeo regional" and form.titles == TITLES
    response = upload(
        client_as(world.coordinator), form=False, form_file=io.BytesIO(titled_form_bytes())
    )
    assert response.status_code == 302
    survey = Survey.objects.get(name="mapeo")
    assert survey.title_in("pt-br") == "Mapeamento regional"
    assert survey.title_in("en") == "Regional mapping"
    assert survey.title_in("fr") == "Mapeo regional"  # the default one
    for language, title in (("es", "Mapeo regional"), ("pt-br", "Mapeamento regional")):
        page = client_as(world.member, language).get("/n/red/mapping/surveys/mapeo/")
        assert f"<h1>{title}</h1>" in page.content.decode()


def test_a_second_survey_with_the_same_title_asks_for_a_distinct_one(world, client_as):
    client = client_as(world.coordinator)
    assert upload(client).status_code == 302  # the form's title: "Mapeo"
    response = upload(client, name="mapeo-2")
    assert response.status_code == 422
    page = response.content.decode()
    assert "A survey titled “Mapeo” already exists in this network." in page
    assert 'id="id_title"' in page and 'aria-invalid="true"' in page
    assert not Survey.objects.filter(name="mapeo-2").exists()
    # The same title in other case or accents is the same title.
    assert upload(client, name="mapeo-2", title="MAPÉO").status_code == 422
    assert upload(client, name="mapeo-2", title="Mapeo 2025").status_code == 302
    assert Survey.objects.get(name="mapeo-2").title == "Mapeo 2025"
    # Importing again into the same survey keeps its own title: no clash with itself.
    assert upload(client).status_code == 302


def test_a_title_in_another_language_clashes_too(world, tmp_path):
    data = tmp_path / "export.csv"
    data.write_bytes(kobo_csv())
    titled = replace(small_form(), title="Mapeo regional", titles=TITLES)
    actions.import_responses(actor=SYSTEM, network=world.network, name="a", form=titled, data=data)
    with pytest.raises(ValidationError) as refused:
        actions.import_responses(
            actor=SYSTEM,
            network=world.network,
            name="b",
            form=replace(small_form(), title="Regional mapping"),
            data=data,
        )
    assert refused.value.message_dict["title"] == [
        "A survey titled “Regional mapping” already exists in this network. "
        "Give this one a distinct title."
    ]


def test_the_command_refuses_a_repeated_title_and_takes_a_distinct_one(world, tmp_path):
    form = tmp_path / "form.xlsx"
    form.write_bytes(write_form(small_form(), LANGS))
    data = tmp_path / "export.csv"
    data.write_bytes(kobo_csv())

    def run(*extra: str) -> str:
        out = io.StringIO()
        args = ["--network", "red", "--form", str(form), "--data", str(data)]
        call_command("survey", "import", *args, *extra, stdout=out, verbosity=0)
        return out.getvalue()

    run("--name", "uno")
    with pytest.raises(CommandError, match="title: A survey titled “Mapeo” already exists"):
        run("--name", "dos")
    run("--name", "dos", "--title", "Mapeo 2")
    assert Survey.objects.get(name="dos").title == "Mapeo 2"


def test_whole_numbers_fall_in_whole_bins_written_in_the_readers_language():
    from minga.core.l10n import number
    from minga.mapping import stats

    staff = [float(n) for n in (3, 60, 1200, 2500)]
    bins = stats.number_bins(staff)
    assert bins[0] == ("3–211", 2) and sum(count for _label, count in bins) == 4
    with translation.override("es"):
        localized = stats.number_bins(staff, lambda value: number(int(value)))
    assert localized[-1] == ("2.302–2.510", 1)  # grouped as Spanish writes numbers


def test_countries_come_from_the_answering_organizations_when_the_form_asks_none(world, tmp_path):
    from minga.mapping import queries
    from minga.mapping.xlsform import Form

    plain = small_form()
    form = Form(
        title="Sin país",
        languages=plain.languages,
        questions=[q for q in plain.questions if q.name != "country"],
        choices=plain.choices,
        group_labels=plain.group_labels,
    )
    data = tmp_path / "export.csv"
    data.write_text("about/org_name;_uuid\nA;u-1\nB;u-2\n", encoding="utf-8")
    result = actions.import_responses(
        actor=SYSTEM, network=world.network, name="sin-pais", form=form, data=data
    )
    survey = result.survey
    survey.responses.update(organization=world.org_a)
    figures = queries.systematize(survey)
    with translation.override("es"):
        summary = queries.report_summary(survey, figures, None, "es")
    code = str(world.org_a.country)
    from django_countries import countries

    with translation.override("es"):
        name = str(countries.name(code))
    assert [(c.code, c.name, c.count) for c in summary.countries] == [(code, name, 2)]
    assert summary.responses == 2 and summary.organizations == 1
