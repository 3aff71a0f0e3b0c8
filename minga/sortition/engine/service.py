"""One entry point for a draw: compute the distribution (or simulate legacy), draw, report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from minga.sortition.engine.draw import Distribution, input_sha256
from minga.sortition.engine.model import Instance, build_types, panel_violations

if TYPE_CHECKING:
    from minga.sortition.engine.leximin import Progress
    from minga.sortition.engine.lottery import Lottery

ALGORITHMS = ("leximin", "goldilocks", "legacy")
# The algorithms that compute an explicit distribution over panels (a lottery rounds one).
LOTTERY_ALGORITHMS = ("leximin", "goldilocks")
DEFAULT_PANELS = 1000
# Ten-sided dice: up to six of them (the table's rows stay a file one can open).
MAX_PANELS = 1_000_000


@dataclass(frozen=True)
class DrawResult:
    panel: list[str]
    probabilities: dict[str, float]
    algorithm: str
    seed: str
    distribution_sha256: str
    seconds: float
    support: int | None = None
    distribution: Distribution | None = None  # None for legacy (no explicit distribution)

    @classmethod
    def of(cls, distribution: Distribution, seed: str, started: float) -> DrawResult:
        """The draw from a distribution with this seed (`started`: its perf_counter start)."""
        return cls(
            panel=distribution.draw(seed),
            probabilities=distribution.probabilities(),
            algorithm=distribution.algorithm,
            seed=seed,
            distribution_sha256=distribution.sha256(),
            seconds=time.perf_counter() - started,
            support=len(distribution.panels),
            distribution=distribution,
        )

    @property
    def min_probability(self) -> float:
        return min(self.probabilities.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "panel": self.panel,
            "probabilities": self.probabilities,
            "min_probability": self.min_probability,
            "algorithm": self.algorithm,
            "seed": self.seed,
            "distribution_sha256": self.distribution_sha256,
            "seconds": self.seconds,
        }


def run_draw(
    instance: Instance, seed: str, algorithm: str = "leximin", progress: Progress | None = None
) -> DrawResult:
    """Raises InfeasibleQuotas (with its diagnosis) when no panel meets the quotas."""
    from minga.sortition.engine.legacy import SIMULATION_RUNS, legacy_draw

    started = time.perf_counter()
    if algorithm in LOTTERY_ALGORITHMS:
        distribution = compute_distribution(instance, algorithm, progress)
        return DrawResult.of(distribution, seed, started)
    if algorithm == "legacy":
        panel, probabilities = legacy_draw(instance, seed)
        return DrawResult(
            panel=panel,
            probabilities=probabilities,
            algorithm=algorithm,
            seed=seed,
            distribution_sha256=input_sha256(instance, "legacy", runs=SIMULATION_RUNS),
            seconds=time.perf_counter() - started,
        )
    raise ValueError(f"algorithm: {algorithm!r} is not one of {', '.join(ALGORITHMS)}")


@dataclass(frozen=True)
class LotteryResult:
    lottery: Lottery
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "panels": self.lottery.panels,
            "lottery_sha256": self.lottery.sha256(),
            "max_change": self.lottery.max_change,
            "probabilities": self.lottery.probabilities,
            "seconds": self.seconds,
        }


def compute_distribution(
    instance: Instance, algorithm: str, progress: Progress | None = None
) -> Distribution:
    """LEXIMIN's or Goldilocks' distribution over panels."""
    # numpy and highspy load here, so `minga sortition --help` starts without them.
    from minga.sortition.engine.goldilocks import goldilocks
    from minga.sortition.engine.leximin import leximin

    if algorithm == "goldilocks":
        return goldilocks(instance, progress=progress)
    if algorithm == "leximin":
        return leximin(instance, progress=progress)
    raise ValueError(f"algorithm: {algorithm!r} is not one of {', '.join(LOTTERY_ALGORITHMS)}")


# A published distribution's probabilities may differ this much from a fresh computation's.
PUBLISHED_TOLERANCE = 1e-6


def published_draw(
    instance: Instance,
    published: Distribution,
    seed: str,
    progress: Progress | None = None,
) -> DrawResult:
    """The draw from a published distribution (its distribution.json), once it is shown to be
    one that the pool's files allow: the same people with the same features and households,
    every panel meeting the quotas, and as fair as a fresh computation (LEXIMIN's probabilities
    are unique, so they must be the same; Goldilocks' objective no worse). Raises ValueError
    saying what does not hold. The decomposition into panels is not unique, and Minga's may
    change between versions (peeling, for pools with many types): checking the published one
    keeps a draw verifiable whichever version computed it."""
    from minga.sortition.engine.goldilocks import objective

    started = time.perf_counter()
    algorithm = published.algorithm
    if algorithm not in LOTTERY_ALGORITHMS:
        raise ValueError(f"algorithm {algorithm!r}: not one with a distribution")
    if published.seats != instance.seats:
        raise ValueError(f"it is for {published.seats} seats, not {instance.seats}")
    if published.features != tuple(instance.features):
        raise ValueError(f"its features are {', '.join(published.features)}")
    # The same people, grouped in the same interchangeable kinds (features and households).
    kinds = {(k.profile, tuple(sorted(k.members)), k.group) for k in build_types(instance).types}
    if {(k.profile, tuple(sorted(k.members)), k.group) for k in published.types} != kinds:
        raise ValueError("its people, their features or their households are not the pool's")
    if not published.panels or any(weight <= 0 for _counts, weight in published.panels):
        raise ValueError("its panels' weights must be positive")
    for counts, _weight in published.panels:
        if any(not 0 <= c <= kind.size for c, kind in zip(counts, published.types, strict=True)):
            raise ValueError("a panel seats more people of a kind than there are")
        panel = [
            m for c, kind in zip(counts, published.types, strict=True) for m in kind.members[:c]
        ]
        if problems := panel_violations(instance, panel):
            raise ValueError(f"a panel breaks the rules: {problems[0]}")
    probabilities = published.probabilities()
    fresh = compute_distribution(instance, algorithm, progress).probabilities()
    if algorithm == "leximin":
        worst = max(abs(probabilities[i] - fresh[i]) for i in fresh)
        if worst > PUBLISHED_TOLERANCE:
            raise ValueError(f"its probabilities are not LEXIMIN's (off by up to {worst:.2g})")
    else:
        mine = objective(list(probabilities.values()), instance.seats)
        best = objective(list(fresh.values()), instance.seats)
        if mine > best * (1 + PUBLISHED_TOLERANCE):
            raise ValueError(f"its Goldilocks objective is {mine:.6f}, not the best {best:.6f}")
    return DrawResult.of(published, seed, started)


def run_lottery(
    instance: Instance,
    panels: int = DEFAULT_PANELS,
    algorithm: str = "leximin",
    progress: Progress | None = None,
) -> LotteryResult:
    """The distribution, rounded to `panels` numbered panels (`lottery.round_distribution`).
    Raises InfeasibleQuotas when no panel meets the quotas."""
    from minga.sortition.engine.lottery import round_distribution

    started = time.perf_counter()
    lottery = round_distribution(compute_distribution(instance, algorithm, progress), panels)
    return LotteryResult(lottery=lottery, seconds=time.perf_counter() - started)
