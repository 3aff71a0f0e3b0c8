"""Fetch objects for a request, or refuse: 404 outside the network, 403 without the role.

Views and the API never look objects up from user input directly; they come here.
A network stays invisible (404) to people outside it, so its existence does not leak.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from minga.core.db import sql_name
from minga.core.models import Network, Organization, Person, Role, User
from minga.core.permissions import Action, can, is_in_network, remember_roles

M = TypeVar("M", bound=Model)


def acting_user(request: HttpRequest) -> User:
    """The signed-in user behind a request that passed authentication."""
    assert isinstance(request.user, User)
    return request.user


def get_network_for(user: Any, slug: str, action: Action = Action.VIEW_NETWORK) -> Network:
    network = _network_with_roles(user, slug)
    if network is None or not is_in_network(user, network):
        raise Http404("No such network")
    if not can(user, action, network):
        raise PermissionDenied
    return network


def _network_with_roles(user: Any, slug: str) -> Network | None:
    """The network, and the user's roles in it read in the same query: every page asks
    for both. A row per role of the user's person there, joined if there is one. Plain
    SQL (names from the models): the ORM took longer to build this query than the
    database took to answer it, on every request (bench/load.py)."""
    if not user.is_authenticated:
        return Network.objects.filter(slug=slug).first()
    query = (
        f"SELECT n.*, p.{sql_name(Person, 'id')} AS _person, r.{sql_name(Role, 'name')} AS _role "  # noqa: S608
        f"FROM {sql_name(Network)} n LEFT JOIN {sql_name(Person)} p "
        f"ON p.{sql_name(Person, 'network')} = n.{sql_name(Network, 'id')} "
        f"AND p.{sql_name(Person, 'user')} = %s "
        f"LEFT JOIN {sql_name(Role)} r "
        f"ON r.{sql_name(Role, 'person')} = p.{sql_name(Person, 'id')} "
        f"WHERE n.{sql_name(Network, 'slug')} = %s"
    )
    found: list[Any] = list(Network.objects.raw(query, [user.pk, slug]))
    if not found:
        return None
    roles = [row._role for row in found if row._role]
    remember_roles(user, found[0], roles, found[0]._person is not None)
    return cast(Network, found[0])


def get_in_network(user: Any, network: Network, action: Action, rows: QuerySet[M], pk: int) -> M:
    """One of the network's `rows` for someone who may `action` there: 403 without the
    role, 404 when `pk` is not among them. The app's `get_X_for` helpers say which rows."""
    if not can(user, action, network):
        raise PermissionDenied
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {rows.model._meta.model_name}")
    return found


def get_organization_for(
    user: Any, network: Network, pk: int, action: Action = Action.VIEW_ORGANIZATIONS
) -> Organization:
    return get_in_network(user, network, action, network.organizations.all(), pk)


def get_person_for(
    user: Any, network: Network, pk: int, action: Action = Action.VIEW_PEOPLE
) -> Person:
    people = network.people.select_related("user", "organization").prefetch_related("roles")
    return get_in_network(user, network, action, people, pk)


def named_in_body(rows: QuerySet[M], pk: int, field: str, where: str = "this network") -> M:
    """The object a request body names by id: a wrong id is the body's mistake, answered
    422 on `field`, not a missing page."""
    found = rows.filter(pk=pk).first()
    if found is None:
        name = rows.model._meta.model_name
        raise ValidationError({field: f"No {name} {pk} in {where}."})
    return found


def organization_named_in(
    network: Network, pk: int | None, field: str = "organization"
) -> Organization | None:
    """The organization a request body names by id; None clears it."""
    return None if pk is None else named_in_body(network.organizations.all(), pk, field)
