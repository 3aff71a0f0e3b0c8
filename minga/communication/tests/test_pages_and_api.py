"""Communication's pages and API answer each role as the matrix says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from minga.communication import actions
from minga.core.models import Person

BASE = "/n/red/communication"


@pytest.fixture
def planned(world):
    start = timezone.now() + timedelta(days=4)
    event = actions.save_event(
        actor=world.coordinator,
        network=world.network,
        kind="workshop",
        title="Taller",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
    )
    group = actions.save_group(actor=world.coordinator, network=world.network, name="Incidencia")
    actions.set_group_member(
        actor=world.coordinator,
        group=group,
        person=Person.objects.get(network=world.network, user=world.member),
    )
    return event, group


def test_pages_answer_each_role_as_the_matrix_says(world, client_as, planned):
    event, group = planned
    everyone = [
        "/",
        "/events/",
        "/events/?past=1",
        f"/events/{event.pk}/",
        f"/events/{event.pk}/event.ics",
        "/calendars/",
        "/rhythm/",
        "/groups/",
        f"/groups/{group.pk}/",
        "/initiatives/",
        "/resources/",
        "/resources/?q=guia&language=es",
        "/digest/",
        "/consultations/",
    ]
    organizers = ["/events/new/", f"/events/{event.pk}/edit/", "/engagement/"]
    expected = {
        world.coordinator: (200, 200),
        world.member: (200, 403),
        world.treasurer: (200, 403),
        world.protocol_officer: (200, 403),
        world.admin: (200, 200),
        world.outsider: (404, 404),
        None: (302, 302),
    }
    for user, (seen, organize) in expected.items():
        client = client_as(user)
        for path in everyone:
            assert client.get(BASE + path).status_code == seen, (user, path)
        for path in organizers:
            assert client.get(BASE + path).status_code == organize, (user, path)


def test_the_api_answers_each_role_as_the_matrix_says(world, api_as, planned):
    event, group = planned
    start = (timezone.now() + timedelta(days=9)).isoformat()
    end = (timezone.now() + timedelta(days=9, hours=1)).isoformat()
    body = {"kind": "monthly_virtual", "title": "Mensual", "starts_at": start, "ends_at": end}
    expected = {
        world.coordinator: (200, 201),
        world.member: (200, 403),
        world.treasurer: (200, 403),
        world.admin: (200, 201),
        world.outsider: (404, 404),
        None: (401, 401),
    }
    for user, (read, write) in expected.items():
        client = api_as(user)
        for path in (
            "/networks/red/events",
            f"/networks/red/events/{event.pk}",
            "/networks/red/groups",
            f"/networks/red/groups/{group.pk}",
            "/networks/red/rhythm?year=2027",
        ):
            assert client.get(path).status_code == read, (user, path)
        assert client.post("/networks/red/events", body).status_code == write, user
    member = api_as(world.member)
    placed = member.put(f"/networks/red/events/{event.pk}/registration", {})
    assert placed.status_code == 200 and placed.json()["status"] == "registered"
    assert member.get(f"/networks/red/events/{event.pk}/registrations").status_code == 403
    listed = api_as(world.coordinator).get(f"/networks/red/events/{event.pk}/registrations")
    assert [r["status"] for r in listed.json()["items"]] == ["registered"]
    naive = {**body, "starts_at": start[:16], "ends_at": end[:16]}
    assert api_as(world.coordinator).post("/networks/red/events", naive).status_code == 422
    rhythm = member.get("/networks/red/rhythm?year=2027").json()
    assert len(rhythm["months"]) == 12 and rhythm["face_to_face_missing"] == 2


def test_an_occurrence_of_long_ago_is_a_date_time_the_api_can_carry(world, api_as):
    """RFC 3339 offsets are whole minutes. Bogotá's local mean time (-04:56:16, until
    1914) is not, so such an occurrence is given in UTC; a present-day one keeps its
    zone's offset."""
    from datetime import datetime as moment

    coordinator = api_as(world.coordinator)
    for start, offset in (("1900-03-01T20:00:00Z", "+00:00"), ("2027-03-01T20:00:00Z", "-05:00")):
        body = {
            "kind": "monthly_virtual",
            "title": "Mensual",
            "starts_at": start,
            "ends_at": start.replace("20:00", "21:00"),
            "time_zone": "America/Bogota",
        }
        created = coordinator.post("/networks/red/events", body)
        assert created.status_code == 201, created.content
        for occurrence in created.json()["occurrences"]:
            for key in ("starts_at", "ends_at"):
                written = occurrence[key].replace("Z", "+00:00")
                assert written.endswith(offset), occurrence
                offset_read = moment.fromisoformat(written).utcoffset()
                assert offset_read is not None and offset_read.seconds % 60 == 0
