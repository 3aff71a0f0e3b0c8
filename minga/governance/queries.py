"""Read-side queries of governance: lists and figures derived from many rows (the
structure's double links, mandates, proposals). What one object answers about itself
stays on its model (`proposal.voter_for(user)`, `mandate.is_current()`)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from minga.core.models import Network, Person
from minga.governance import linkage
from minga.governance.models import (
    Circle,
    CircleKind,
    Election,
    Mandate,
    MandateQuerySet,
    Nomination,
    Proposal,
    VotingUnit,
)


def linked_parents(network: Network) -> dict[int, int | None]:
    """Each circle's parent where double linkage applies: between circles of the
    horizontal model. Working groups report to the coordination body instead."""
    return {
        pk: parent if kind == CircleKind.CIRCLE else None
        for pk, parent, kind in network.circles.values_list("pk", "parent_id", "kind")
    }


def current_seats(network: Network) -> list[linkage.Seat]:
    return [
        linkage.Seat(circle_id, person_id, role)
        for circle_id, person_id, role in Mandate.objects.current()
        .filter(circle__network=network, person__isnull=False)
        .values_list("circle_id", "person_id", "role")
    ]


def link_problems(network: Network) -> dict[int, list[str]]:
    """Double-linkage problems of every circle of the network that has a parent."""
    found = linkage.link_problems(linked_parents(network), current_seats(network))
    return {circle: [str(p) for p in problems] for circle, problems in found.items()}


def people_who_may_vote(proposal: Proposal) -> list[Person]:
    """Everyone who may take a position on the proposal, themself or for their
    organization, and has an address to be told at."""
    if proposal.voting_unit == VotingUnit.PERSON:
        people = proposal.eligible_people()
    else:
        people = proposal.network.people.filter(organization__in=proposal.eligible_organizations())
    return list(people.select_related("user").exclude(user__email=""))


def mandates(network: Network, *, current: bool | None = None) -> MandateQuerySet:
    """The network's mandates, current, past or both, ready to show with their holders."""
    rows = Mandate.objects.filter(circle__network=network).select_related(
        "circle__network", "person__user", "organization"
    )
    if current is True:
        return rows.current()
    if current is False:
        return rows.past()
    return rows


def current_mandates_by_circle(network: Network) -> dict[int, list[Mandate]]:
    """Current mandates by circle id (circles nobody sits in are left out)."""
    seated: dict[int, list[Mandate]] = {}
    for mandate in mandates(network, current=True):
        seated.setdefault(mandate.circle_id, []).append(mandate)
    return seated


def circle_mandates(circle: Circle) -> list[Mandate]:
    """A circle's mandates, current and past, with their holders."""
    return list(circle.mandates.select_related("person__user", "organization"))


def circle_children(circle: Circle) -> QuerySet[Circle]:
    """The circles that report to this one, ready to link to."""
    return circle.children.select_related("network")


def circle_elections(circle: Circle) -> QuerySet[Election]:
    return circle.elections.prefetch_related(
        Prefetch("nominations", queryset=Nomination.objects.select_related("nominee__user"))
    )


def proposals(
    network: Network, *, state: str | None = None, circle: int | None = None
) -> QuerySet[Proposal]:
    """The network's proposals, newest first, optionally of one state or one circle."""
    rows = network.proposals.select_related("circle")
    if state:
        rows = rows.filter(state=state)
    if circle is not None:
        rows = rows.filter(circle_id=circle)
    return rows
