"""The reach in the reader's language: countries by their names (chosen from a list, kept as
codes), kinds of member and action statuses by their labels."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from minga.reach import actions
from minga.reach.models import ActionStatus, AudienceCriteria


def _texts(html: str) -> str:
    html = re.sub(r"<(script|style|select)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("language", "names"),
    [("es", "Brasil, Colombia"), ("pt-br", "Brasil, Colômbia"), ("en", "Brazil, Colombia")],
)
def test_the_audience_shows_countries_by_name_in_the_readers_language(
    world, client_as, language, names
):
    actions.set_audience(
        actor=world.coordinator,
        network=world.network,
        member_kinds=["organization", "company"],
        countries_=["CO", "BR"],
    )
    page = _texts(client_as(world.member, language).get("/n/red/reach/").content.decode())
    assert names in page
    assert not re.search(r"\b(BR|CO)\b", page)
    with translation.override(language):
        from minga.reach.models import AUDIENCE_KIND_CHOICES

        labels = [str(label) for value, label in AUDIENCE_KIND_CHOICES if value != "individual"]
    assert ", ".join(labels) in page
    assert "organization" not in page.split() and "company" not in page.split()


def test_the_audience_form_chooses_countries_by_name_and_stores_codes(world, client_as):
    client = client_as(world.coordinator, "es")
    form = client.get("/n/red/reach/audience/").content.decode()
    assert '<select name="countries"' in form and "multiple" in form
    assert '<option value="DE">Alemania</option>' in form
    response = client.post(
        "/n/red/reach/audience/",
        {"member_kinds": ["organization"], "countries": ["MX", "AR"], "themes": ""},
    )
    assert response.status_code == 302
    assert AudienceCriteria.objects.get(network=world.network).countries == ["AR", "MX"]
    # Editing again: the chosen countries come first and stay chosen.
    form = client.get("/n/red/reach/audience/").content.decode()
    options = re.findall(r'<option value="([A-Z]{2})"( selected)?', form)
    assert options[:2] == [("AR", " selected"), ("MX", " selected")]
    assert all(not selected for _code, selected in options[2:])


def test_an_unknown_country_in_the_form_is_refused(world, client_as):
    response = client_as(world.coordinator, "en").post(
        "/n/red/reach/audience/", {"member_kinds": ["organization"], "countries": ["XX"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice. XX is not one of the available choices." in (
        response.content.decode()
    )
    assert not AudienceCriteria.objects.exists()


def test_the_api_keeps_the_country_codes(world, api_as):
    api = api_as(world.coordinator)
    api.put("/networks/red/audience", {"member_kinds": ["organization"], "countries": ["br"]})
    assert api.get("/networks/red/audience").json()["countries"] == ["BR"]


def test_action_statuses_show_their_labels_to_members(world, client_as):
    actions.add_action_item(
        actor=world.coordinator,
        network=world.network,
        title="Primer encuentro",
        status=ActionStatus.IN_PROGRESS,
    )
    page = _texts(client_as(world.member, "es").get("/n/red/reach/").content.decode())
    with translation.override("es"):
        assert str(ActionStatus.IN_PROGRESS.label) in page
    assert "in_progress" not in page
