"""Alternates that keep the quotas (Assos, Baharav, Flanigan and Procaccia, "Alternates,
Assemble!", EC 2025). Pure module (no Django).

When the panel is drawn, B alternates are chosen too. On the day, some panel members do not
come; the best replacements among the alternates who did come take their seats. The
alternates are chosen to minimize the *expected quota shortfall* after that: for each quota,
the seats below its minimum or above its maximum, plus the seats left empty.

Who stays: a `StayModel`. Without history every member is equally likely to stay
(`StayModel.uniform`); once the network has its own history of declines, the paper's model:
a base rate times one factor per feature value, fitted by maximum likelihood (`fit_stay_model`).

The expectation is a sample average over dropout scenarios (sample average approximation):
each scenario says which panel members stay and, for each type of candidate, which of its
first, second, ... alternates would come. One integer program (HiGHS) then picks how many
alternates of each type to take, with, per scenario, the best replacements among those who
came; it is exact for these scenarios (`Alternates.optimal`). Past EXACT_LIMIT types x
scenarios it takes minutes, so larger pools get a greedy choice improved by swaps, on the same
objective, evaluated exactly (`shortfall`). People of one type (same features, no household
shared) are interchangeable, so the program works with types; within a type, the alternates
are its members in an order drawn from the seed (`draw.RandomStream`), so the choice can be
re-run and checked.

On the platform, a free seat goes to the first alternate (in their order) whose seat leaves
the least shortfall (`replacement_from`); `seated_chances` simulates exactly that, given the
panel drawn, and `seated_before_draw` gives everyone's chance before the draw.

Households: no alternate shares a household with a panel member, and no two alternates share
one.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from minga.sortition.engine.draw import Distribution, RandomStream
from minga.sortition.engine.model import (
    Instance,
    Person,
    SortitionInputError,
    build_types,
    gettext_noop,
)
from minga.sortition.engine.solver import INF, add_col, add_row, new_highs, status_name

PROCEDURE = "minga-sortition-alternates-v1"
DEFAULT_STAY = 0.8  # without history: everyone stays with this chance
DEFAULT_SCENARIOS = 60
MAX_NODES = 20_000  # the program stops there (a node limit, not a clock: same on any machine)
# The integer program runs while types x scenarios stay below this (seconds at most); past
# it, greedy choice then swaps, on the same sampled objective, not proven optimal.
EXACT_LIMIT = 3_000
# Swaps cost types x 2^B subset evaluations each: past this, the greedy choice alone.
SWAP_WORK = 300 * 2**6
FILL_REWARD = 1e-7
MAX_ALTERNATES = 8  # each scenario tries every subset of the alternates who came (2^B)
# The chance of being seated before the draw: panels sampled from the distribution, and dropout
# scenarios simulated for each (`seated_before_draw`).
BEFORE_DRAW_PANELS = 24
BEFORE_DRAW_SCENARIOS = 100


@dataclass(frozen=True)
class StayModel:
    """Someone's chance to stay: `base` times the factor of each of their feature values
    (a missing factor is 1), at most 1."""

    base: float = DEFAULT_STAY
    factors: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def uniform(cls, chance: float = DEFAULT_STAY) -> StayModel:
        return cls(chance, {})

    def chance(self, features: Mapping[str, str]) -> float:
        value = self.base
        for feature, values in self.factors.items():
            value *= values.get(features.get(feature, ""), 1.0)
        return min(max(value, 0.0), 1.0)


def fit_stay_model(
    history: Sequence[tuple[Mapping[str, str], bool]], features: Sequence[str]
) -> StayModel:
    """The multiplicative model's maximum-likelihood fit to `history` (each drawn member's
    features and whether they stayed). With log p = theta · x the log-likelihood
    sum s z + (1 - s) log(1 - e^z) is concave (log(1 - e^z) is), under the linear constraints
    z <= 0 (p <= 1), which bind when every member with some value stayed: a log-barrier
    interior-point method (Newton steps, the barrier weight shrinking tenfold each round)
    finds the maximum. Each feature's most frequent value is the reference (factor 1): the
    base rate is its chance."""
    if not history:
        return StayModel.uniform()
    values = {
        f: sorted({h[0].get(f, "") for h in history}, key=lambda v: (-_count(history, f, v), v))
        for f in features
    }
    columns = [(f, v) for f in features for v in values[f][1:]]
    x = np.array([[1.0] + [float(h[0].get(f, "") == v) for f, v in columns] for h in history])
    stayed = np.array([1.0 if h[1] else 0.0 for h in history])
    rate = min(max(float(stayed.mean()), 0.01), 0.99)
    theta = np.zeros(x.shape[1])
    theta[0] = math.log(rate) - 1.0  # strictly inside: every z < 0
    barrier = 1.0

    def objective(t: np.ndarray) -> float:
        z = x @ t
        if np.any(z >= 0):
            return -math.inf
        return float(stayed @ z + (1 - stayed) @ np.log(-np.expm1(z)) + barrier * np.log(-z).sum())

    while barrier > 1e-12:
        for _ in range(50):
            z = x @ theta
            e = np.exp(z)
            odds = e / -np.expm1(z)  # e^z / (1 - e^z)
            gradient = x.T @ (stayed - (1 - stayed) * odds + barrier / z)
            curvature = (1 - stayed) * odds / -np.expm1(z) + barrier / z**2
            hessian = -(x.T * curvature) @ x - 1e-12 * np.eye(len(theta))
            step = np.linalg.lstsq(hessian, -gradient, rcond=None)[0]
            current, size = objective(theta), 1.0
            # |theta| <= 20: a value nobody with it kept gets e^-20, not a factor of 0 (or an
            # overflow) along a direction the likelihood leaves unbounded.
            while size > 1e-12:
                candidate = np.clip(theta + size * step, -20.0, 20.0)
                if objective(candidate) >= current:
                    break
                size /= 2
            else:
                break
            theta = candidate
            if abs(float(gradient @ step)) < 1e-12:
                break
        barrier /= 10
    factors: dict[str, dict[str, float]] = {f: {values[f][0]: 1.0} for f in features}
    for (f, v), coefficient in zip(columns, theta[1:], strict=True):
        factors[f][v] = math.exp(coefficient)
    return StayModel(math.exp(theta[0]), factors)


def _count(history: Sequence[tuple[Mapping[str, str], bool]], feature: str, value: str) -> int:
    return sum(1 for h in history if h[0].get(feature, "") == value)


@dataclass(frozen=True)
class Scenarios:
    """Sampled dropouts: `stays[s][i]` for panel member i, and `comes[s][t][j]` for the j-th
    alternate of candidate type t; with, per scenario, the seats each quota row keeps from
    the panel members who stay (`have`) and the seats left free (`free`)."""

    stays: np.ndarray  # scenarios x panel members, bool
    comes: np.ndarray  # scenarios x types x slots, bool
    have: np.ndarray  # scenarios x rows
    free: np.ndarray  # scenarios


@dataclass(frozen=True)
class Alternates:
    ids: tuple[str, ...]  # in the order they are called
    expected_shortfall: float
    scenarios: int
    optimal: bool  # the program proved its choice best for these scenarios


@dataclass
class _Problem:
    instance: Instance
    panel: tuple[Person, ...]
    types: list[tuple[tuple[str, ...], tuple[str, ...], str | None]]  # profile, members, group
    slots: list[int]
    rows: list[tuple[str, str, int, int]]  # feature, value, min, max
    stay: StayModel
    budget: int
    # Which quota rows each candidate type and each panel member count towards (0 or 1),
    # worked out once: the program and `shortfall` read them in their inner loops.
    type_rows: np.ndarray  # types x rows
    panel_rows: np.ndarray  # panel members x rows


def _problem(instance: Instance, panel: Sequence[str], budget: int, stay: StayModel) -> _Problem:
    people = {p.id: p for p in instance.people}
    seated = [people[i] for i in sorted(panel)]
    on_panel = set(panel)
    taken_groups = {p.group for p in seated if p.group is not None}
    candidates = [
        p
        for p in instance.people
        if p.id not in on_panel and (p.group is None or p.group not in taken_groups)
    ]
    typed = build_types(Instance(tuple(candidates), instance.quotas, instance.seats))
    types = [(t.profile, t.members, t.group) for t in typed.types]
    slots = [min(budget, len(members)) if group is None else 1 for _, members, group in types]
    features = instance.features
    rows = [(f, v, q.min, q.max) for f in features for v, q in sorted(instance.quotas[f].items())]
    column = [features.index(f) for f, _, _, _ in rows]
    type_rows = np.array(
        [
            [profile[c] == row[1] for c, row in zip(column, rows, strict=True)]
            for profile, _, _ in types
        ],
        dtype=np.int64,
    ).reshape(len(types), len(rows))
    panel_rows = np.array(
        [[p.features[row[0]] == row[1] for row in rows] for p in seated], dtype=np.int64
    ).reshape(len(seated), len(rows))
    return _Problem(
        instance, tuple(seated), types, slots, rows, stay, budget, type_rows, panel_rows
    )


def sample_scenarios(problem: _Problem, count: int, seed: str) -> Scenarios:
    rng = random.Random(f"{PROCEDURE}\nscenarios\n{seed}")  # noqa: S311 - a simulation
    features = problem.instance.features
    panel_chance = [problem.stay.chance(p.features) for p in problem.panel]
    type_chance = [
        problem.stay.chance(dict(zip(features, profile, strict=True)))
        for profile, _, _ in problem.types
    ]
    width = max(problem.slots, default=0)
    stays = np.array([[rng.random() < c for c in panel_chance] for _ in range(count)])
    stays = stays.reshape(count, len(problem.panel))
    comes = np.array(
        [[[rng.random() < c for _ in range(width)] for c in type_chance] for _ in range(count)]
    ).reshape(count, len(problem.types), width)
    staying = stays.astype(np.int64)
    return Scenarios(
        stays, comes, staying @ problem.panel_rows, len(problem.panel) - staying.sum(axis=1)
    )


def choose_alternates(
    instance: Instance,
    panel: Sequence[str],
    budget: int,
    *,
    stay: StayModel | None = None,
    seed: str = "",
    scenarios: int = DEFAULT_SCENARIOS,
) -> Alternates:
    """The `budget` alternates minimizing the expected quota shortfall (see the module)."""
    problem, sampled = _prepared(instance, panel, budget, stay, seed, scenarios)
    if len(problem.types) * scenarios <= EXACT_LIMIT:
        counts, value, optimal = _solve(problem, sampled)
    else:
        counts, value = _greedy(problem, sampled)
        if len(problem.types) * 2**budget <= SWAP_WORK:
            value = _improve(problem, sampled, counts, value)
        optimal = False
    return Alternates(_members(problem, counts, seed), value, scenarios, optimal)


def greedy_alternates(
    instance: Instance,
    panel: Sequence[str],
    budget: int,
    *,
    stay: StayModel | None = None,
    seed: str = "",
    scenarios: int = DEFAULT_SCENARIOS,
) -> Alternates:
    """The baseline: alternates added one at a time, each the one that lowers the sampled
    expected shortfall most (ties to the first type)."""
    problem, sampled = _prepared(instance, panel, budget, stay, seed, scenarios)
    counts, value = _greedy(problem, sampled)
    return Alternates(_members(problem, counts, seed), value, scenarios, False)


def _prepared(
    instance: Instance,
    panel: Sequence[str],
    budget: int,
    stay: StayModel | None,
    seed: str,
    scenarios: int,
) -> tuple[_Problem, Scenarios]:
    if not 1 <= budget <= MAX_ALTERNATES:
        raise SortitionInputError(
            gettext_noop("alternates: from 1 to %(most)s."), {"most": MAX_ALTERNATES}
        )
    problem = _problem(instance, panel, budget, stay or StayModel.uniform())
    return problem, sample_scenarios(problem, scenarios, seed)


def _greedy(problem: _Problem, sampled: Scenarios) -> tuple[list[int], float]:
    counts = [0] * len(problem.types)
    value = shortfall(problem, sampled, counts)
    for _ in range(min(problem.budget, sum(problem.slots))):
        best: tuple[float, int] | None = None
        for t in range(len(problem.types)):
            if counts[t] >= problem.slots[t] or not _household_free(problem, counts, t):
                continue
            counts[t] += 1
            trial = shortfall(problem, sampled, counts)
            counts[t] -= 1
            if best is None or trial < best[0] - 1e-12:
                best = (trial, t)
        if best is None:
            break
        value = best[0]
        counts[best[1]] += 1
    return counts, value


def _household_free(problem: _Problem, counts: Sequence[int], t: int) -> bool:
    """Whether an alternate of type t shares no household with another alternate."""
    group = problem.types[t][2]
    return group is None or not any(
        counts[u] and problem.types[u][2] == group for u in range(len(problem.types))
    )


def _improve(problem: _Problem, sampled: Scenarios, counts: list[int], value: float) -> float:
    """Swap one alternate for another type while that lowers the shortfall (first
    improvement, in type order); returns the final value (counts change in place)."""
    improved = True
    while improved:
        improved = False
        for out in [t for t in range(len(problem.types)) if counts[t]]:
            counts[out] -= 1
            for t in range(len(problem.types)):
                if t == out or counts[t] >= problem.slots[t]:
                    continue
                if not _household_free(problem, counts, t):
                    continue
                counts[t] += 1
                trial = shortfall(problem, sampled, counts)
                if trial < value - 1e-12:
                    value, improved = trial, True
                    break
                counts[t] -= 1
            else:
                counts[out] += 1
                continue
            break
    return value


def _members(problem: _Problem, counts: Sequence[int], seed: str) -> tuple[str, ...]:
    """Each chosen type's first members in a seeded order (the draw's Fisher–Yates)."""
    stream = RandomStream(f"{PROCEDURE}\nmembers\n{seed}")
    chosen: list[str] = []
    for (_, members, _), c in zip(problem.types, counts, strict=True):
        order = list(members)
        for i in range(c):
            j = i + stream.below(len(order) - i)
            order[i], order[j] = order[j], order[i]
        chosen.extend(order[:c])
    return tuple(chosen)


def _solve(problem: _Problem, sampled: Scenarios) -> tuple[list[int], float, bool]:
    """The integer program (see `_model`); whether it proved its choice optimal."""
    highs, y = _model(problem, sampled)
    highs.run()
    status = highs.getModelStatus()
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kSolutionLimit):
        raise RuntimeError(f"alternates: {status_name(highs)}")
    values = highs.getSolution().col_value
    counts = [sum(round(values[c]) for c in y[t]) for t in range(len(problem.types))]
    solved = status == highspy.HighsModelStatus.kOptimal
    return counts, shortfall(problem, sampled, counts), solved


def _model(problem: _Problem, sampled: Scenarios) -> tuple[highspy.Highs, dict[int, list[int]]]:
    """min (1/S) sum_s [empty_s + sum_r (below_rs + above_rs)] over the alternates y of the
    given types and, per scenario, the replacements x (see the module)."""
    types = range(len(problem.types))
    highs = new_highs(mip_gap=1e-9)
    highs.setOptionValue("mip_max_nodes", MAX_NODES)
    scenario_count = len(sampled.stays)
    weight = 1.0 / scenario_count
    column = 0
    y: dict[int, list[int]] = {}
    for t in types:
        y[t] = []
        for _ in range(problem.slots[t]):
            # Another alternate never raises the shortfall; a tiny reward takes the whole
            # budget where households allow, even when it no longer lowers the shortfall.
            add_col(highs, -FILL_REWARD, 0.0, 1.0, [], [])
            y[t].append(column)
            column += 1
    chosen = [c for t in types for c in y[t]]
    add_row(highs, 0.0, problem.budget, chosen, [1.0] * len(chosen))
    for t in types:  # the j-th alternate of a type before the (j+1)-th
        for a, b in zip(y[t], y[t][1:], strict=False):
            add_row(highs, 0.0, INF, [a, b], [1.0, -1.0])
    groups: dict[str, list[int]] = {}
    for t in types:
        group = problem.types[t][2]
        if group is not None:
            groups.setdefault(group, []).append(y[t][0])
    for cols in groups.values():
        add_row(highs, 0.0, 1.0, cols, [1.0] * len(cols))
    integers = list(chosen)
    counted = [np.flatnonzero(problem.type_rows[:, r]) for r in range(len(problem.rows))]
    for s in range(scenario_count):
        have, dropped = sampled.have[s], int(sampled.free[s])
        x: dict[int, int] = {}
        for t in types:
            add_col(highs, 0.0, 0.0, problem.slots[t], [], [])
            x[t] = column
            integers.append(column)
            column += 1
            came = [y[t][j] for j in range(problem.slots[t]) if sampled.comes[s, t, j]]
            add_row(highs, -INF, 0.0, [x[t], *came], [1.0] + [-1.0] * len(came))
        add_col(highs, weight, 0.0, INF, [], [])  # empty seats
        empty = column
        column += 1
        add_row(highs, dropped, dropped, [*x.values(), empty], [1.0] * (len(x) + 1))
        for r, (_, _, low, high) in enumerate(problem.rows):
            members = [x[int(t)] for t in counted[r]]
            add_col(highs, weight, 0.0, INF, [], [])  # below the minimum
            add_col(highs, weight, 0.0, INF, [], [])  # above the maximum
            below, above = column, column + 1
            column += 2
            ones = [1.0] * len(members)
            add_row(highs, low - int(have[r]), INF, [*members, below], [*ones, 1.0])
            add_row(highs, -INF, high - int(have[r]), [*members, above], [*ones, -1.0])
    highs.changeColsIntegrality(
        len(integers),
        np.array(integers, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * len(integers)),
    )
    return highs, y


def shortfall(problem: _Problem, sampled: Scenarios, counts: Sequence[int]) -> float:
    """The sampled expected shortfall with `counts[t]` alternates of type t, each scenario
    filled by its best replacements: every subset of the alternates who came, at most as many
    as the seats to fill, is tried (2^B subsets, for all scenarios at once)."""
    chosen = [(t, j) for t, c in enumerate(counts) for j in range(c)]
    size = len(chosen)
    subsets = np.array(
        [[(mask >> i) & 1 for i in range(size)] for mask in range(1 << size)], dtype=bool
    ).reshape(1 << size, size)
    profile = problem.type_rows[[t for t, _ in chosen]].reshape(size, len(problem.rows))
    added = subsets.astype(np.int64) @ profile  # subsets x rows
    used = subsets.sum(axis=1)  # subsets
    low = np.array([row[2] for row in problem.rows])
    high = np.array([row[3] for row in problem.rows])
    have, dropped = sampled.have, sampled.free
    came = np.array(
        [[sampled.comes[s, t, j] for t, j in chosen] for s in range(len(sampled.stays))],
        dtype=bool,
    ).reshape(len(sampled.stays), size)
    # A subset can be used when everyone in it came and it fills no more seats than are free.
    usable = ~np.any(subsets[None, :, :] & ~came[:, None, :], axis=2)
    usable &= used[None, :] <= dropped[:, None]
    seats = have[:, None, :] + added[None, :, :]  # scenarios x subsets x rows
    loss = np.maximum(low - seats, 0).sum(axis=2) + np.maximum(seats - high, 0).sum(axis=2)
    loss = loss + (dropped[:, None] - used[None, :])
    best = np.where(usable, loss, np.iinfo(np.int64).max).min(axis=1)
    return float(best.mean())


def _misses(instance: Instance, people: Mapping[str, Person], panel: Sequence[str]) -> list[int]:
    """Per quota, the seats below its minimum or above its maximum (`people` by id)."""
    misses = []
    for feature, values in sorted(instance.quotas.items()):
        for value, quota in sorted(values.items()):
            seats = sum(1 for m in panel if people[m].features[feature] == value)
            misses.append(max(0, quota.min - seats) + max(0, seats - quota.max))
    return misses


def panel_loss(instance: Instance, panel: Sequence[str]) -> int:
    """Seats below a quota's minimum or above its maximum, plus empty seats."""
    people = {p.id: p for p in instance.people}
    return max(instance.seats - len(panel), 0) + sum(_misses(instance, people, panel))


def replacement_from(
    instance: Instance, kept: Sequence[str], candidates: Sequence[str]
) -> str | None:
    """When a seat is free: the first of `candidates` (the alternates not yet seated, in
    their order) whose seat leaves the least shortfall, among those who miss no quota that
    `kept` meets and share no household with it; None when there is none (the replacement
    procedure then looks in the whole pool)."""
    return _best_alternate(instance, {p.id: p for p in instance.people}, kept, candidates)


def _best_alternate(
    instance: Instance, people: Mapping[str, Person], kept: Sequence[str], candidates: Sequence[str]
) -> str | None:
    households = {people[m].group for m in kept} - {None}
    before = _misses(instance, people, kept)
    best: tuple[int, str] | None = None
    for candidate in candidates:
        if people[candidate].group in households:
            continue
        after = _misses(instance, people, [*kept, candidate])
        if any(a > b for a, b in zip(after, before, strict=True)):
            continue
        if best is None or sum(after) < best[0]:
            best = (sum(after), candidate)
    return None if best is None else best[1]


def seated_chances(
    instance: Instance,
    panel: Sequence[str],
    chosen: Sequence[str],
    stay: StayModel,
    *,
    seed: str = "",
    scenarios: int = 400,
) -> dict[str, float]:
    """Given this panel and these alternates, each one's chance of ending up seated: a panel
    member's is their chance to stay; an alternate's, the share of sampled dropouts in which
    the platform's decline procedure seats them and they stay. As on the platform, declines
    come one at a time, in panel order, while those who will decline later still hold their
    seats: each free seat goes to `replacement_from` among the alternates left, and, when none
    fits, to the replacement procedure, which keeps the quotas (taken here as someone with the
    decliner's features, from the pool)."""
    people = {p.id: p for p in instance.people}
    rng = random.Random(f"{PROCEDURE}\nseated\n{seed}")  # noqa: S311 - a simulation
    seated = dict.fromkeys(chosen, 0)
    for _ in range(scenarios):
        current = list(panel)
        queue = [m for m in panel if rng.random() >= stay.chance(people[m].features)]
        waiting = list(chosen)
        while queue:
            declined = queue.pop(0)
            kept = [m for m in current if m != declined]
            found = _best_alternate(instance, people, kept, waiting)
            if found is None:
                continue  # the procedure seats someone like the decliner: `current` stands
            waiting.remove(found)
            current = [*kept, found]
            if rng.random() < stay.chance(people[found].features):
                seated[found] += 1
            else:
                queue.append(found)
    chances = {m: stay.chance(people[m].features) for m in panel}
    chances.update({m: seated[m] / scenarios for m in chosen})
    return chances


def seated_before_draw(
    distribution: Distribution,
    instance: Instance,
    budget: int,
    stay: StayModel,
    *,
    seed: str = "",
    panels: int = BEFORE_DRAW_PANELS,
    scenarios: int = BEFORE_DRAW_SCENARIOS,
    lottery: Sequence[Sequence[str]] = (),
    lottery_probabilities: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Each person's chance, before the panel is drawn, of ending up seated when `budget`
    alternates are chosen with it: drawn and staying (pi_i times their stay chance, exact),
    plus called up as an alternate and staying. The second part depends on the panel drawn,
    so it is averaged over `panels` panels drawn from the distribution by its own procedure
    (seeds derived from `seed`), with alternates chosen for each on the platform's objective
    and their seated chances simulated; within a type (interchangeable people, any of whom
    could have been the one chosen) it is spread evenly. A draw by numbered panels (`lottery`,
    its rows, and each one's rows over m) takes its panel from the table, a row uniformly at
    random, and its chance of being drawn from the table. The alternates of a sampled panel are
    the greedy choice: the program, or greedy then swaps, takes seconds per panel, minutes
    for all, and both call up people of the types the quotas need."""
    people = {p.id: p for p in instance.people}
    probabilities = lottery_probabilities or distribution.probabilities()
    chances = {i: probabilities[i] * stay.chance(people[i].features) for i in probabilities}
    type_of = {m: t for t, kind in enumerate(distribution.types) for m in kind.members}
    called = np.zeros(len(distribution.types))
    for j in range(panels):
        sample = f"{PROCEDURE}\nbefore the draw\n{seed}\n{j}"
        if lottery:
            panel = list(lottery[RandomStream(sample).below(len(lottery))])
        else:
            panel = distribution.draw(sample)
        chosen = greedy_alternates(instance, panel, budget, stay=stay, seed=sample)
        seated = seated_chances(instance, panel, chosen.ids, stay, seed=sample, scenarios=scenarios)
        for member in chosen.ids:
            called[type_of[member]] += seated[member]
    for t, kind in enumerate(distribution.types):
        for member in kind.members:
            chances[member] += called[t] / panels / kind.size
    return chances
