"""Which trends matter most and which objectives the members put first: the PESTEL
priority (probability × impact) and the tally of the organizations' prioritization ballots.
Plain data in and out, no Django."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

# The method's impact levels and their weights in the priority.
IMPACT_WEIGHTS = {"high": 3, "medium": 2, "low": 1}
PROBABILITIES = range(1, 6)
MAX_DOTS = 20
# The method: "prioritize the 3, 4 or 5 most relevant".
MIN_ADOPTED = 3
MAX_ADOPTED = 5


@dataclass(frozen=True)
class Rating:
    probability: int
    impact: str


@dataclass(frozen=True)
class Weighing:
    """A trend's standing: mean probability (1–5), mean impact weight (1–3), priority."""

    probability: float
    impact: float
    priority: float
    ratings: int


def weigh(ratings: Sequence[Rating]) -> Weighing:
    """The weighted priority of a trend: its mean probability times its mean impact
    weight, so that the probability-by-impact matrix places it where it ranks."""
    if not ratings:
        return Weighing(0.0, 0.0, 0.0, 0)
    probability = fmean(r.probability for r in ratings)
    impact = fmean(IMPACT_WEIGHTS[r.impact] for r in ratings)
    return Weighing(probability, impact, probability * impact, len(ratings))


def impact_level(weight: float) -> str:
    """The level nearest a mean impact weight (a tie goes to the higher level)."""
    if weight <= 0:
        return "low"
    return min(
        IMPACT_WEIGHTS,
        key=lambda level: (abs(IMPACT_WEIGHTS[level] - weight), -IMPACT_WEIGHTS[level]),
    )


@dataclass(frozen=True)
class Trend:
    id: int
    weighing: Weighing


def rank_trends(trends: Iterable[Trend]) -> list[Trend]:
    """Highest priority first; among equals, the trend more people rated, then the older."""
    return sorted(trends, key=lambda t: (-t.weighing.priority, -t.weighing.ratings, t.id))


# Prioritization ballots ---------------------------------------------------------------------


def ballot_problems(
    method: str, marks: Mapping[int, int], dots: int, objective_ids: Iterable[int]
) -> list[str]:
    """What is wrong with a ballot, as codes the caller words: "unknown" (an objective not
    on the list), "empty", "too_many_dots", "not_positive", "ranks" (a ranking must number
    its choices 1, 2, 3… without gaps or repeats)."""
    listed = set(objective_ids)
    problems: list[str] = []
    if not marks:
        problems.append("empty")
    if any(objective not in listed for objective in marks):
        problems.append("unknown")
    if any(value < 1 for value in marks.values()):
        problems.append("not_positive")
    elif method == "dots" and sum(marks.values()) > dots:
        problems.append("too_many_dots")
    elif method == "ranking" and sorted(marks.values()) != list(range(1, len(marks) + 1)):
        problems.append("ranks")
    return problems


@dataclass(frozen=True)
class Standing:
    objective: int
    score: int
    ballots: int  # how many organizations marked it


def tally(
    method: str, ballots: Iterable[Mapping[int, int]], objective_ids: Sequence[int]
) -> list[Standing]:
    """The objectives in order. Dots add up; a ranking gives n points to the first of n
    objectives, n−1 to the second, and so on (Borda), nothing to those left out. Ties go to
    the objective more organizations marked, then to the one listed first."""
    n = len(objective_ids)
    score = dict.fromkeys(objective_ids, 0)
    support = dict.fromkeys(objective_ids, 0)
    for marks in ballots:
        for objective, value in marks.items():
            if objective not in score:
                continue
            score[objective] += value if method == "dots" else n - value + 1
            support[objective] += 1
    order = {objective: i for i, objective in enumerate(objective_ids)}
    return sorted(
        (Standing(o, score[o], support[o]) for o in objective_ids),
        key=lambda s: (-s.score, -s.ballots, order[s.objective]),
    )


def first(standings: Sequence[Standing], count: int) -> list[int]:
    """The objectives to adopt: the first `count` that anyone marked."""
    return [s.objective for s in standings if s.score > 0][:count]
