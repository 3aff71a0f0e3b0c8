"""Governance objects for a request: 404 outside the caller's network, 403 without the role.

Objects named in a request's body (a circle's parent, a mandate's holder, a nominee) are
fields of what is submitted: one that is not in the network is a 422 naming the field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from minga.core.access import get_in_network, named_in_body
from minga.core.models import Network, Organization, Person
from minga.core.permissions import Action, can, is_in_network
from minga.governance.models import Circle, Election, Mandate, Nomination, Objection, Proposal


def get_proposal_for(user: Any, pk: int, network: Network | None = None) -> Proposal:
    rows = Proposal.objects.select_related("circle", "proposer")
    if network is None:
        rows = rows.select_related("network")
    proposal = rows.filter(pk=pk).first()
    if proposal is None or (network is not None and proposal.network_id != network.pk):
        raise Http404("No such proposal")
    if network is not None:
        proposal.network = network  # the page's, already read
    if not is_in_network(user, proposal.network):
        raise Http404("No such proposal")
    if not can(user, Action.VIEW_GOVERNANCE, proposal.network):
        raise PermissionDenied
    return proposal


def get_circle_for(user: Any, network: Network, pk: int) -> Circle:
    circles = network.circles.select_related("parent__network")
    return get_in_network(user, network, Action.VIEW_GOVERNANCE, circles, pk)


def get_mandate_for(user: Any, network: Network, pk: int) -> Mandate:
    mandates = Mandate.objects.select_related("circle").filter(circle__network=network)
    return get_in_network(user, network, Action.VIEW_GOVERNANCE, mandates, pk)


def get_election_for(user: Any, network: Network, pk: int) -> Election:
    elections = Election.objects.select_related("circle").filter(circle__network=network)
    return get_in_network(user, network, Action.VIEW_GOVERNANCE, elections, pk)


def get_objection_for(user: Any, proposal: Proposal, pk: int) -> Objection:
    objection = proposal.objections.filter(pk=pk).first()
    if objection is None:
        raise Http404("No such objection")
    return objection


def get_nomination_for(user: Any, election: Election, pk: int) -> Nomination:
    nomination = election.nominations.select_related("nominee__user").filter(pk=pk).first()
    if nomination is None:
        raise Http404("No such nomination")
    return nomination


def circle_named(network: Network, pk: int, field: str) -> Circle:
    return named_in_body(network.circles.all(), pk, field)


def person_named(network: Network, pk: int, field: str) -> Person:
    return named_in_body(network.people.select_related("user"), pk, field)


def organization_named(network: Network, pk: int, field: str) -> Organization:
    return named_in_body(network.organizations.all(), pk, field)


def nomination_named(election: Election, pk: int, field: str) -> Nomination:
    return named_in_body(
        election.nominations.select_related("nominee__user"), pk, field, "this election"
    )
