"""Communication objects for a request, for the pages and the API alike: 404 outside the
caller's network, 403 without the role; the public feed by the coordinators' choice, a
private feed by its address."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from minga.communication.calendar import person_for_token
from minga.communication.models import (
    Consultation,
    Event,
    GroupMember,
    Initiative,
    Resource,
    WorkingGroup,
)
from minga.core.access import get_in_network
from minga.core.models import Network, Person
from minga.core.permissions import Action


def get_event_for(user: Any, network: Network, pk: int) -> Event:
    rows = Event.objects.filter(network=network).select_related("group", "network")
    return get_in_network(user, network, Action.VIEW_EVENTS, rows, pk)


def get_group_for(user: Any, network: Network, pk: int) -> WorkingGroup:
    rows = WorkingGroup.objects.filter(network=network).select_related("network")
    return get_in_network(user, network, Action.VIEW_EVENTS, rows, pk)


def get_member_for(user: Any, network: Network, group_pk: int, pk: int) -> GroupMember:
    group = get_group_for(user, network, group_pk)
    rows = group.memberships.select_related("group__network", "person")
    return get_in_network(user, network, Action.VIEW_EVENTS, rows, pk)


def public_network(slug: str) -> Network:
    """Any network's public feed exists (empty until its coordinators mark events public)."""
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise Http404("No such network")
    return network


def feed_person(slug: str, token: str) -> Person:
    """The person a private feed's address names: 404 for any address that opens nothing
    (a wrong or reset address says no more than a missing one)."""
    network = Network.objects.filter(slug=slug).first()
    person = person_for_token(network, token) if network is not None else None
    if person is None or not person.user.is_active:  # a switched-off account's too
        raise Http404("No such calendar")
    return person


def get_initiative_for(user: Any, network: Network, pk: int) -> Initiative:
    rows = Initiative.objects.filter(network=network).select_related("organization", "network")
    return get_in_network(user, network, Action.VIEW_EVENTS, rows.defer("image"), pk)


def get_resource_for(
    user: Any, network: Network, pk: int, *, with_content: bool = False
) -> Resource:
    rows = Resource.objects.filter(network=network).select_related(
        "network", "organization", "shared_by"
    )
    return get_in_network(
        user, network, Action.VIEW_EVENTS, rows if with_content else rows.defer("content"), pk
    )


def get_consultation_for(user: Any, network: Network, pk: int) -> Consultation:
    rows = Consultation.objects.filter(network=network).select_related("network")
    return get_in_network(user, network, Action.VIEW_EVENTS, rows, pk)
