"""Whether an applicant fits the network's audience (pure; no Django here).

The audience, as the method asks: which kinds of member it admits (organizations,
individuals, companies), where (countries), on what (themes), and any statements a member must
make. Each unmet criterion is reported, so the applicant and the coordinators see why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AudienceKind(StrEnum):
    """Who the audience admits as a member (not governance's `MemberKind`, which says
    whether a circle's members are organizations or people)."""

    ORGANIZATION = "organization"
    INDIVIDUAL = "individual"
    COMPANY = "company"


@dataclass(frozen=True)
class Criteria:
    member_kinds: frozenset[str]
    countries: frozenset[str] = frozenset()  # empty: any country
    themes: frozenset[str] = frozenset()  # empty: any theme; else at least one shared
    statements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Applicant:
    kind: str
    country: str
    themes: frozenset[str] = frozenset()
    accepted_statements: frozenset[int] = frozenset()  # indexes into Criteria.statements


@dataclass(frozen=True)
class Unmet:
    criterion: str  # "kind", "country", "themes" or "statement"
    value: str  # what the applicant gave, or the statement not accepted


def check(criteria: Criteria, applicant: Applicant) -> list[Unmet]:
    unmet = []
    if applicant.kind not in criteria.member_kinds:
        unmet.append(Unmet("kind", applicant.kind))
    if criteria.countries and applicant.country.upper() not in criteria.countries:
        unmet.append(Unmet("country", applicant.country.upper()))
    if criteria.themes and not (criteria.themes & applicant.themes):
        unmet.append(Unmet("themes", ", ".join(sorted(applicant.themes))))
    for index, statement in enumerate(criteria.statements):
        if index not in applicant.accepted_statements:
            unmet.append(Unmet("statement", statement))
    return unmet
