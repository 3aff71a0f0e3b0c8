"""LEXIMIN selection probabilities: LEXIMIN on the LP relaxation, then a decomposition into panels.

The method of Flanigan, Gölz, Gupta, Hennig and Procaccia (Nature, 2021) maximizes the smallest
selection probability, then the next, stage by stage, over all distributions of quota-satisfying
panels, generating panels as columns of a master LP. Minga works with person *types* (people of
one type are interchangeable, so the unique LEXIMIN vector gives them one probability) and
splits the work in two, which is what makes it fast:

1. LEXIMIN over the LP relaxation P = {c real: sum c = k, quotas, group rows, 0 <= c_t <= n_t}.
   Each stage is one small LP over types, no column generation: max z s.t. c_t / n_t >= z for
   free types, c_t / n_t >= f_t for types fixed earlier, c in P. After a stage, every free type
   whose dual is positive is at z in every optimum (complementary slackness) and is fixed there.
   The result x* (expected seats per type) is P's LEXIMIN point. The panels' convex hull lies
   inside P, so no distribution over panels beats x* in the LEXIMIN order.
2. Decomposition: when x* is a convex combination of panels, that combination is LEXIMIN-optimal.
   Column generation looks for it: the master LP minimizes sum_t |sum_j lambda_j c_jt - x*_t|
   over the panels found so far; the pricing keeps to the face of P where x* lies (a panel of
   such a combination meets every quota that x* meets at a bound, at that bound) and dives down
   the relaxation before it calls the exact MIP. Each panel it adds tends to stay in the support.
   On pools with more than PEEL_FROM_TYPES types, `peel` first writes x* as a mix of panels
   without any master LP (a panel on the face of what is left, as much of it as fits, again);
   the master then starts from those panels and usually ends in one solve. The master's
   iterations, not the pricing, were 90% of the time on large or over-represented pools: peeling
   takes 1000 people / 40 seats with a forced minority from 8.5 s to 0.7 s.
3. Fallback: when no panel prices out while x* is not reached, x* lies outside the panels' hull,
   and `staged` runs the classic column generation over panels, stage by stage. The result is
   LEXIMIN-optimal either way; `stats["method"]` says which ran.
"""

from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np

from minga.sortition.engine.diagnosis import InfeasibleQuotas, diagnose
from minga.sortition.engine.draw import Distribution
from minga.sortition.engine.model import Instance, build_types
from minga.sortition.engine.pricing import FACE_TOLERANCE, Panel, PanelSearch, SwapSearch
from minga.sortition.engine.solver import INF, add_col, add_row, new_highs, status_name

PRICE_TOLERANCE = 1e-9  # a panel enters when its reduced cost exceeds this
FIX_DUAL = 1e-7  # a free type whose dual exceeds this is fixed at the stage's minimum
FIX_SLACK = 1e-10  # fixed probabilities may fall this far below their value (numerics)
RELAXATION_MARGIN = 1e-7  # a relaxation bound this far below mu proves the stage optimal
RESIDUAL_DONE = 1e-9  # the decomposition stops when its seats are this close to x* in all
RESIDUAL_ACCEPTED = 1e-6  # ... and is used when at most this far (else: the staged method)
POOL_FACTOR = 4  # panels kept in the staged master, per row, before inactive ones are dropped
DROP_REDUCED_COST = 1e-6  # dropped panels' reduced cost is below minus this
HEURISTIC_STARTS = 8  # panels of the current solution that swap search starts from
# Pools with more types peel before the master LP runs (`peel`). Smaller ones decompose exactly
# as before peeling existed, so that the distributions (and hashes) published for them stay.
PEEL_FROM_TYPES = 64
PEEL_REST = 1e-12  # peeling stops when this share of the target is left (the master finishes)
PEEL_FACE = 1e-11  # a bound is tight for the rest when its slack, before scaling, is this small
PEEL_STEPS_PER_BOUND = 2  # at most this many peeling steps per bound of P (numerics)
RELAXATION_SHARE = 0.05  # of the progress bar: the relaxation's stages (the rest: decomposing)

Progress = Callable[[int, int], None]  # (work done, pool size): the pool size means finished
Weighted = list[tuple[Panel, float]]


def leximin(
    instance: Instance,
    *,
    progress: Progress | None = None,
    stats: dict[str, int | str] | None = None,
) -> Distribution:
    """The LEXIMIN-optimal distribution over quota-satisfying panels.

    Raises InfeasibleQuotas (with a diagnosis) when no panel meets the quotas.
    """
    typed = build_types(instance)
    search = PanelSearch(typed)
    people = len(instance.people)
    report = Reporter(progress, people)
    counters: dict[str, int | str] = {"method": "relaxation", "types": search.size}
    target = relaxation_leximin(search, counters, report)
    panels = None
    if target is not None:
        panels = decompose(PanelSearch(typed, face=target), target, counters, report)
    if panels is None:
        first = search.solve(1.0 / search.sizes)
        if first is None:
            diagnosis = diagnose(instance)
            if diagnosis is None:
                raise RuntimeError("the panel search and the diagnosis disagree on feasibility")
            raise InfeasibleQuotas(diagnosis)
        counters["method"] = "staged"
        panels = staged(search, [first[0]], counters, report)
    report.done()
    if stats is not None:
        stats.update(counters, panels=len(panels))
    return Distribution.build(
        algorithm="leximin", instance=instance, types=typed.types, panels=panels
    )


class Reporter:
    """Progress as a share of the pool size, never going back."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.last = -1

    def share(self, fraction: float) -> None:
        done = min(int(self.total * min(max(fraction, 0.0), 1.0)), self.total - 1)
        if self.progress is not None and done > self.last:
            self.last = done
            self.progress(done, self.total)

    def done(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def relaxation_leximin(
    search: PanelSearch, counters: dict[str, int | str], report: Reporter
) -> np.ndarray | None:
    """The LEXIMIN point of the LP relaxation, as expected seats per type; None when even the
    relaxation has no solution (then no panel meets the quotas)."""
    sizes = search.sizes
    count = search.size
    lp = search.model(new_highs())
    lp.setOptionValue("presolve", "off")
    z = count  # column index of z
    add_col(lp, 1.0, 0.0, 1.0, [], [])
    first_row = lp.getNumRow()
    for t in range(count):
        add_row(lp, 0.0, INF, [t, z], [1.0 / sizes[t], -1.0])
    free = set(range(count))
    fixed_people = 0.0
    stages = 0
    values = np.zeros(count)
    while free:
        stages += 1
        lp.run()
        if lp.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return None
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"LEXIMIN of the relaxation: {status_name(lp)}")
        solution = lp.getSolution()
        values = np.asarray(solution.col_value[:count])
        level = float(solution.col_value[z])
        duals = np.maximum(-np.asarray(solution.row_dual[first_row:]), 0.0)
        fixed_people += _fix_stage(lp, first_row, z, free, duals, level, sizes)
        report.share(RELAXATION_SHARE * fixed_people / sizes.sum())
    counters["relaxation_stages"] = stages
    return np.clip(values, 0.0, sizes)


def _fix_stage(
    lp: highspy.Highs,
    first_row: int,
    z: int,
    free: set[int],
    duals: np.ndarray,
    level: float,
    sizes: np.ndarray,
) -> float:
    """End a stage: fix at `level` the free types at the stage's minimum in every optimum, those
    with a positive dual (at least one, as the duals of the free rows sum to 1). Type t's row is
    `first_row + t` (prob_t - z >= 0); it loses z and becomes prob_t >= level. Returns how many
    people were fixed."""
    to_fix = sorted(t for t in free if duals[t] > FIX_DUAL)
    people = 0.0
    for t in to_fix or [max(free, key=lambda t: (duals[t], -t))]:
        lp.changeCoeff(first_row + t, z, 0.0)
        lp.changeRowBounds(first_row + t, max(level - FIX_SLACK, 0.0), INF)
        free.discard(t)
        people += sizes[t]
    return people


def _master_lp() -> highspy.Highs:
    """A column-generation master: columns are added to a primal-feasible basis, so warm primal
    simplex, and no presolve."""
    master = new_highs()
    master.setOptionValue("presolve", "off")
    master.setOptionValue("simplex_strategy", 4)
    return master


class _PanelColumns:
    """The panels of a master LP. A panel's column has 1 in row 0 (the weights sum to 1) and
    count_t / per_t in row 1 + t; panel j is column `offset + j`."""

    def __init__(self, master: highspy.Highs, per: np.ndarray, offset: int) -> None:
        self.master = master
        self.per = per
        self.offset = offset
        self.panels: list[Panel] = []
        self.known: set[Panel] = set()

    def add(self, panel: Panel) -> None:
        nonzero = [t for t, c in enumerate(panel) if c]
        rows = [0] + [1 + t for t in nonzero]
        values = [1.0] + [panel[t] / float(self.per[t]) for t in nonzero]
        add_col(self.master, 0.0, 0.0, INF, rows, values)
        self.panels.append(panel)
        self.known.add(panel)

    def drop(self, indices: list[int]) -> None:
        columns = np.array([self.offset + j for j in indices], dtype=np.int32)
        self.master.deleteCols(len(indices), columns)
        gone = set(indices)
        for j in indices:
            self.known.discard(self.panels[j])
        self.panels[:] = [q for j, q in enumerate(self.panels) if j not in gone]

    def weighted(self) -> Weighted:
        """The panels with a positive weight in the master's solution."""
        weights = np.asarray(self.master.getSolution().col_value[self.offset :])
        return [(p, float(w)) for p, w in zip(self.panels, weights, strict=True) if w > 0]


def decompose(
    face: PanelSearch, target: np.ndarray, counters: dict[str, int | str], report: Reporter
) -> Weighted | None:
    """Panels and weights whose expected seats per type are `target`, or None when the pricing
    proves that no distribution over panels gets closer than RESIDUAL_ACCEPTED (target is then
    outside the panels' hull, or no panel meets the quotas at all)."""
    count = face.size
    peeled = peel(face, target) if count > PEEL_FROM_TYPES else []
    if peeled:
        first = peeled[0][0]
    elif start := face.dive(np.ones(count), -INF).panels:
        first = start[0]
    else:
        found = face.solve(np.ones(count))
        if found is None:
            return None
        first = found[0]
    master = _master_lp()
    master.setOptionValue("primal_feasibility_tolerance", 1e-9)
    master.setOptionValue("dual_feasibility_tolerance", 1e-9)
    add_row(master, 1.0, 1.0, [], [])  # sum lambda = 1, row 0
    for t in range(count):
        add_row(master, target[t], target[t], [], [])  # expected seats of type t, row 1 + t
    for t in range(count):  # |deviation| = surplus + shortfall, at cost 1 each
        add_col(master, 1.0, 0.0, INF, [1 + t], [1.0])
        add_col(master, 1.0, 0.0, INF, [1 + t], [-1.0])
    columns = _PanelColumns(master, np.ones(count), offset=2 * count)
    columns.add(first)
    for panel, _weight in peeled[1:]:
        if panel not in columns.known:
            columns.add(panel)
    counters["peeled"] = len(peeled)
    dives = exact = solves = 0
    initial: float | None = None
    while True:
        master.run()
        solves += 1
        if master.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"decomposition master LP: {status_name(master)}")
        residual = float(master.getInfo().objective_function_value)
        initial = residual if initial is None else initial
        if initial > 0:
            report.share(RELAXATION_SHARE + (1 - RELAXATION_SHARE) * (1 - residual / initial))
        if residual <= RESIDUAL_DONE:
            break
        row_dual = np.asarray(master.getSolution().row_dual)
        # A panel's reduced cost is -(row_dual[0] + row_dual[1:]·c): it enters when positive.
        threshold = -float(row_dual[0]) + PRICE_TOLERANCE
        weights = row_dual[1:]
        dives += 1
        dive = face.dive(weights, threshold, twice=True)
        fresh = [panel for panel in dive.panels if panel not in columns.known]
        if fresh:
            for panel in fresh:  # two entering panels for one master solve, when lucky
                columns.add(panel)
            continue
        if dive.proven:
            break
        exact += 1
        found = face.solve(weights)
        if found is not None and found[1] > threshold and found[0] not in columns.known:
            columns.add(found[0])
            continue
        break
    counters.update(decomposition_lp_solves=solves, dives=dives, exact_pricing=exact)
    if residual > RESIDUAL_ACCEPTED:
        counters["decomposition_residual"] = f"{residual:.3g}"
        return None
    return columns.weighted()


def peel(face: PanelSearch, target: np.ndarray) -> Weighted:
    """Panels whose mix is (nearly) `target`, by peeling: find a panel p on the smallest face
    that holds the rest r of the target (mass m left), take as much of it as keeps r - w·p in
    (m - w)·P, and repeat. Each step makes at least one more bound tight, so there are at most
    as many steps as P has dimensions; no master LP runs. The rest can leave the panels' hull
    (P is not integral), so peeling may stop early, and the master LP of `decompose` finishes
    the job from these panels, with exact weights. The face's search is left as it was.

    The panel's weights favour the types the rest seats most often, person for person (r_t/n_t):
    equal weights strand a few percent of the mass on the benchmark's pools; these leave less
    than 1e-9 on nearly all, with about two thirds of the panels column generation finds. A
    bound counts as tight when its slack in r is below PEEL_FACE: measured against m, as the
    face of the target is, the slack of a small rest hides under the tolerance and peeling
    stops early."""
    matrix = np.vstack([np.ones(face.size), face.rows.matrix])
    lower, upper, sizes = face.lower, face.upper, face.sizes
    rest, mass = target.astype(np.float64), 1.0
    found: Weighted = []
    for _ in range(PEEL_STEPS_PER_BOUND * (face.size + len(lower))):
        if mass <= PEEL_REST:
            break
        point = rest / mass
        face.narrow(point, min(FACE_TOLERANCE, PEEL_FACE / mass))
        weights = point / sizes
        dive = face.dive(weights, -INF, retry=True).panels
        if dive:
            panel = dive[0]
        elif solved := face.solve(weights):
            panel = solved[0]
        else:
            break  # the rest is outside the panels' hull
        counts = np.asarray(panel, dtype=np.float64)
        step = _largest_step(matrix, lower, upper, sizes, rest, mass, counts)
        if step <= 0.0:
            break  # a bound the face took as loose is tight: no progress
        found.append((panel, step))
        rest = np.clip(rest - step * counts, 0.0, sizes * (mass - step))
        mass -= step
    face.narrow(None)
    return found


def _largest_step(
    matrix: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    sizes: np.ndarray,
    rest: np.ndarray,
    mass: float,
    counts: np.ndarray,
) -> float:
    """The largest w <= mass with rest - w·counts in (mass - w)·P, P given by rows `matrix`
    between `lower` and `upper` and types between 0 and `sizes`."""
    activity, taken = matrix @ rest, matrix @ counts
    with np.errstate(divide="ignore", invalid="ignore"):
        limits = [
            np.where(taken > lower, (activity - lower * mass) / (taken - lower), np.inf),
            np.where(taken < upper, (upper * mass - activity) / (upper - taken), np.inf),
            np.where(counts > 0, rest / counts, np.inf),
            np.where(counts < sizes, (sizes * mass - rest) / (sizes - counts), np.inf),
        ]
    return float(min(mass, *(float(limit.min()) for limit in limits)))


def staged(
    search: PanelSearch,
    start: list[Panel],
    counters: dict[str, int | str],
    report: Reporter,
) -> Weighted:
    """LEXIMIN by column generation over panels, stage by stage (the classic method). Stage:

        max z  s.t.  sum_j lambda_j c_jt / n_t >= z      (t free)
                     sum_j lambda_j c_jt / n_t >= f_t    (t fixed at f_t in an earlier stage)
                     sum_j lambda_j = 1,  lambda >= 0.

    New panels come from swaps, the relaxation and the exact MIP (max sum_t y_t c_t / n_t with
    the row duals y). The master LP keeps its columns and basis from stage to stage.
    """
    sizes = search.sizes
    count = search.size
    swaps = SwapSearch(search.rows, search.sizes)
    master = _master_lp()
    master.changeObjectiveSense(highspy.ObjSense.kMaximize)
    add_col(master, 1.0, 0.0, 1.0, [], [])  # z, column 0
    add_row(master, 1.0, 1.0, [], [])  # sum lambda = 1, row 0
    for _ in range(count):
        add_row(master, 0.0, INF, [0], [-1.0])  # row 1 + t
    columns = _PanelColumns(master, sizes, offset=1)
    panels, known = columns.panels, columns.known
    for panel in start:
        if panel not in known:
            columns.add(panel)
    free = set(range(count))
    fixed_people = 0.0
    stages = lp_solves = 0
    while free:
        stages += 1
        while True:
            master.run()
            lp_solves += 1
            if master.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"LEXIMIN master LP: {status_name(master)}")
            solution = master.getSolution()
            row_dual = np.asarray(solution.row_dual)
            mu = float(row_dual[0])
            duals = np.maximum(-row_dual[1:], 0.0)
            weights = duals / sizes
            lam = np.asarray(solution.col_value[1:])
            if len(panels) > POOL_FACTOR * (count + 1):
                # Keep the master small: drop panels out of the basis whose reduced cost is
                # clearly negative (they may come back through pricing; the LP stays optimal).
                reduced = np.asarray(solution.col_dual[1:])
                status = master.getBasis().col_status[1:]
                drop = [
                    j
                    for j in range(len(panels))
                    if status[j] != highspy.HighsBasisStatus.kBasic
                    and lam[j] <= 0.0
                    and reduced[j] < -DROP_REDUCED_COST
                ]
                if drop:
                    columns.drop(drop)
                    lam = np.delete(lam, drop)
            starts = [panels[j] for j in np.argsort(-lam)[:HEURISTIC_STARTS] if lam[j] > 0]
            added = 0
            for start_panel in starts:
                panel = swaps.improve(start_panel, weights)
                if panel not in known and float(np.dot(panel, weights)) > mu + PRICE_TOLERANCE:
                    columns.add(panel)
                    added += 1
            if added:
                continue
            dive = search.dive(weights, mu - RELAXATION_MARGIN)
            if dive.proven:
                break  # not even a fractional panel prices out: the stage is optimal
            fresh = [
                panel
                for panel in dive.panels
                if panel not in known and float(np.dot(panel, weights)) > mu + PRICE_TOLERANCE
            ]
            if fresh:
                columns.add(fresh[0])
                continue
            found = search.solve(weights)
            assert found is not None
            panel, value, _bound = found
            if value > mu + PRICE_TOLERANCE and panel not in known:
                columns.add(panel)
                continue
            break
        level = float(solution.col_value[0])
        fixed_people += _fix_stage(master, 1, 0, free, duals, level, sizes)
        report.share(fixed_people / sizes.sum())
    counters.update(stages=stages, lp_solves=lp_solves)
    return columns.weighted()
