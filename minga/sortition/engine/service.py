"""One entry point for a draw: compute the distribution (or simulate legacy), draw, report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from minga.sortition.engine.draw import Distribution, input_sha256
from minga.sortition.engine.model import Instance

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
        return DrawResult(
            panel=distribution.draw(seed),
            probabilities=distribution.probabilities(),
            algorithm=algorithm,
            seed=seed,
            distribution_sha256=distribution.sha256(),
            seconds=time.perf_counter() - started,
            support=len(distribution.panels),
            distribution=distribution,
        )
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
