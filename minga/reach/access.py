"""Reach objects for a request, used by the pages and the API alike: 404 outside the
caller's network (or a charter its coordinators have not made public), 403 without
the role."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from minga.core.access import get_in_network
from minga.core.models import Network
from minga.core.permissions import Action
from minga.reach.models import ActionItem, Charter


def get_public_charter(slug: str) -> Charter:
    """The charter on a network's public page, for anyone: 404 unless it is public."""
    charter = (
        Charter.objects.select_related("network").filter(network__slug=slug, public=True).first()
    )
    if charter is None:
        raise Http404("No public charter")
    return charter


def get_action_item_for(
    user: Any, network: Network, pk: int, action: Action = Action.MANAGE_CHARTER
) -> ActionItem:
    items = network.action_items.select_related("network")
    return get_in_network(user, network, action, items, pk)
