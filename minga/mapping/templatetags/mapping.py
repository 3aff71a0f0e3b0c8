from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from minga.core import l10n
from minga.core.models import Organization
from minga.core.permissions import Action, can
from minga.mapping.queries import matches_for

register = template.Library()


@register.inclusion_tag("mapping/_matches.html", takes_context=True)
def organization_matches(context: Any, organization: Organization) -> dict[str, Any]:
    """Similar organizations and needs ↔ offers, for people who may see survey results."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can(user, Action.VIEW_SURVEYS, organization.network):
        return {"matches": None}
    return {"matches": matches_for(organization, get_language() or "es")}


@register.filter
def percent100(value: Any, places: Any = 1) -> str:
    """A percent as the figures hold it (17.5 for 17.5 %), written in the reader's
    language through `minga.core.l10n.percent` ("17,5%")."""
    if value is None or value == "":
        return ""
    return l10n.percent(Decimal(str(value)) / 100, int(places))
