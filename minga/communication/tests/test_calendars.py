"""The calendars, parsed back with the `icalendar` package: valid RFC 5545 with zones (no
floating time), a monthly meeting as one event with an RRULE that keeps its hour across a
daylight-saving change, the public feed carrying only public events, private addresses."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from django.utils import timezone

from minga.communication import actions
from minga.communication.calendar import private_token, reset_token
from minga.core.models import Person

SANTIAGO = ZoneInfo("America/Santiago")


def _plan(world, title, *, public=False, **extra):
    start = extra.pop("starts_at", timezone.now() + timedelta(days=5))
    return actions.save_event(
        actor=world.coordinator,
        network=world.network,
        kind=extra.pop("kind", "workshop"),
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        public=public,
        **extra,
    )


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_public_feed_needs_no_login_and_carries_only_public_events(world, client):
    _plan(world, "Abierto", public=True)
    _plan(world, "Interno")
    calendar = _parse(client.get("/n/red/events.ics"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Abierto"]
    assert client.get("/n/no-such-network/events.ics").status_code == 404


def test_a_monthly_meeting_across_daylight_saving_parses_back_with_its_zone(
    world, client, client_as
):
    start = datetime(2026, 1, 6, 18, tzinfo=SANTIAGO)
    event = _plan(
        world,
        "Reunión mensual",
        public=True,
        kind="monthly_virtual",
        starts_at=start,
        time_zone="America/Santiago",
        recurrence="monthly",
        occurrences=12,
        link="https://meet.example.org/r",
    )
    calendar = _parse(
        client_as(world.member).get(f"/n/red/communication/events/{event.pk}/event.ics")
    )
    assert client.get("/n/red/events.ics").status_code == 200
    zones = {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {"America/Santiago"}
    (vevent,) = calendar.walk("VEVENT")
    dtstart = vevent["dtstart"].dt
    assert (
        dtstart.tzinfo is not None and str(vevent["dtstart"].params["TZID"]) == "America/Santiago"
    )
    assert vevent["rrule"]["FREQ"] == ["MONTHLY"] and vevent["rrule"]["COUNT"] == [12]
    rule = rrulestr(vevent["rrule"].to_ical().decode(), dtstart=dtstart.replace(tzinfo=None))
    local = [moment.replace(tzinfo=SANTIAGO) for moment in rule]
    assert len(local) == 12 and {m.hour for m in local} == {18}
    assert {m.utcoffset() for m in local} == {timedelta(hours=-3), timedelta(hours=-4)}
    # The same instants as the page shows.
    assert [s for s, _e in event.dates()] == local
    assert str(vevent["uid"]).endswith("@minga") and int(vevent["sequence"]) == 0


def test_a_private_feed_opens_by_its_address_only_and_a_reset_ends_the_old_one(world, client):
    _plan(world, "Interno")
    person = Person.objects.get(network=world.network, user=world.member)
    token = private_token(person)
    calendar = _parse(client.get(f"/n/red/events/{token}.ics"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Interno"]
    assert client.get(f"/n/otra/events/{token}.ics").status_code == 404
    assert client.get(f"/n/red/events/{token[:-1]}x.ics").status_code == 404
    new = reset_token(person)
    assert client.get(f"/n/red/events/{token}.ics").status_code == 404
    assert client.get(f"/n/red/events/{new}.ics").status_code == 200


def test_a_cancelled_event_is_marked_so_and_its_sequence_rises(world, client):
    event = _plan(world, "Se cae", public=True)
    actions.cancel_event(actor=world.coordinator, event=event)
    (vevent,) = _parse(client.get("/n/red/events.ics")).walk("VEVENT")
    assert str(vevent["status"]) == "CANCELLED" and int(vevent["sequence"]) == 1


def test_a_persons_calendar_carries_funding_deadlines_and_the_public_one_does_not(
    world, client, api_as
):
    # Through the API: communication's code may not import financing's actions.
    deadline = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    created = api_as(world.coordinator).post(
        "/networks/red/funding/calls",
        {
            "title": "Fondo de participación",
            "funder": "Embajada",
            "source_type": "international_cooperation",
            "deadline": deadline.isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    person = Person.objects.get(network=world.network, user=world.member)
    calendar = _parse(client.get(f"/n/red/events/{private_token(person)}.ics"))
    (vevent,) = calendar.walk("VEVENT")
    assert "Fondo de participación" in str(vevent["summary"])
    assert vevent["dtstart"].dt == deadline
    assert "Fondo" not in client.get("/n/red/events.ics").content.decode()
