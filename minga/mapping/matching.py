"""Which mapped organizations work on similar issues, and whose offers meet whose needs.

Profiles come from survey answers, by the built-in questionnaire's question names (forms of
one's own that use the same names get the same matches). No Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Question names of the built-in questionnaire that the directory reads.
ORG_NAME = "org_name"
COUNTRY = "country"
CITY = "city"
FOCUS = "focus"
SIMILARITY_QUESTIONS = ("focus", "lines_of_action", "populations", "initiative_areas")
NEEDS = "needs"
OFFERS = "offers"


@dataclass
class Profile:
    key: int
    themes: set[str] = field(default_factory=set)
    traits: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)
    offers: set[str] = field(default_factory=set)


def _values(value: Any) -> set[str]:
    if value is None or value == "":
        return set()
    return set(value) if isinstance(value, list) else {str(value)}


def profile(key: int, themes: Iterable[str], answers: dict[str, Any]) -> Profile:
    traits = {f"{q}:{v}" for q in SIMILARITY_QUESTIONS for v in _values(answers.get(q))}
    return Profile(
        key=key,
        themes={f"theme:{t}" for t in themes},
        traits=traits,
        needs=_values(answers.get(NEEDS)),
        offers=_values(answers.get(OFFERS)),
    )


@dataclass(frozen=True)
class Similar:
    key: int
    shared: int


def similar(target: Profile, others: Iterable[Profile], limit: int = 5) -> list[Similar]:
    """Organizations sharing the most themes, lines of action and populations with `target`
    (at least one), most shared first; ties by key for a stable order."""
    mine = target.themes | target.traits
    found = [
        Similar(other.key, len(mine & (other.themes | other.traits)))
        for other in others
        if other.key != target.key
    ]
    found = [item for item in found if item.shared > 0]
    found.sort(key=lambda item: (-item.shared, item.key))
    return found[:limit]


@dataclass(frozen=True)
class Match:
    key: int
    topics: tuple[str, ...]


def offers_for(target: Profile, others: Iterable[Profile]) -> list[Match]:
    """Who offers what `target` needs."""
    result = [
        Match(other.key, tuple(sorted(target.needs & other.offers)))
        for other in others
        if other.key != target.key and target.needs & other.offers
    ]
    result.sort(key=lambda m: (-len(m.topics), m.key))
    return result


def needs_met_by(target: Profile, others: Iterable[Profile]) -> list[Match]:
    """Who needs what `target` offers."""
    result = [
        Match(other.key, tuple(sorted(target.offers & other.needs)))
        for other in others
        if other.key != target.key and target.offers & other.needs
    ]
    result.sort(key=lambda m: (-len(m.topics), m.key))
    return result


# Stored profiles: an organization's answers as rows the database can count (no themes: the
# directory keeps those). `similar` counts shared TRAIT rows (and themes); a need meets an
# offer where NEED:x of one is OFFER:x of another.
TRAIT = "trait:"
NEED = "need:"
OFFER = "offer:"
ANSWERED = "answered:"  # every surveyed organization holds this row


def stored_traits(answers: dict[str, Any]) -> list[str]:
    """The rows of an organization's profile, from its newest response's answers (and
    ANSWERED: it answered a survey)."""
    found = profile(0, [], answers)
    return sorted(
        [
            ANSWERED,
            *(TRAIT + t for t in found.traits),
            *(NEED + n for n in found.needs),
            *(OFFER + o for o in found.offers),
        ]
    )
