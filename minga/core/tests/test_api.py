"""The /api/v1 contract of the core app: shapes, validation, scoping, pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from minga.core.models import AuditEntry, Network, Organization, Person


def field_of(response):
    """The field names a 422 answer blames."""
    assert response.status_code == 422, response.content
    return {error["loc"][-1] for error in response.json()["detail"]}


def test_openapi_document_lists_core_paths(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/networks",
        "/api/v1/networks/{slug}",
        "/api/v1/networks/{slug}/organizations",
        "/api/v1/networks/{slug}/organizations/{pk}",
        "/api/v1/networks/{slug}/people",
        "/api/v1/networks/{slug}/people/{pk}",
        "/api/v1/auth/token",
    ]:
        assert path in paths


def test_interactive_docs_can_be_switched_off(db):
    assert Client().get("/api/v1/docs").status_code == 200
    with override_settings(MINGA_API_DOCS=False):
        assert Client().get("/api/v1/docs").status_code == 404


# Tokens -------------------------------------------------------------------------------


def test_token_from_username_and_password_authenticates(world, api_as):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "mateo", "password": "Long-pass-mateo-42"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = Client().get("/api/v1/networks/red", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["slug"] == "red"


def test_wrong_password_gets_401_and_bad_token_is_refused(world):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "mateo", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    bad = Client().get("/api/v1/networks", headers={"Authorization": "Bearer minga_forged"})
    assert bad.status_code == 401


def test_repeated_failures_lock_out_then_cool_off(world, settings):
    client = Client()

    def attempt(password):
        return client.post(
            "/api/v1/auth/token",
            {"username": "mateo", "password": password},
            content_type="application/json",
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong")
    # Locked: even the right password is refused for now.
    assert attempt("Long-pass-mateo-42").status_code == 429
    # After the cool-off the lock lifts by itself: never a permanent lock.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16)
    )
    assert attempt("Long-pass-mateo-42").status_code == 200


# Networks -------------------------------------------------------------------------------


def test_network_list_shows_only_the_callers_networks(world, api_as):
    slugs = {n["slug"] for n in api_as(world.member).get("/networks").json()["items"]}
    assert slugs == {"red"}
    everything = {n["slug"] for n in api_as(world.admin).get("/networks").json()["items"]}
    assert everything == {"red", "otra"}


def test_creating_a_network_makes_the_caller_its_coordinator(world, api_as):
    response = api_as(world.member).post(
        "/networks", {"slug": "nueva-red", "name": "Nueva red", "model": "horizontal"}
    )
    assert response.status_code == 201
    assert response.json()["model"] == "horizontal"
    person = Person.objects.get(network__slug="nueva-red", user=world.member)
    assert person.role_names() == ["coordinator"]
    assert AuditEntry.objects.filter(action="network.create", network__slug="nueva-red").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "Not A Slug", "name": "X"}, "slug"),
        ({"slug": "red", "name": "Duplicate"}, "slug"),
        ({"slug": "ok-slug"}, "name"),
        ({"slug": "ok-slug", "name": "X", "model": "diagonal"}, "model"),
        ({"slug": "ok-slug", "name": "X", "languages": ["fr"]}, "languages"),
    ],
)
def test_invalid_network_is_422_naming_the_field_and_stores_nothing(world, api_as, body, field):
    before = Network.objects.count()
    response = api_as(world.member).post("/networks", body)
    assert field in field_of(response)
    assert Network.objects.count() == before


def test_patch_network_changes_only_given_fields(world, api_as):
    api = api_as(world.coordinator)
    response = api.patch("/networks/red", {"model": "horizontal"})
    assert response.status_code == 200
    assert response.json()["model"] == "horizontal"
    assert response.json()["name"] == "Red de prueba"
    assert field_of(api.patch("/networks/red", {"languages": []})) == {"languages"}


# Organizations ------------------------------------------------------------------------------


def test_organization_round_trip(world, api_as):
    api = api_as(world.coordinator)
    created = api.post(
        "/networks/red/organizations",
        {
            "name": "Colectivo C",
            "country": "mx",
            "city": "Oaxaca",
            "size": "medium",
            "type": "collective",
            "themes": ["Youth", "Gender equity"],
            "website": "https://c.example.org",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["country"] == "MX"
    assert sorted(body["themes"]) == ["Gender equity", "Youth"]
    patched = api.patch(
        f"/networks/red/organizations/{body['id']}", {"themes": ["Youth"], "city": "Puebla"}
    )
    assert patched.json()["themes"] == ["Youth"]
    assert patched.json()["city"] == "Puebla"
    assert api.get(f"/networks/red/organizations/{body['id']}").json()["name"] == "Colectivo C"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "country": "ZZ"}, "country"),
        ({"name": "X", "country": "CO", "size": "huge"}, "size"),
        ({"name": "X", "country": "CO", "type": "club"}, "type"),
        ({"name": "X", "country": "CO", "website": "not a url"}, "website"),
        ({"name": "Fundación A", "country": "CO"}, "name"),
        ({"country": "CO"}, "name"),
    ],
)
def test_invalid_organization_is_422_naming_the_field(world, api_as, body, field):
    before = Organization.objects.count()
    response = api_as(world.coordinator).post("/networks/red/organizations", body)
    assert field in field_of(response)
    assert Organization.objects.count() == before


def test_organizations_are_paginated_and_filtered(world, api_as):
    api = api_as(world.coordinator)
    for index in range(55):
        api.post("/networks/red/organizations", {"name": f"Org {index:02d}", "country": "CL"})
    first = api.get("/networks/red/organizations").json()
    assert first["count"] == 57
    assert len(first["items"]) == 50
    second = api.get("/networks/red/organizations", page=2).json()
    assert len(second["items"]) == 7
    assert api.get("/networks/red/organizations", country="br").json()["count"] == 1
    assert api.get("/networks/red/organizations", size="large").json()["count"] == 1
    by_theme = api.get("/networks/red/organizations", theme="Citizen participation").json()
    assert [o["name"] for o in by_theme["items"]] == ["Fundación A"]
    assert api.get("/networks/red/organizations", q="org 1").json()["count"] == 10


def test_another_networks_organization_is_404(world, api_as):
    foreign = Organization.objects.create(network=world.other_network, name="Ajena", country="AR")
    api = api_as(world.coordinator)
    assert api.get(f"/networks/red/organizations/{foreign.pk}").status_code == 404
    assert api.patch(f"/networks/red/organizations/{foreign.pk}", {"city": "X"}).status_code == 404
    assert api.get(f"/networks/otra/organizations/{foreign.pk}").status_code == 404


# People ----------------------------------------------------------------------------------------


def test_adding_a_person_with_roles_and_organization(world, api_as):
    api = api_as(world.coordinator)
    response = api.post(
        "/networks/red/people",
        {
            "username": "lucia",
            "email": "lucia@example.org",
            "password": "Un-buen-secreto-2024",
            "organization": world.org_a.pk,
            "roles": ["member", "treasurer"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"] == ["member", "treasurer"]
    assert body["organization"] == world.org_a.pk
    assert Person.objects.get(pk=body["id"]).user.check_password("Un-buen-secreto-2024")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x", "roles": ["king"]}, "roles"),
        ({"username": "mateo"}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"username": "x", "email": "not-an-email"}, "email"),
        ({"username": "x", "password": "123"}, "password"),
    ],
)
def test_invalid_person_is_422_naming_the_field(world, api_as, body, field):
    before = Person.objects.count()
    response = api_as(world.coordinator).post("/networks/red/people", body)
    assert field in field_of(response)
    assert Person.objects.count() == before


def test_person_cannot_represent_another_networks_organization(world, api_as):
    foreign = Organization.objects.create(network=world.other_network, name="Ajena", country="AR")
    response = api_as(world.coordinator).post(
        "/networks/red/people", {"username": "x", "organization": foreign.pk}
    )
    assert field_of(response) == {"organization"}


def test_members_see_people_but_not_their_addresses(world, api_as):
    listed = api_as(world.member).get("/networks/red/people").json()
    assert listed["count"] == 5
    assert {p["email"] for p in listed["items"]} == {""}
    as_coordinator = api_as(world.coordinator).get("/networks/red/people", role="treasurer").json()
    assert [p["username"] for p in as_coordinator["items"]] == ["tiago"]
    assert as_coordinator["items"][0]["email"] == "tiago@example.org"


def test_patch_person_roles_and_organization(world, api_as):
    person = Person.objects.get(user=world.member)
    api = api_as(world.coordinator)
    response = api.patch(f"/networks/red/people/{person.pk}", {"roles": ["coordinator"]})
    assert response.json()["roles"] == ["coordinator"]
    assert response.json()["organization"] == world.org_a.pk
    cleared = api.patch(f"/networks/red/people/{person.pk}", {"organization": None})
    assert cleared.json()["organization"] is None
    foreign = Person.objects.get(network=world.other_network)
    assert api.get(f"/networks/red/people/{foreign.pk}").status_code == 404


def test_invitation_by_api_mails_a_link_in_the_invitees_language(
    world, api_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.coordinator).post(
            "/networks/red/invitations",
            {"email": "nova@example.org", "roles": ["member"], "language": "pt-br"},
        )
    assert response.status_code == 201, response.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nova@example.org"]
    assert "/invitations/" in message.body
    with translation.override("pt-br"):
        expected = gettext("You are invited to %(network)s on Minga") % {"network": "Red de prueba"}
    assert message.subject == expected
    assert not expected.startswith("You are invited")
