"""The charter: versioned, public by choice; the audience; the action plan."""

from __future__ import annotations

from django.test import Client

from minga.reach.models import CharterVersion


def test_each_save_keeps_the_previous_text(world, api_as):
    api = api_as(world.coordinator)
    first = api.put(
        "/networks/red/charter",
        {"purpose": "Fortalecer la democracia.", "objective": "Una red activa."},
    )
    assert first.json()["version"] == 1
    second = api.put(
        "/networks/red/charter",
        {"purpose": "Fortalecer la democracia participativa.", "objective": "Una red activa."},
    )
    assert second.json()["version"] == 2
    versions = api.get("/networks/red/charter/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[1]["purpose"] == "Fortalecer la democracia."
    assert versions[0]["author"] == "carolina"
    # Saving the same text again makes no new version.
    api.put(
        "/networks/red/charter",
        {"purpose": "Fortalecer la democracia participativa.", "objective": "Una red activa."},
    )
    assert CharterVersion.objects.count() == 2


def test_only_coordinators_edit_the_charter(world, api_as):
    assert api_as(world.member).put("/networks/red/charter", {"purpose": "x"}).status_code == 403
    assert api_as(world.member).get("/networks/red/charter").status_code == 200
    assert api_as(world.outsider).get("/networks/red/charter").status_code == 404


def test_the_charter_is_public_only_when_coordinators_choose(world, api_as):
    api = api_as(world.coordinator)
    api.put("/networks/red/charter", {"purpose": "Propósito público"})
    assert Client().get("/n/red/reach/charter/public/").status_code == 404
    api.patch("/networks/red/charter", {"public": True})
    page = Client().get("/n/red/reach/charter/public/")
    assert page.status_code == 200
    assert "Propósito público" in page.content.decode()


def test_audience_criteria_are_validated(world, api_as):
    api = api_as(world.coordinator)
    saved = api.put(
        "/networks/red/audience",
        {
            "member_kinds": ["organization"],
            "countries": ["co", "ar"],
            "themes": ["Medio ambiente"],
            "statements": ["Sin violencia."],
        },
    )
    assert saved.json() == {
        "member_kinds": ["organization"],
        "countries": ["AR", "CO"],
        "themes": ["medio-ambiente"],
        "statements": ["Sin violencia."],
    }
    bad = api.put("/networks/red/audience", {"member_kinds": ["organization"], "countries": ["XX"]})
    assert bad.status_code == 422
    assert "XX" in bad.json()["detail"][0]["msg"]


def test_action_plan_items(world, api_as):
    api = api_as(world.coordinator)
    owner = world.network.people.get(user=world.member)
    item = api.post(
        "/networks/red/action-plan",
        {
            "title": "Mapear organizaciones",
            "owner": owner.pk,
            "starts_on": "2027-01-01",
            "ends_on": "2027-03-31",
        },
    )
    assert item.status_code == 201
    done = api.patch(f"/networks/red/action-plan/{item.json()['id']}", {"status": "done"})
    assert done.json()["status"] == "done"
    backwards = api.post(
        "/networks/red/action-plan",
        {"title": "X", "starts_on": "2027-05-01", "ends_on": "2027-04-01"},
    )
    assert {e["loc"][-1] for e in backwards.json()["detail"]} == {"ends_on"}


def test_reach_page_shows_charter_audience_and_plan(world, api_as, client_as):
    api = api_as(world.coordinator)
    api.put("/networks/red/charter", {"context": "Crisis de representación."})
    api.put("/networks/red/audience", {"member_kinds": ["organization", "company"]})
    api.post("/networks/red/action-plan", {"title": "Primer encuentro"})
    page = client_as(world.member).get("/n/red/reach/").content.decode()
    assert (
        "Crisis de representación." in page and "Primer encuentro" in page and "Companies" in page
    )
    assert 'class="card guide"' in page
