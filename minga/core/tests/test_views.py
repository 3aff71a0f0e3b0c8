"""The core pages: network home and its steps, organizations, people, audit."""

from __future__ import annotations

import re

from minga.core import actions
from minga.core.models import AuditEntry, Organization, Person, StepProgress
from minga.core.steps import STEPS


def test_network_home_shows_the_six_steps_and_mapping_with_their_state(world, client_as):
    actions.set_step_state(
        actor=world.coordinator, network=world.network, step="reach", state="done"
    )
    page = client_as(world.member).get("/n/red/").content.decode()
    for step in STEPS:
        assert f'data-step="{step.key}"' in page
        assert f"/n/red/{step.key}/" in page
    assert "state-done" in page
    assert page.count("state-not_started") == 6


def test_each_step_page_opens_with_its_guide(world, client_as):
    client = client_as(world.member)
    for step in STEPS:
        page = client.get(f"/n/red/{step.key}/").content.decode()
        assert 'class="card guide"' in page
        assert "What to decide" in page, step.key


def test_governance_guide_compares_horizontal_and_vertical(world, client_as):
    page = client_as(world.member).get("/n/red/governance/").content.decode()
    assert "Double linkage" in page or "double linkage" in page
    assert "3/4 majority" in page
    assert "/n/red/protocol/" in page


def test_coordinator_sets_a_step_state_with_htmx(world, client_as):
    response = client_as(world.coordinator).post(
        "/n/red/steps/planning/state/", {"state": "in_progress"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="step-state"' in response.content.decode()
    assert StepProgress.objects.get(network=world.network, step="planning").state == "in_progress"
    assert AuditEntry.objects.filter(action="step.set_state").exists()


def test_bad_step_state_is_refused_and_nothing_written(world, client_as):
    response = client_as(world.coordinator).post(
        "/n/red/steps/planning/state/", {"state": "finished"}
    )
    assert response.status_code == 422
    assert "finished" in response.content.decode()
    assert not StepProgress.objects.filter(step="planning").exists()


def test_member_cannot_set_a_step_state(world, client_as):
    response = client_as(world.member).post("/n/red/steps/reach/state/", {"state": "done"})
    assert response.status_code == 403
    assert not StepProgress.objects.filter(step="reach").exists()


def test_coordinator_adds_and_edits_an_organization(world, client_as):
    client = client_as(world.coordinator)
    response = client.post(
        "/n/red/organizations/new/",
        {
            "name": "Red Verde",
            "country": "MX",
            "city": "Mérida",
            "type": "network",
            "size": "medium",
            "themes": "Environment, Youth",
        },
    )
    organization = Organization.objects.get(name="Red Verde")
    assert response.status_code == 302
    assert response["Location"] == f"/n/red/organizations/{organization.pk}/"
    assert sorted(t.name for t in organization.themes.all()) == ["Environment", "Youth"]
    client.post(
        f"/n/red/organizations/{organization.pk}/edit/",
        {
            "name": "Red Verde",
            "country": "MX",
            "city": "Cancún",
            "type": "network",
            "size": "medium",
            "themes": "Environment",
        },
    )
    organization.refresh_from_db()
    assert organization.city == "Cancún"
    assert [t.name for t in organization.themes.all()] == ["Environment"]


def test_organization_form_errors_name_the_field_and_store_nothing(world, client_as):
    response = client_as(world.coordinator).post(
        "/n/red/organizations/new/",
        {"name": "Fundación A", "country": "CO", "type": "ngo", "size": "small"},
    )
    assert response.status_code == 200
    assert "already has an organization of that name" in response.content.decode()
    assert Organization.objects.filter(name="Fundación A").count() == 1


def test_directory_filters_with_htmx_return_only_rows(world, client_as):
    response = client_as(world.member).get(
        "/n/red/organizations/", {"country": "BR"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Instituto B" in html and "Fundación A" not in html


def test_the_country_filter_lists_the_networks_countries_by_name(world, client_as):
    client = client_as(world.member, "es")
    page = client.get("/n/red/organizations/").content.decode()
    select = re.search(r'<select name="country".*?</select>', page, re.S)
    assert select
    options = re.findall(r'<option value="([A-Z]*)"', select.group())
    assert options == ["", "BR", "CO"]  # Brasil, Colombia: by name in the reader's language
    # A country no organization is in still filters (to nothing), and stays chosen.
    page = client.get("/n/red/organizations/", {"country": "CL"}).content.decode()
    assert '<option value="CL" selected>Chile</option>' in page
    assert "Fundación A" not in page and "Instituto B" not in page


def test_coordinator_changes_a_persons_roles(world, client_as):
    person = Person.objects.get(user=world.member)
    response = client_as(world.coordinator).post(
        f"/n/red/people/{person.pk}/edit/",
        {"organization": world.org_b.name, "roles": ["member", "treasurer"]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organization == world.org_b
    assert person.role_names() == ["member", "treasurer"]


def test_network_settings_change_the_governance_model(world, client_as):
    response = client_as(world.coordinator).post(
        "/n/red/settings/",
        {
            "name": "Red de prueba",
            "description": "",
            "model": "horizontal",
            "languages": ["es", "en"],
        },
    )
    assert response.status_code == 302
    world.network.refresh_from_db()
    assert world.network.model == "horizontal"
    assert world.network.languages == ["es", "en"]


def test_creating_a_network_from_the_page(world, client_as):
    response = client_as(world.outsider).post(
        "/networks/new/",
        {"slug": "red-sur", "name": "Red Sur", "model": "vertical", "languages": ["es"]},
    )
    assert response.status_code == 302
    assert response["Location"] == "/n/red-sur/"


def test_audit_log_page_reads_as_sentences_in_the_readers_language(world, client_as):
    client = client_as(world.coordinator)
    page = client.get("/n/red/audit/").content.decode()
    assert "carolina added the organization «Fundación A»." in page
    log = page.split("</form>")[-1]  # the filter's options carry the events' values
    assert "organization.create" not in log and "person.add" not in log
    client.cookies["django_language"] = "es"
    page = client.get("/n/red/audit/").content.decode()
    assert "carolina agregó la organización «Fundación A»." in page


def test_every_audit_event_reads_as_a_sentence_naming_who_and_what():
    from minga.core.events import AuditEvent

    for event in AuditEvent:
        assert "%(actor)s" in str(event.label), event
        assert str(event.label).endswith("."), event


def test_home_lists_only_the_users_networks(world, client_as):
    page = client_as(world.member).get("/").content.decode()
    assert "Red de prueba" in page and "Otra red" not in page
