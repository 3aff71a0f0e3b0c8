"""The directory's view of the mapping: similar organizations and needs ↔ offers matches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from minga.core.models import Organization
from minga.mapping import matching
from minga.mapping.models import Response


@dataclass
class OrganizationMatches:
    similar: list[tuple[Organization, int]]
    offer_to_me: list[tuple[Organization, list[str]]]
    need_from_me: list[tuple[Organization, list[str]]]
    surveyed: bool


def _latest_answers(organizations: list[Organization]) -> dict[int, dict[str, Any]]:
    answers: dict[int, dict[str, Any]] = {}
    rows = (
        Response.objects.filter(organization__in=[o.pk for o in organizations])
        .order_by("imported_at", "pk")
        .values_list("organization_id", "answers")
    )
    for organization_id, data in rows:
        answers[organization_id] = data  # the newest response wins
    return answers


def matches_for(organization: Organization, language: str) -> OrganizationMatches:
    organizations = list(organization.network.organizations.prefetch_related(Prefetch("themes")))
    answers = _latest_answers(organizations)
    by_pk = {o.pk: o for o in organizations}
    profiles = {
        o.pk: matching.profile(o.pk, [t.slug for t in o.themes.all()], answers.get(o.pk, {}))
        for o in organizations
    }
    target = profiles[organization.pk]
    others = list(profiles.values())
    labels = _support_labels(organization, language)
    return OrganizationMatches(
        similar=[(by_pk[s.key], s.shared) for s in matching.similar(target, others)],
        offer_to_me=[
            (by_pk[m.key], [labels.get(t, t) for t in m.topics])
            for m in matching.offers_for(target, others)
        ],
        need_from_me=[
            (by_pk[m.key], [labels.get(t, t) for t in m.topics])
            for m in matching.needs_met_by(target, others)
        ],
        surveyed=organization.pk in answers,
    )


def _support_labels(organization: Organization, language: str) -> dict[str, str]:
    """Labels of the needs/offers choices, from the newest survey that asks them."""
    for survey in organization.network.surveys.order_by("-updated_at"):
        form = survey.parsed_form()
        question = form.question(matching.NEEDS) or form.question(matching.OFFERS)
        if question is not None:
            return {c.name: c.label(language) for c in form.choices_of(question)}
    return {}
