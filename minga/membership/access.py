"""Membership objects for a request, used by the pages and the API alike: 404 outside
the caller's network, 403 without the role."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from minga.core.access import get_in_network
from minga.core.models import Network, Organization
from minga.core.permissions import Action, can
from minga.membership.models import Application, Contribution, Invoice, Membership, Plan
from minga.membership.queries import active_memberships, own_organization


def get_network_open_to_applications(slug: str) -> Network:
    """The public application form's network: 404 unless the coordinators opened it."""
    from minga.reach.models import Charter

    charter = (
        Charter.objects.select_related("network")
        .filter(network__slug=slug, applications_open=True)
        .first()
    )
    if charter is None:
        raise Http404("Applications are not open")
    return charter.network


def get_plan_for(user: Any, network: Network, pk: int) -> Plan:
    return get_in_network(user, network, Action.VIEW_NETWORK, network.plans.all(), pk)


def _may_see_application(user: Any, application: Application) -> bool:
    """Those who manage membership see every application; others only their own."""
    return can(user, Action.MANAGE_MEMBERSHIP, application.network) or (
        user.is_authenticated and application.submitted_by_id == user.pk
    )


def get_application_for(user: Any, network: Network, pk: int) -> Application:
    application = network.applications.select_related("plan", "network").filter(pk=pk).first()
    if application is None:
        raise Http404("No such application")
    if not _may_see_application(user, application):
        raise PermissionDenied
    return application


def visible_applications(user: Any, network: Network) -> QuerySet[Application]:
    """The same rule as `get_application_for`, for a list."""
    applications = network.applications.all()
    if can(user, Action.MANAGE_MEMBERSHIP, network):
        return applications
    if not user.is_authenticated:
        return applications.none()
    return applications.filter(submitted_by=user)


def get_membership_for(
    user: Any, network: Network, pk: int, action: Action = Action.VIEW_ORGANIZATIONS
) -> Membership:
    memberships = active_memberships(network).select_related("organization", "plan", "network")
    return get_in_network(user, network, action, memberships, pk)


def may_keep_commitments(user: Any, membership: Membership) -> bool:
    """A member's own people and those who manage membership see and keep its
    commitments and contributions."""
    return can(user, Action.MANAGE_MEMBERSHIP, membership.network) or membership.represented_by(
        user
    )


def get_contributions_for(user: Any, network: Network, pk: int) -> QuerySet[Contribution]:
    """A member's pledged contributions: its own people's and coordinators' business."""
    membership = get_membership_for(user, network, pk)
    if not may_keep_commitments(user, membership):
        raise PermissionDenied
    return membership.contributions.all()


def get_contribution_for(
    user: Any, network: Network, pk: int, action: Action = Action.MANAGE_MEMBERSHIP
) -> Contribution:
    contributions = Contribution.objects.filter(membership__network=network).select_related(
        "membership__network", "membership__organization"
    )
    return get_in_network(user, network, action, contributions, pk)


def dues_scope_for(user: Any, network: Network) -> Organization | None:
    """Whose dues the user sees: everyone's (None) for the treasurer and coordinators,
    their own organization's for its people, nobody's (403) otherwise."""
    if can(user, Action.VIEW_DUES, network):
        return None
    organization = own_organization(user, network)
    if organization is None:
        raise PermissionDenied
    return organization


def get_invoice_for(
    user: Any, network: Network, pk: int, action: Action = Action.MANAGE_DUES
) -> Invoice:
    invoices = Invoice.objects.filter(network=network).select_related("organization", "network")
    return get_in_network(user, network, action, invoices, pk)
