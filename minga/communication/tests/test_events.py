"""Meetings and workshops: organizing them, registering with a waiting list, attendance
and minutes, reminders sent once, dates typed in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minga.communication import actions, queries
from minga.communication.models import Event, EventReminder, Registration
from minga.communication.tasks import send_event_reminders
from minga.core.models import Person


def _event(world, *, days=3, capacity=None, **extra):
    start = timezone.now() + timedelta(days=days)
    fields = {
        "kind": "workshop",
        "title": "Taller de comunicación",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": capacity,
        **extra,
    }
    return actions.save_event(actor=world.coordinator, network=world.network, **fields)


def _person(world, username):
    return Person.objects.get(network=world.network, user__username=username)


def test_only_coordinators_and_a_groups_leads_organize(world):
    with pytest.raises(PermissionDenied):
        _event_as(world, world.member)
    group = actions.save_group(actor=world.coordinator, network=world.network, name="Incidencia")
    actions.set_group_member(
        actor=world.coordinator, group=group, person=_person(world, "mateo"), lead=True
    )
    event = _event_as(world, world.member, group=group)
    assert event.group == group and event.time_zone == world.network.time_zone
    with pytest.raises(PermissionDenied):
        _event_as(world, world.other_member, group=group)
    # A lead names no other leads; coordinators do.
    with pytest.raises(PermissionDenied):
        actions.set_group_member(
            actor=world.member, group=group, person=_person(world, "ana"), lead=True
        )
    actions.set_group_member(actor=world.member, group=group, person=_person(world, "ana"))


def _event_as(world, user, **extra):
    start = timezone.now() + timedelta(days=2)
    return actions.save_event(
        actor=user,
        network=world.network,
        kind="workshop",
        title="Taller",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        **extra,
    )


def test_a_full_event_puts_people_on_a_waiting_list_and_a_cancelled_place_goes_to_the_first(
    world, django_capture_on_commit_callbacks
):
    event = _event(world, capacity=1)
    first = actions.register(actor=world.member, event=event)
    assert first.status == "registered"
    assert actions.register(actor=world.member, event=event).pk == first.pk  # again: the same
    second = actions.register(actor=world.other_member, event=event)
    third = actions.register(actor=world.treasurer, event=event)
    assert (second.status, third.status) == ("waiting", "waiting")
    assert [queries.waiting_position(r) for r in (second, third)] == [1, 2]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.unregister(actor=world.member, event=event)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("registered", "waiting")
    assert queries.waiting_position(third) == 1
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    places = queries.places(event)
    assert (places.registered, places.waiting, places.left) == (1, 1, 0)
    # Registering again after cancelling joins the end of the queue.
    again = actions.register(actor=world.member, event=event)
    assert again.status == "waiting" and queries.waiting_position(again) == 2


def test_past_or_cancelled_events_take_no_registrations(world):
    event = _event(world)
    actions.cancel_event(actor=world.coordinator, event=event)
    with pytest.raises(ValidationError):
        actions.register(actor=world.member, event=event)
    past = _event(world, days=-3)
    with pytest.raises(ValidationError):
        actions.register(actor=world.member, event=past)
    assert event.sequence == 1  # calendars replace their copy


def test_attendance_and_minutes_are_the_organizers(world):
    event = _event(world)
    registration = actions.register(actor=world.member, event=event)
    with pytest.raises(PermissionDenied):
        actions.set_attendance(actor=world.member, event=event, attended={registration.pk: True})
    actions.set_attendance(actor=world.coordinator, event=event, attended={registration.pk: True})
    registration.refresh_from_db()
    assert registration.attended is True
    other = _event(world)
    with pytest.raises(ValidationError):
        actions.set_attendance(
            actor=world.coordinator, event=other, attended={registration.pk: True}
        )
    actions.save_minutes(
        actor=world.coordinator, event=event, agenda="1. Inicio", minutes="Acuerdos"
    )
    assert Event.objects.get(pk=event.pk).minutes == "Acuerdos"


def test_reminders_go_once_a_day_before_each_occurrence_even_when_the_job_runs_twice(world):
    start = timezone.now() + timedelta(hours=30)
    event = actions.save_event(
        actor=world.coordinator,
        network=world.network,
        kind="monthly_virtual",
        title="Reunión mensual",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        recurrence="monthly",
        occurrences=3,
    )
    actions.register(actor=world.member, event=event)
    actions.register(actor=world.other_member, event=event)
    assert actions.remind_registered() == 0  # 30 hours ahead: not yet
    later = timezone.now() + timedelta(hours=8)
    mail.outbox.clear()
    assert actions.remind_registered(later) + actions.remind_registered(later) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "mateo@example.org"]
    # The next month's occurrence has its own reminder.
    second = event.dates()[1][0]
    assert actions.remind_registered(second - timedelta(hours=2)) == 2
    assert EventReminder.objects.count() == 4
    assert send_event_reminders.call() == 0


def test_a_date_and_time_typed_in_spanish_are_where_the_event_happens(world, client_as):
    response = client_as(world.coordinator, "es").post(
        "/n/red/communication/events/new/",
        {
            "kind": "face_to_face",
            "title": "Encuentro en Santiago",
            "starts_on": "31/03/2027",
            "starts_at": "09:30",
            "ends_on": "01/04/2027",
            "ends_at": "17:00",
            "time_zone": "America/Santiago",
            "recurrence": "none",
            "occurrences": "1",
            "place": "Santiago",
            "capacity": "40",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(title="Encuentro en Santiago")
    local = event.starts_at.astimezone(ZoneInfo("America/Santiago"))
    assert (local.date().isoformat(), local.hour, local.minute) == ("2027-03-31", 9, 30)
    assert event.ends_at.astimezone(ZoneInfo("America/Santiago")) == datetime(
        2027, 4, 1, 17, tzinfo=ZoneInfo("America/Santiago")
    )
    page = client_as(world.coordinator, "es").get(f"/n/red/communication/events/{event.pk}/edit/")
    assert 'value="2027-03-31"' in page.content.decode()


def test_registering_through_the_page(world, client_as):
    event = _event(world, capacity=1)
    client = client_as(world.member)
    assert client.post(f"/n/red/communication/events/{event.pk}/register/").status_code == 302
    assert Registration.objects.get(event=event).status == "registered"
    client_as(world.other_member).post(f"/n/red/communication/events/{event.pk}/register/")
    page = client_as(world.other_member).get(f"/n/red/communication/events/{event.pk}/")
    assert "number 1 on the waiting list" in page.content.decode()
    client.post(f"/n/red/communication/events/{event.pk}/register/", {"cancel": "1"})
    assert Registration.objects.get(event=event, person__user=world.other_member).status == (
        "registered"
    )
