"""What a review of the communication app found, pinned: leads, the public feed, switched
-off accounts, downloads' extensions, chat escaping, disguised addresses, the waiting list,
recurring meetings in the digest, a dollar sign in a chart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minga.communication import actions, charts, digest
from minga.communication.calendar import private_token
from minga.communication.models import ChatChannel, Registration
from minga.core.models import Person


def _person(world, user):
    return Person.objects.get(network=world.network, user=user)


@pytest.fixture
def led_group(world):
    group = actions.save_group(actor=world.coordinator, network=world.network, name="Incidencia")
    for user in (world.member, world.other_member):
        actions.set_group_member(
            actor=world.coordinator, group=group, person=_person(world, user), lead=True
        )
    return group


def test_a_lead_neither_demotes_another_lead_nor_publishes_to_the_public_feed(world, led_group):
    with pytest.raises(PermissionDenied):
        actions.set_group_member(
            actor=world.member, group=led_group, person=_person(world, world.other_member)
        )
    start = timezone.now() + timedelta(days=3)
    fields: dict[str, Any] = {
        "kind": "workshop",
        "title": "T",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    with pytest.raises(PermissionDenied):
        actions.save_event(
            actor=world.member, network=world.network, group=led_group, public=True, **fields
        )
    event = actions.save_event(actor=world.member, network=world.network, group=led_group, **fields)
    assert event.public is False


def test_a_switched_off_account_loses_its_feed_and_its_digest(world, client):
    token = private_token(_person(world, world.member))
    world.member.is_active = False
    world.member.save()
    assert client.get(f"/n/red/events/{token}.ics").status_code == 404
    actions.post_news(actor=world.coordinator, network=world.network, title="Noticia")
    when = digest.current_period("weekly", timezone.localdate() + timedelta(days=7))
    digest.send(world.network, when)
    assert "mateo@example.org" not in [m.to[0] for m in mail.outbox]


def test_a_download_gets_the_extension_its_content_earns(world, client_as):
    text = actions.share_resource(
        actor=world.member,
        network=world.network,
        title="Guía",
        content=b"hola",
        file_name="guia.hta",
    )
    response = client_as(world.member).get(f"/n/red/communication/resources/{text.pk}/file")
    assert 'filename="guia.txt"' in response["Content-Disposition"]
    with pytest.raises(ValidationError):  # markup hidden past the first few kilobytes
        actions.share_resource(
            actor=world.member,
            network=world.network,
            title="Mala",
            content=b" " * 5000 + b"<html><script>alert(1)</script>",
            file_name="x.txt",
        )


def test_chat_text_cannot_mention_everyone_or_disguise_a_link(world):
    channel = ChatChannel(kind="slack", url="https://hooks.example.org/x")
    request = digest.channel_request(channel, "<!channel> @here <https://evil|banco>")
    assert isinstance(request.data, bytes)
    body = request.data.decode()
    assert "<!channel>" not in body and "@here" not in body and "<https://evil|" not in body


@pytest.mark.parametrize(
    "url",
    [
        "https://127.1/x",
        "https://2130706433/x",
        "https://0x7f000001/x",
        "https://0/x",
        "https://127.0.0.1./x",
    ],
)
def test_an_address_in_disguise_is_refused(world, url):
    with pytest.raises(ValidationError):
        actions.save_channel(actor=world.coordinator, network=world.network, kind="slack", url=url)


def _workshop(world, capacity):
    start = timezone.now() + timedelta(days=5)
    return actions.save_event(
        actor=world.coordinator,
        network=world.network,
        kind="workshop",
        title="Taller",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=capacity,
    )


def test_nobody_passes_the_waiting_list_and_more_places_move_it(world):
    event = _workshop(world, 1)
    actions.register(actor=world.member, event=event)
    actions.register(actor=world.other_member, event=event)
    actions.register(actor=world.treasurer, event=event)
    actions.save_event(actor=world.coordinator, network=world.network, event=event, capacity=3)
    statuses = dict(
        Registration.objects.filter(event=event).values_list("person__user__username", "status")
    )
    assert statuses == {"mateo": "registered", "ana": "registered", "tiago": "registered"}
    actions.save_event(actor=world.coordinator, network=world.network, event=event, capacity=4)
    # A free place, but a newcomer still queues behind anyone waiting (nobody, here).
    assert actions.register(actor=world.protocol_officer, event=event).status == "registered"


def test_leaving_a_cancelled_event_promotes_nobody(world, django_capture_on_commit_callbacks):
    event = _workshop(world, 1)
    actions.register(actor=world.member, event=event)
    actions.register(actor=world.other_member, event=event)
    actions.cancel_event(actor=world.coordinator, event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.unregister(actor=world.member, event=event)
    assert (
        Registration.objects.get(event=event, person__user=world.other_member).status == "waiting"
    )
    assert mail.outbox == []


def test_the_digest_announces_a_monthly_meetings_next_occurrence(world):
    start = timezone.now() - timedelta(days=70)
    actions.save_event(
        actor=world.coordinator,
        network=world.network,
        kind="monthly_virtual",
        title="Mensual",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        recurrence="monthly",
        occurrences=6,
    )
    when = digest.current_period("weekly")
    shared = digest.network_content(world.network, when)
    for event in shared.events:
        assert event.next_start is not None and event.next_start >= timezone.now()
        assert event.next_start != event.starts_at


def test_a_dollar_sign_in_a_choice_draws(world):
    svg = charts.results_chart([("Entre $5 y $10", 3), ("$\\foo$", 1)], "Precio")
    assert "<svg" in svg
