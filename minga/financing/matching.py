"""Which open funding calls fit an applicant (the network, or one member organization), and
why. No Django import: the rules are tested directly.

A call is judged on five criteria: themes, countries, kind of organization, amount against
the need, and a joint application when several members fit. Each criterion the call fits
adds its whole weight; a call that restricts nothing on a criterion (no themes, any
country, any kind) fits it. The only other part of the score is a bonus below the smallest
weight for the share of the call's themes the applicant works on, so a call that fits on
every criterion always ranks above one that fits on fewer, and among equals the more
focused call comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

SOURCE_TYPES = ("national_public", "international_cooperation", "private")

CRITERIA = ("themes", "countries", "org_types", "amount", "joint")
WEIGHTS = {"themes": 3.0, "countries": 2.0, "org_types": 2.0, "amount": 2.0, "joint": 1.0}
# Below the smallest weight: it orders calls that fit on the same criteria, nothing more.
THEME_BONUS = 0.5
JOINT_AT_LEAST = 2


@dataclass(frozen=True)
class CallFacts:
    key: int
    title: str
    deadline: datetime
    themes: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    org_types: frozenset[str] = frozenset()
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    currency: str = ""
    joint_allowed: bool = False
    # How many of the network's members meet the call's countries and kinds.
    members_fitting: int = 0


@dataclass(frozen=True)
class Applicant:
    """The network (its members' countries and kinds, its needs' themes) or one member."""

    themes: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    org_types: frozenset[str] = frozenset()
    # (amount, currency) of each need to be funded.
    needs: tuple[tuple[Decimal, str], ...] = ()
    is_network: bool = False


@dataclass(frozen=True)
class Reason:
    """Why a criterion scored as it did: a code, and what the sentence names."""

    criterion: str
    code: str
    fits: bool
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    call: CallFacts
    score: float
    reasons: tuple[Reason, ...]

    @property
    def fitted(self) -> frozenset[str]:
        return frozenset(r.criterion for r in self.reasons if r.fits)


def _themes(call: CallFacts, who: Applicant) -> Reason:
    if not call.themes:
        return Reason("themes", "themes_any", True)
    shared = sorted(call.themes & who.themes)
    if shared:
        return Reason("themes", "themes_shared", True, {"themes": shared})
    return Reason("themes", "themes_none", False, {"themes": sorted(call.themes)})


def _countries(call: CallFacts, who: Applicant) -> Reason:
    if not call.countries:
        return Reason("countries", "countries_any", True)
    shared = sorted(call.countries & who.countries)
    if shared:
        return Reason("countries", "countries_eligible", True, {"countries": shared})
    return Reason("countries", "countries_none", False, {"countries": sorted(call.countries)})


def _org_types(call: CallFacts, who: Applicant) -> Reason:
    if not call.org_types:
        return Reason("org_types", "org_types_any", True)
    shared = sorted(call.org_types & who.org_types)
    if shared:
        return Reason("org_types", "org_types_eligible", True, {"org_types": shared})
    return Reason("org_types", "org_types_none", False, {"org_types": sorted(call.org_types)})


def covers(call: CallFacts, amount: Decimal) -> bool:
    """The call's range can fund this amount: not below its smallest grant, and within its
    largest (a call without a largest amount can fund any)."""
    if call.amount_min is not None and amount < call.amount_min:
        return False
    return call.amount_max is None or amount <= call.amount_max


def _amount(call: CallFacts, who: Applicant) -> Reason:
    if not who.needs:
        return Reason("amount", "amount_no_need", False)
    if call.amount_min is None and call.amount_max is None:
        return Reason("amount", "amount_unknown", False)
    same = [amount for amount, currency in who.needs if currency == call.currency]
    if not same:
        return Reason(
            "amount",
            "amount_other_currency",
            False,
            {"currency": call.currency, "need_currency": who.needs[0][1]},
        )
    fitting = [amount for amount in same if covers(call, amount)]
    if fitting:
        return Reason(
            "amount", "amount_fits", True, {"amount": max(fitting), "currency": call.currency}
        )
    return Reason(
        "amount",
        "amount_outside",
        False,
        {
            "amount": max(same),
            "currency": call.currency,
            "min": call.amount_min,
            "max": call.amount_max,
        },
    )


def _joint(call: CallFacts, who: Applicant) -> Reason:
    if not call.joint_allowed:
        return Reason("joint", "joint_not_allowed", False)
    # Several members: the network's two, or a member and one partner.
    if call.members_fitting >= JOINT_AT_LEAST:
        return Reason("joint", "joint_fits", True, {"count": call.members_fitting})
    return Reason("joint", "joint_too_few", False, {"count": call.members_fitting})


JUDGES = (_themes, _countries, _org_types, _amount, _joint)


def judge(call: CallFacts, who: Applicant) -> Match:
    reasons = tuple(judge_one(call, who) for judge_one in JUDGES)
    score = sum(WEIGHTS[r.criterion] for r in reasons if r.fits)
    if call.themes:
        score += THEME_BONUS * len(call.themes & who.themes) / len(call.themes)
    return Match(call=call, score=round(score, 4), reasons=reasons)


def rank(calls: Iterable[CallFacts], who: Applicant, now: datetime) -> list[Match]:
    """The calls still open at `now` (a deadline passed is out), best fit first; ties by
    the nearer deadline, then the call's key, so the order is stable."""
    found = [judge(call, who) for call in calls if call.deadline >= now]
    found.sort(key=lambda m: (-m.score, m.call.deadline, m.call.key))
    return found
