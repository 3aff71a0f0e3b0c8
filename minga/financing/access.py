"""Financing objects for a request, for the pages and the API alike: 404 outside the
caller's network, 403 without the role. An application's documents are its team's (and
the coordinators' and treasurer's); an organization's amounts are its own people's."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from minga.core.access import get_in_network
from minga.core.models import Network, Organization, Person
from minga.core.permissions import Action, can
from minga.financing.models import (
    Call,
    Document,
    Funder,
    JointApplication,
    Need,
    Partner,
    PlanLine,
)


def get_call_for(
    user: Any, network: Network, pk: int, action: Action = Action.VIEW_FUNDING
) -> Call:
    rows = Call.objects.filter(network=network).select_related("funder", "network")
    return get_in_network(user, network, action, rows, pk)


def get_funder_for(
    user: Any, network: Network, pk: int, action: Action = Action.MANAGE_FUNDING
) -> Funder:
    return get_in_network(user, network, action, Funder.objects.filter(network=network), pk)


def get_application_for(
    user: Any, network: Network, pk: int, action: Action = Action.VIEW_FUNDING
) -> JointApplication:
    rows = JointApplication.objects.filter(network=network).select_related(
        "lead", "call__funder", "network"
    )
    return get_in_network(user, network, action, rows, pk)


def may_work_on(user: Any, application: JointApplication) -> bool:
    """The application's team, or those who manage the network's funding."""
    return can(user, Action.MANAGE_FUNDING, application.network) or application.on_team(user)


def get_document_for(user: Any, network: Network, application_pk: int, pk: int) -> Document:
    application = get_application_for(user, network, application_pk)
    if not may_work_on(user, application):
        raise PermissionDenied
    return get_in_network(
        user, network, Action.VIEW_FUNDING, application.documents.select_related("application"), pk
    )


def get_partner_for(user: Any, network: Network, application_pk: int, pk: int) -> Partner:
    application = get_application_for(user, network, application_pk)
    rows = application.partners.select_related("application__network", "organization")
    return get_in_network(user, network, Action.APPLY_FOR_FUNDING, rows, pk)


def get_need_for(
    user: Any, network: Network, pk: int, action: Action = Action.MANAGE_FUNDING
) -> Need:
    return get_in_network(user, network, action, Need.objects.filter(network=network), pk)


def get_plan_line_for(
    user: Any, network: Network, pk: int, action: Action = Action.MANAGE_FUNDING
) -> PlanLine:
    return get_in_network(user, network, action, PlanLine.objects.filter(network=network), pk)


def sees_amounts_of(user: Any, organization: Organization) -> bool:
    """An organization's own funding amounts: its people, and who manages the network's."""
    if can(user, Action.MANAGE_FUNDING, organization.network):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and Person.objects.filter(
            network_id=organization.network_id, user=user, organization=organization
        ).exists()
    )


def own_organization(user: Any, network: Network) -> Organization | None:
    if not getattr(user, "is_authenticated", False):
        return None
    person = network.people.select_related("organization").filter(user=user).first()
    return person.organization if person else None
