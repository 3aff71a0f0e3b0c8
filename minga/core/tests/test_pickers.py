"""Picking one organization or person among thousands: a text box with suggestions from
the server, never a list of the whole network."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from minga.core import actions
from minga.core.pickers import OrganizationPick, PersonPick

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    organization = OrganizationPick(label="Organization", required=False)
    person = PersonPick(label="Person", required=False)

    def __init__(self, *args: Any, network: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("organization", "person"):
            field = self.fields[name]
            assert isinstance(field, OrganizationPick | PersonPick)
            field.bind(network)


def test_a_typed_name_picks_the_organization_and_the_user_name_the_person(world: Any) -> None:
    form = _Form({"organization": "  instituto b ", "person": "MATEO"}, network=world.network)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organization"] == world.org_b
    assert form.cleaned_data["person"].user == world.member


def test_an_unknown_name_is_refused_with_the_value(world: Any) -> None:
    form = _Form({"organization": "Instituto Z", "person": "nadie"}, network=world.network)
    assert not form.is_valid()
    assert "Instituto Z" in form.errors["organization"][0]
    assert "nadie" in form.errors["person"][0]


def test_another_networks_organization_is_not_found(world: Any) -> None:
    other = actions.create_organization(
        actor=world.outsider, network=world.other_network, name="Ajena", country="AR"
    )
    form = _Form({"organization": other.name}, network=world.network)
    assert not form.is_valid()


def test_suggestions_are_bounded_and_need_the_role(world: Any, client_as: Any) -> None:
    for n in range(30):
        actions.create_organization(
            actor=world.coordinator, network=world.network, name=f"Colectivo {n:02d}", country="AR"
        )
    url = f"/n/{world.network.slug}/pick/organizations/"
    answer = client_as(world.member).get(url, {"organization": "colectivo"}).content.decode()
    assert answer.count("<option") == 20
    assert 'value="Colectivo 00"' in answer
    assert client_as(world.outsider).get(url, {"q": "colectivo"}).status_code == 404
    people = client_as(world.member).get(f"/n/{world.network.slug}/pick/people/", {"q": "mat"})
    assert 'value="mateo"' in people.content.decode()
