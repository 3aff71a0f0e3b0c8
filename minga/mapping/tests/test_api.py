"""/api/v1/networks/{slug}/surveys/...: the command line's figures, for people of the network."""

from __future__ import annotations

import pytest

from minga.mapping.tests.test_pages import upload

PERSONS = ("coordinator", "member", "treasurer", "protocol_officer", "admin")


@pytest.fixture
def survey(world, client_as):
    assert upload(client_as(world.coordinator)).status_code == 302


def test_survey_endpoints_answer_people_of_the_network_only(world, api_as, survey):
    paths = [
        "/networks/red/surveys",
        "/networks/red/surveys/mapeo",
        "/networks/red/surveys/mapeo/systematize",
        "/networks/red/surveys/mapeo/crosstab?row=country&col=populations",
        "/networks/red/surveys/mapeo/top?question=city",
    ]
    for path in paths:
        for persona in PERSONS:
            assert api_as(getattr(world, persona)).get(path).status_code == 200, (persona, path)
        assert api_as(world.outsider).get(path).status_code == 404, path
        assert api_as(None).get(path).status_code == 401, path
    assert api_as(world.outsider).get("/networks/otra/surveys/mapeo").status_code == 404


def test_api_figures_match_the_contract(world, api_as, survey):
    client = api_as(world.member)
    data = client.get("/networks/red/surveys/mapeo/systematize").json()
    assert data["respondents"] == 4
    assert data["questions"]["populations"]["selections"] == 5
    assert data["questions"]["populations"]["options"]["youth"] == {
        "count": 2,
        "percent": 66.67,
        "percent_of_selections": 40.0,
    }
    filtered = client.get("/networks/red/surveys/mapeo/systematize", where="country=co").json()
    assert filtered["respondents"] == 2
    table = client.get(
        "/networks/red/surveys/mapeo/crosstab", row="country", col="populations"
    ).json()
    assert table["mx"] == {"women": 0, "youth": 1, "indigenous": 1}
    top = client.get("/networks/red/surveys/mapeo/top", question="city").json()
    assert top == [{"value": "Bogotá", "count": 3}, {"value": "Recife", "count": 1}]
    listing = client.get("/networks/red/surveys").json()
    assert listing["count"] == 1 and listing["items"][0]["respondents"] == 4


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("systematize", {"where": "country=zz"}, "where"),
        ("crosstab", {"row": "city", "col": "country"}, "row"),
        ("top", {"question": "country"}, "question"),
    ],
)
def test_bad_parameters_get_a_422_naming_the_field(world, api_as, survey, path, params, field):
    response = api_as(world.member).get(f"/networks/red/surveys/mapeo/{path}", **params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
