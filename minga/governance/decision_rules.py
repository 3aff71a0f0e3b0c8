"""How a proposal is decided, as pure functions over a tally (no Django here).

The method's rules:
- consent (horizontal circles): a decision moves forward only if nobody objects;
- consensus_then_supermajority (the vertical model): consensus is sought first; failing
  it, a 3/4 majority of those who took a side decides (abstentions do not count);
- majority (operational matters in work teams): more agree than disagree or object; on a
  tie, the organization in charge of general coordination has the last word, and if it
  took no side the proposal goes to the coordination body.
An optional quorum is the share of eligible voters that must take a position (abstaining
counts as taking one) for any result to stand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Rule(StrEnum):
    CONSENT = "consent"
    CONSENSUS_THEN_SUPERMAJORITY = "consensus_then_supermajority"
    MAJORITY = "majority"


class Position(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"
    OBJECT = "object"


class Result(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    TIED = "tied"
    NO_QUORUM = "no_quorum"


class DecidedBy(StrEnum):
    CONSENT = "consent"
    CONSENSUS = "consensus"
    SUPERMAJORITY = "supermajority"
    MAJORITY = "majority"
    TIE_BREAK = "tie_break"


@dataclass(frozen=True)
class Tally:
    agree: int = 0
    disagree: int = 0
    abstain: int = 0
    object: int = 0

    def __post_init__(self) -> None:
        if min(self.agree, self.disagree, self.abstain, self.object) < 0:
            raise ValueError("a tally cannot be negative")

    @property
    def taken(self) -> int:
        """Voters who took any position, abstention included."""
        return self.agree + self.disagree + self.abstain + self.object

    @property
    def sided(self) -> int:
        """Voters who took a side: everyone but those who abstained (the 3/4 majority is
        a share of these)."""
        return self.agree + self.disagree + self.object

    @property
    def against(self) -> int:
        """Disagreements and objections: what a majority weighs against agreement."""
        return self.disagree + self.object

    @classmethod
    def of(cls, positions: list[str]) -> Tally:
        return cls(
            agree=positions.count(Position.AGREE),
            disagree=positions.count(Position.DISAGREE),
            abstain=positions.count(Position.ABSTAIN),
            object=positions.count(Position.OBJECT),
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "agree": self.agree,
            "disagree": self.disagree,
            "abstain": self.abstain,
            "object": self.object,
        }


@dataclass(frozen=True)
class Outcome:
    result: Result
    decided_by: DecidedBy | None
    tally: Tally


def quorum_needed(eligible: int, quorum: float | None) -> int | None:
    """How many voters must take a position for a result to stand: the quorum's share of
    the eligible, rounded up; None without a quorum."""
    if quorum is None:
        return None
    if not 0 <= quorum <= 1:
        raise ValueError("a quorum is a share between 0 and 1")
    # Exact arithmetic: 0.1 + 0.2 style float error must not flip a result.
    return math.ceil(Fraction(str(quorum)) * eligible)


def supermajority_needed(tally: Tally) -> int:
    """How many of those who took a side must agree for a 3/4 majority (at least one)."""
    return max(1, math.ceil(Fraction(3, 4) * tally.sided))


def quorum_met(tally: Tally, eligible: int, quorum: float | None) -> bool:
    needed = quorum_needed(eligible, quorum)
    return needed is None or tally.taken >= needed


def decide(
    rule: Rule,
    tally: Tally,
    *,
    eligible: int,
    quorum: float | None = None,
    tie_break: Position | None = None,
) -> Outcome:
    """The outcome of a closed proposal.

    `tie_break` is the position taken by the organization in charge of general
    coordination (majority rule only); None or ABSTAIN means it took no side.
    """
    if not quorum_met(tally, eligible, quorum):
        return Outcome(Result.NO_QUORUM, None, tally)
    if rule is Rule.CONSENT:
        result = Result.ADOPTED if tally.object == 0 else Result.REJECTED
        return Outcome(result, DecidedBy.CONSENT, tally)
    if rule is Rule.CONSENSUS_THEN_SUPERMAJORITY:
        if tally.disagree == 0 and tally.object == 0 and tally.agree >= 1:
            return Outcome(Result.ADOPTED, DecidedBy.CONSENSUS, tally)
        # Nobody agreeing is never a 3/4 majority, even when nobody took a side.
        adopted = tally.agree > 0 and 4 * tally.agree >= 3 * tally.sided
        return Outcome(
            Result.ADOPTED if adopted else Result.REJECTED, DecidedBy.SUPERMAJORITY, tally
        )
    if rule is Rule.MAJORITY:
        if tally.agree != tally.against:
            result = Result.ADOPTED if tally.agree > tally.against else Result.REJECTED
            return Outcome(result, DecidedBy.MAJORITY, tally)
        if tie_break is Position.AGREE:
            return Outcome(Result.ADOPTED, DecidedBy.TIE_BREAK, tally)
        if tie_break in (Position.DISAGREE, Position.OBJECT):
            return Outcome(Result.REJECTED, DecidedBy.TIE_BREAK, tally)
        return Outcome(Result.TIED, None, tally)
    raise ValueError(f"unknown rule {rule!r}")
