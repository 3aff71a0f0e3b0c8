"""Draws for a request: 404 outside the caller's network (and for drafts they may not
manage), 403 without the role."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from minga.core.models import Network
from minga.core.permissions import Action, can, is_in_network
from minga.sortition.models import PUBLIC_STATES, Draw


def get_draw_for(user: Any, network: Network, pk: int, action: Action = Action.VIEW_DRAWS) -> Draw:
    if not can(user, action, network):
        raise PermissionDenied
    draw = network.draws.select_related("network", "circle").filter(pk=pk).first()
    if draw is None or not (draw.is_public or can(user, Action.MANAGE_DRAWS, network)):
        raise Http404("No such draw")
    return draw


def get_any_draw_for(user: Any, pk: int, action: Action = Action.VIEW_DRAWS) -> Draw:
    """A draw by its id alone (the API): 404 unless the caller belongs to its network."""
    draw = Draw.objects.select_related("network").filter(pk=pk).first()
    if draw is None or not is_in_network(user, draw.network):
        raise Http404("No such draw")
    return get_draw_for(user, draw.network, pk, action)


def visible_draws(user: Any, network: Network) -> QuerySet[Draw]:
    """Every draw for those who manage them; published ones (and later) for the others."""
    draws = network.draws.select_related("circle")
    if can(user, Action.MANAGE_DRAWS, network):
        return draws
    return draws.filter(state__in=PUBLIC_STATES)
