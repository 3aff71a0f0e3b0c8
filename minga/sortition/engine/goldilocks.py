"""Goldilocks: selection probabilities neither too low nor too high, so that lying about one's
features buys little (Baharav and Flanigan, "Fair, Manipulation-Robust, and Transparent
Sortition", 2024). LEXIMIN raises the lowest probability as far as it goes, and may leave a few
people, whose profile the quotas need, with chances far above k/n: a person who misreports
their features to look like them gains the most. Goldilocks minimizes

    G(pi) = (n/k) max_i pi_i + gamma (k/n) max_i 1/pi_i,   gamma = 1,

so both the highest probability and the inverse of the lowest stay near k/n. People whom no
panel can seat (the quotas leave no room for them) have no probability to raise: the lowest is
taken over the others, as LEXIMIN leaves them at 0 too.

HiGHS has no cone constraints, so the search is over LPs. For a lower bound l on every
probability, u(l) = the smallest possible highest probability is an LP; u is convex and
nondecreasing in l (an LP's value as a function of its right-hand side), 1/l is convex, so
g(l) = (n/k) u(l) + gamma (k/n) / l is convex on (0, 1], and a golden-section search on l
finds its minimum.

As for LEXIMIN (`leximin.py`), people of one type can share one probability (averaging over a
type keeps the maximum and the minimum no worse), so the LPs are over types:
1. Over the relaxation P of the panels' hull, u(l) is a small LP over types. Its optimum c* is
   decomposed into panels (`leximin.decompose`); when that succeeds the distribution is optimal
   over panels too, since their hull lies in P (`stats["method"] == "relaxation"`).
2. Otherwise the same search over panels, by column generation: golden search over the panels
   found so far, then pricing at the minimum and on either side of it, until no panel prices
   out at those three points (`stats["method"] == "columns"`); by convexity the optimum then
   lies within LEVEL_STEP of the level found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import highspy
import numpy as np

from minga.sortition.engine.diagnosis import InfeasibleQuotas, diagnose
from minga.sortition.engine.draw import Distribution
from minga.sortition.engine.leximin import Reporter, decompose
from minga.sortition.engine.model import Instance, build_types
from minga.sortition.engine.pricing import Panel, PanelSearch
from minga.sortition.engine.solver import INF, add_col, add_row, new_highs, status_name

GAMMA = 1.0
GOLDEN = (math.sqrt(5) - 1) / 2
RELAXATION_ITERATIONS = 80  # golden steps on the relaxation: the level to ~1e-16
COLUMN_ITERATIONS = 40  # on the panels' master: to ~1e-8
LEVEL_STEP = 1e-6  # where the column method checks the optimum's sides
PRICE_TOLERANCE = 1e-9
SHORTFALL_COST = 1e3  # per unit of probability below the level (the master stays feasible)
MAX_ROUNDS = 500
LOWEST_LEVEL = 1e-9  # where the level search starts (G is about 1e9 there: never the minimum)


def goldilocks(
    instance: Instance,
    *,
    gamma: float = GAMMA,
    progress: Callable[[int, int], None] | None = None,
    stats: dict[str, int | str] | None = None,
    relaxation: bool = True,
) -> Distribution:
    """The distribution over quota-satisfying panels that minimizes G (see the module).
    Raises InfeasibleQuotas when no panel meets the quotas. `relaxation=False` skips step 1
    (the tests use it to check the column method on its own)."""
    typed = build_types(instance)
    search = PanelSearch(typed)
    report = Reporter(progress, len(instance.people))
    counters: dict[str, int | str] = {"method": "relaxation", "types": search.size}
    scale = len(instance.people) / instance.seats  # n / k
    covering = _covering_panels(search)
    if not covering:
        diagnosis = diagnose(instance)
        if diagnosis is None:
            raise RuntimeError("the panel search and the diagnosis disagree on feasibility")
        raise InfeasibleQuotas(diagnosis)
    seated = np.array([any(p[t] for p in covering) for t in range(search.size)])
    panels = None
    if relaxation:
        target = _relaxation_optimum(search, seated, scale, gamma)
        if target is not None:
            report.share(0.1)
            panels = decompose(PanelSearch(typed, face=target), target, counters, report)
    if panels is None:
        counters["method"] = "columns"
        panels = _columns(search, covering, seated, scale, gamma, counters)
    report.done()
    if stats is not None:
        stats.update(counters, panels=len(panels))
    return Distribution.build(
        algorithm="goldilocks", instance=instance, types=typed.types, panels=panels
    )


def lowest_seated(probabilities: Iterable[float]) -> float:
    """The lowest probability of those some panel can seat (above 0; see the module)."""
    return min((p for p in probabilities if p > 0), default=0.0)


def objective(probabilities: list[float], seats: int, gamma: float = GAMMA) -> float:
    """G for a pool's probabilities (the lowest by `lowest_seated`)."""
    scale = len(probabilities) / seats
    lowest = lowest_seated(probabilities)
    if lowest <= 0:
        return math.inf
    return scale * max(probabilities) + gamma / (scale * lowest)


def _covering_panels(search: PanelSearch) -> list[Panel]:
    """Panels that together seat every type some panel can seat: each seats as many types not
    yet seated as it can (a dive, else the MIP). Empty when no panel meets the quotas."""
    seated = np.zeros(search.size, dtype=bool)
    panels: list[Panel] = []
    while not seated.all():
        weights = (~seated).astype(np.float64)
        dive = search.dive(weights, 0.5)
        if dive.proven:
            break
        fresh = [p for p in dive.panels if float(np.dot(p, weights)) > 0.5]
        if not fresh:
            found = search.solve(weights)
            if found is None or found[1] < 0.5:
                break
            fresh = [found[0]]
        panels.append(fresh[0])
        seated |= np.asarray(fresh[0]) > 0
    if not panels:
        found = search.solve(np.zeros(search.size))
        return [] if found is None else [found[0]]
    return panels


def golden_minimum(g: Callable[[float], float], low: float, high: float, steps: int) -> float:
    """The minimum's position of a convex function on [low, high], by golden sections."""
    a, b = low, high
    x1, x2 = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
    g1, g2 = g(x1), g(x2)
    for _ in range(steps):
        if g1 <= g2:
            b, x2, g2 = x2, x1, g1
            x1 = b - GOLDEN * (b - a)
            g1 = g(x1)
        else:
            a, x1, g1 = x1, x2, g2
            x2 = a + GOLDEN * (b - a)
            g2 = g(x2)
    return x1 if g1 <= g2 else x2


def _relaxation_optimum(
    search: PanelSearch, seated: np.ndarray, scale: float, gamma: float
) -> np.ndarray | None:
    """Expected seats per type minimizing G over the relaxation (the level binds the `seated`
    types only); None when it is empty."""
    sizes = search.sizes
    count = search.size
    lp = search.model(new_highs())
    lp.setOptionValue("presolve", "off")
    lp.changeObjectiveSense(highspy.ObjSense.kMinimize)
    u = count
    add_col(lp, 1.0, 0.0, 1.0, [], [])
    low_rows = lp.getNumRow()
    for t in range(count):
        add_row(lp, 0.0, INF, [t], [1.0 / sizes[t]])  # pi_t >= level
    for t in range(count):
        add_row(lp, 0.0, INF, [u, t], [1.0, -1.0 / sizes[t]])  # u >= pi_t
    index = [low_rows + int(t) for t in np.flatnonzero(seated)]

    def highest(level: float) -> float | None:
        for row in index:
            lp.changeRowBounds(row, level, INF)
        lp.run()
        if lp.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return None
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"Goldilocks relaxation: {status_name(lp)}")
        return float(lp.getInfo().objective_function_value)

    if highest(0.0) is None:
        return None
    # The largest feasible level (the relaxation's maximin) bounds the search.
    top = _largest_level(highest, 1.0)

    def g(level: float) -> float:
        value = highest(level)
        return math.inf if value is None else scale * value + gamma / (scale * level)

    best = golden_minimum(g, min(LOWEST_LEVEL, top), top, RELAXATION_ITERATIONS)
    highest(best)
    seats: np.ndarray = np.clip(np.asarray(lp.getSolution().col_value[:count]), 0.0, sizes)
    return seats


def _largest_level(highest: Callable[[float], float | None], ceiling: float) -> float:
    """The largest level in [0, ceiling] that `highest` accepts, by bisection."""
    if highest(ceiling) is not None:
        return ceiling
    low, high = 0.0, ceiling
    for _ in range(60):
        middle = (low + high) / 2
        if highest(middle) is None:
            high = middle
        else:
            low = middle
    return low


@dataclass
class _Master:
    """min u + SHORTFALL_COST sum s  s.t.  sum lambda = 1 (row 0),
    sum_j lambda_j pi_jt + s_t >= level (row 1 + t),  u - sum_j lambda_j pi_jt >= 0
    (row 1 + count + t); columns u, s_0..s_{count-1}, then the panels."""

    highs: highspy.Highs
    sizes: np.ndarray
    seated: np.ndarray  # the types the level binds
    panels: list[Panel]

    @classmethod
    def build(cls, sizes: np.ndarray, seated: np.ndarray) -> _Master:
        highs = new_highs()
        highs.setOptionValue("presolve", "off")
        count = len(sizes)
        add_row(highs, 1.0, 1.0, [], [])
        for _ in range(count):
            add_row(highs, 0.0, INF, [], [])
        for _ in range(count):
            add_row(highs, 0.0, INF, [], [])
        add_col(highs, 1.0, 0.0, INF, [1 + count + t for t in range(count)], [1.0] * count)
        for t in range(count):
            add_col(highs, SHORTFALL_COST, 0.0, INF, [1 + t], [1.0])
        return cls(highs, sizes, seated, [])

    def add(self, panel: Panel) -> None:
        """A new column (callers add a panel once)."""
        count = len(self.sizes)
        nonzero = [t for t, c in enumerate(panel) if c]
        rows = [0] + [1 + t for t in nonzero] + [1 + count + t for t in nonzero]
        shares = [panel[t] / float(self.sizes[t]) for t in nonzero]
        add_col(self.highs, 0.0, 0.0, INF, rows, [1.0, *shares, *(-s for s in shares)])
        self.panels.append(panel)

    def solve(self, level: float) -> float:
        for t in np.flatnonzero(self.seated):
            self.highs.changeRowBounds(1 + int(t), level, INF)
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"Goldilocks master LP: {status_name(self.highs)}")
        return float(self.highs.getInfo().objective_function_value)

    def price(self, search: PanelSearch, level: float) -> bool:
        """Solve at `level` and add the panel that prices out best, if one does and is new."""
        self.solve(level)
        count = len(self.sizes)
        dual = np.asarray(self.highs.getSolution().row_dual)
        # A panel's reduced cost is -(dual[0] + weights · counts): it enters when positive.
        weights = (dual[1 : 1 + count] - dual[1 + count :]) / self.sizes
        found = search.solve(weights)
        if found is None or found[1] <= -float(dual[0]) + PRICE_TOLERANCE:
            return False
        if found[0] in self.panels:
            return False
        self.add(found[0])
        return True

    def weighted(self) -> list[tuple[Panel, float]]:
        count = len(self.sizes)
        weights = np.asarray(self.highs.getSolution().col_value[1 + count :])
        return [(p, float(w)) for p, w in zip(self.panels, weights, strict=True) if w > 0]


def _columns(
    search: PanelSearch,
    start: list[Panel],
    seated: np.ndarray,
    scale: float,
    gamma: float,
    counters: dict[str, int | str],
) -> list[tuple[Panel, float]]:
    master = _Master.build(search.sizes, seated)
    for panel in dict.fromkeys(start):
        master.add(panel)

    def g(level: float) -> float:
        return scale * master.solve(level) + gamma / (scale * level)

    rounds = 0
    while True:
        rounds += 1
        best = golden_minimum(g, LOWEST_LEVEL, 1.0, COLUMN_ITERATIONS)
        sides = (best, max(best - LEVEL_STEP, LOWEST_LEVEL), min(best + LEVEL_STEP, 1.0))
        added = [master.price(search, level) for level in sides]  # all three, in turn
        if not any(added) or rounds >= MAX_ROUNDS:
            break
    master.solve(best)
    counters.update(column_rounds=rounds, column_panels=len(master.panels))
    return master.weighted()


@dataclass(frozen=True)
class Fairness:
    """How a distribution's extremes compare with the best each could be on its own."""

    lowest: float
    highest: float
    lowest_ratio: float  # lowest / the largest possible lowest (LEXIMIN's): at most 1
    highest_ratio: float  # highest / the smallest possible highest: at least 1
    gini: float

    def as_json(self) -> dict[str, float]:
        return {
            "lowest": self.lowest,
            "highest": self.highest,
            "lowest_ratio": self.lowest_ratio,
            "highest_ratio": self.highest_ratio,
            "gini": self.gini,
        }


def gini(values: list[float]) -> float:
    """The Gini coefficient: 0 when all are equal (sorted-rank formula, O(n log n))."""
    ordered = sorted(values)
    n = len(ordered)
    total = sum(ordered)
    if n == 0 or total <= 0:
        return 0.0
    ranked = sum((2 * (i + 1) - n - 1) * v for i, v in enumerate(ordered))
    return ranked / (n * total)


def best_extremes(instance: Instance, lowest: float | None = None) -> tuple[float, float]:
    """(the largest possible lowest probability, the smallest possible highest probability)
    over all distributions of panels: LEXIMIN's minimum (computed unless given), and u(0)
    over the panels."""
    from minga.sortition.engine.leximin import leximin

    if lowest is None:
        lowest = lowest_seated(leximin(instance).probabilities().values())
    typed = build_types(instance)
    search = PanelSearch(typed)
    first = search.solve(1.0 / search.sizes)
    assert first is not None  # leximin has raised InfeasibleQuotas otherwise
    master = _Master.build(search.sizes, np.ones(search.size, dtype=bool))
    master.add(first[0])
    while master.price(search, 0.0):
        pass
    return lowest, master.solve(0.0)


def fairness(probabilities: list[float], best: tuple[float, float]) -> Fairness:
    """The lowest is over those some panel can seat, as in `objective`."""
    lowest = lowest_seated(probabilities)
    highest = max(probabilities)
    return Fairness(
        lowest=lowest,
        highest=highest,
        lowest_ratio=lowest / best[0] if best[0] > 0 else 0.0,
        highest_ratio=highest / best[1] if best[1] > 0 else 0.0,
        gini=gini(probabilities),
    )


def comparison(
    instance: Instance, by_algorithm: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """Each algorithm's `Fairness`, measured against the same best extremes; `by_algorithm`
    must hold LEXIMIN's probabilities (its minimum is the best lowest)."""
    best = best_extremes(instance, lowest_seated(by_algorithm["leximin"].values()))
    return {
        name: fairness(list(probabilities.values()), best).as_json()
        for name, probabilities in by_algorithm.items()
    }
