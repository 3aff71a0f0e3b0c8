"""Derived reads of the reach: the audience's criteria as a page shows them, by their
names in the reader's language (never the stored codes and slugs)."""

from __future__ import annotations

from django_countries import countries

from minga.core.models import Network, Theme
from minga.reach.models import AUDIENCE_KIND_CHOICES, AudienceCriteria, CharterVersion


def audience_kinds(audience: AudienceCriteria | None) -> list[str]:
    """The kinds of member the audience admits, by their labels, in the choices' order."""
    if audience is None:
        return []
    return [str(label) for kind, label in AUDIENCE_KIND_CHOICES if kind in audience.member_kinds]


def audience_countries(audience: AudienceCriteria | None) -> list[str]:
    """The audience's countries by their names in the active language, sorted by name."""
    if audience is None:
        return []
    return sorted((str(countries.name(code)) or code for code in audience.countries), key=str.lower)


def audience_themes(audience: AudienceCriteria | None) -> list[str]:
    """The audience's themes by their names (the criteria store slugs)."""
    if audience is None or not audience.themes:
        return []
    names = dict(Theme.objects.filter(slug__in=audience.themes).values_list("slug", "name"))
    return [names.get(slug, slug) for slug in audience.themes]


def current_charter(network: Network) -> CharterVersion | None:
    """The charter as it stands: its context, purpose, objective and audience (planning
    starts the basis and the plan from them rather than asking twice)."""
    return network.charter_versions.first()
