"""Derived reads of the core app: the lists and figures pages and the API show.

Views and the API read lists through these functions, so a page and its API list
agree on what they hold and each stays a bounded number of queries as data grows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from minga.core.models import (
    AuditEntry,
    Invitation,
    Network,
    Organization,
    Person,
    Role,
    StepProgress,
    StepState,
)
from minga.core.steps import STEPS


def networks_visible_to(user: Any) -> QuerySet[Network]:
    """The networks a user belongs to; every network for a platform administrator."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    return Network.objects.filter(people__user=user).distinct()


def step_states(network: Network) -> dict[str, str]:
    """Each step's state in the network, `not_started` where nobody set one yet."""
    states = {step.key: StepState.NOT_STARTED.value for step in STEPS}
    states.update(StepProgress.objects.filter(network=network).values_list("step", "state"))
    return states


def organizations_of(
    network: Network,
    *,
    q: str | None = None,
    country: str | None = None,
    size: str | None = None,
    type: str | None = None,
    theme: str | None = None,
) -> QuerySet[Organization]:
    """The network's organizations matching every filter given (`theme` is a slug)."""
    organizations = network.organizations.all()
    if q:
        organizations = organizations.filter(name__icontains=q)
    if country:
        organizations = organizations.filter(country=country)
    if size:
        organizations = organizations.filter(size=size)
    if type:
        organizations = organizations.filter(type=type)
    if theme:
        organizations = organizations.filter(themes__slug=theme)
    return organizations.prefetch_related("themes")


def people_of(
    network: Network,
    *,
    role: str | None = None,
    organization: int | None = None,
    q: str | None = None,
) -> QuerySet[Person]:
    """The network's people with their accounts, organizations and roles."""
    people = network.people.select_related("user", "organization").prefetch_related(
        Prefetch("roles", queryset=Role.objects.order_by("name"))
    )
    if role:
        people = people.filter(roles__name=role)
    if organization is not None:
        people = people.filter(organization_id=organization)
    if q:
        people = people.filter(user__username__icontains=q)
    return people


def pending_invitations(network: Network) -> QuerySet[Invitation]:
    """Invitations neither accepted nor expired, newest first."""
    return network.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def audit_entries(network: Network) -> QuerySet[AuditEntry]:
    """The network's audit log, newest first."""
    return AuditEntry.objects.filter(network=network).select_related("actor")
