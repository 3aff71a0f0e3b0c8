"""Query counts of communication's lists, pinned at two data sizes."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from minga.communication import actions
from minga.core.models import Person
from minga.core.testing import assert_queries_flat

_numbers = itertools.count()


@pytest.fixture
def grow(world):
    people = list(Person.objects.filter(network=world.network))

    def more() -> None:
        for _ in range(3):
            n = next(_numbers)
            start = timezone.now() + timedelta(days=n + 1)
            event = actions.save_event(
                actor=world.coordinator,
                network=world.network,
                kind=["workshop", "monthly_virtual", "face_to_face"][n % 3],
                title=f"Evento {n}",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                recurrence="monthly",
                occurrences=3,
            )
            for person in people:
                actions.register(actor=person.user, event=event)
            group = actions.save_group(
                actor=world.coordinator, network=world.network, name=f"Grupo {n}"
            )
            actions.set_group_member(actor=world.coordinator, group=group, person=people[0])
            actions.share_resource(
                actor=world.member,
                network=world.network,
                title=f"Guía {n}",
                url="https://example.org/r",
            )
            actions.open_consultation(
                actor=world.coordinator,
                network=world.network,
                question=f"¿Pregunta {n}?",
                kind="rating",
                closes_at=timezone.now() + timedelta(days=2),
            )
            actions.promote_initiative(
                actor=world.coordinator,
                network=world.network,
                organization=world.org_a,
                title=f"Iniciativa {n}",
            )

    more()
    return more


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("coordinator", "/n/red/communication/"),
        ("member", "/n/red/communication/events/"),
        ("member", "/n/red/communication/rhythm/"),
        ("member", "/n/red/communication/groups/"),
        ("coordinator", "/n/red/communication/digest/"),
        ("member", "/n/red/communication/resources/?q=guia"),
        ("member", "/n/red/communication/initiatives/"),
        ("member", "/n/red/communication/consultations/"),
        ("coordinator", "/n/red/communication/engagement/"),
    ],
)
def test_communication_pages_take_as_many_queries_for_more_data(
    world, grow, client_as, persona, path
):
    assert_queries_flat(client_as(getattr(world, persona)), path, grow)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/networks/red/events",
        "/api/v1/networks/red/groups",
        "/api/v1/networks/red/resources",
        "/api/v1/networks/red/initiatives",
        "/api/v1/networks/red/consultations",
        "/n/red/events.ics",
    ],
)
def test_communication_lists_take_as_many_queries_for_more_data(world, grow, api_client, path):
    assert_queries_flat(api_client(world.member), path, grow)
