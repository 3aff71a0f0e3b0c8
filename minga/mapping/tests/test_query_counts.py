"""Query counts of the mapping's lists stay flat as surveys, responses and organizations grow."""

from __future__ import annotations

import csv
import itertools

import pytest

from minga.core.testing import assert_queries_flat
from minga.mapping import actions
from minga.mapping.template import template_form
from minga.mapping.tests.conftest import KOBO_HEADER, small_form

COUNTRIES = ("co", "mx", "br")
POPULATIONS = ("women", "youth indigenous", "", "women youth")
CITIES = ("Bogotá", "bogota", "Recife", "Puebla")


@pytest.fixture
def grower(world, tmp_path):
    """`grow(name, rows)`: import `rows` more responses into the survey `name`."""
    serial = itertools.count()

    def grow(name: str = "mapeo", rows: int = 4) -> None:
        numbers = [next(serial) for _ in range(rows)]
        path = tmp_path / f"{name}-{numbers[0]}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(KOBO_HEADER)
            for n in numbers:
                writer.writerow(
                    [
                        "2024-01-01",
                        f"Org {n}",
                        COUNTRIES[n % 3],
                        CITIES[n % 4],
                        POPULATIONS[n % 4],
                        "",
                        "",
                        "",
                        str(n),
                        str(n),
                        f"u-{n}",
                        "",
                    ]
                )
        actions.import_responses(
            actor=world.coordinator,
            network=world.network,
            name=name,
            form=small_form(),
            data=path,
            title="" if name == "mapeo" else f"Mapeo {name}",  # two surveys, two titles
        )

    grow()
    return grow


def test_survey_list_page_and_api_stay_flat_as_surveys_grow(world, client_as, api_as, grower):
    names = (f"more-{n}" for n in itertools.count())

    def more_surveys() -> None:
        for _ in range(3):
            grower(next(names))

    assert_queries_flat(client_as(world.member), "/n/red/mapping/", more_surveys)
    assert_queries_flat(client_as(world.coordinator), "/n/red/mapping/", more_surveys)
    assert_queries_flat(api_as(world.member), "/networks/red/surveys", more_surveys)


REPORT = "/n/red/mapping/surveys/mapeo"


@pytest.mark.parametrize(
    "url",
    [
        f"{REPORT}/",
        f"{REPORT}/?where=country=co&row=country&col=populations",
        f"{REPORT}/export.csv",
        f"{REPORT}/export.json?where=populations=youth",
        f"{REPORT}/export.xlsx",
        f"{REPORT}/charts/populations.svg?where=country=mx",
        f"{REPORT}/charts/city.svg",
        f"{REPORT}/crosstab.svg?row=country&col=populations",
    ],
)
def test_report_pages_stay_flat_as_responses_grow(world, client_as, grower, url):
    assert_queries_flat(client_as(world.member), url, lambda: grower(rows=30))


@pytest.mark.parametrize(
    "path",
    [
        "/networks/red/surveys/mapeo",
        "/networks/red/surveys/mapeo/systematize",
        "/networks/red/surveys/mapeo/systematize?where=country=co",
        "/networks/red/surveys/mapeo/crosstab?row=country&col=populations",
        "/networks/red/surveys/mapeo/top?question=city&where=populations=women",
    ],
)
def test_survey_api_lists_stay_flat_as_responses_grow(world, api_as, grower, path):
    assert_queries_flat(api_as(world.member), path, lambda: grower(rows=30))


def test_organization_matches_stay_flat_as_organizations_answer(world, client_as, tmp_path):
    """Similar organizations and needs ↔ offers on an organization's page."""
    form = template_form()
    serial = itertools.count()

    def answer(names: list[str]) -> None:
        path = tmp_path / f"orgs-{next(serial)}.csv"
        lines = ["about_org/org_name;about_org/country;about_org/focus;join/needs;join/offers"]
        # Fundación A needs training and offers funding networks; the others, the reverse.
        lines += [
            f"{name};co;environment;training;funding_networks"
            if name == "Fundación A"
            else f"{name};co;environment;funding_networks;training"
            for name in names
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        actions.import_responses(
            actor=world.coordinator,
            network=world.network,
            name="directory",
            form=form,
            data=path,
            create_organizations=True,
        )

    answer(["Fundación A", "Instituto B", "Colectivo 0"])
    others = (f"Colectivo {n}" for n in itertools.count(1))
    url = f"/n/red/organizations/{world.org_a.pk}/"

    def more_organizations() -> None:
        answer([next(others) for _ in range(6)])

    client = client_as(world.member, "en")
    assert_queries_flat(client, url, more_organizations)
    page = client.get(url).content.decode()
    offers = page.split("Can offer what this organization needs")[1]
    assert offers.count("Colectivo ") == 2 * 7  # both lists grew with the network
