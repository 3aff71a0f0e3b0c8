"""LEXIMIN selection probabilities by column generation over panels of person *types*.

The method of Flanigan, Gölz, Gupta, Hennig and Procaccia (Nature, 2021), with open solvers
(HiGHS). Stage by stage: maximize the smallest probability z among the types not yet fixed,

    max z  s.t.  sum_j lambda_j c_jt / n_t >= z      (t free)
                 sum_j lambda_j c_jt / n_t >= f_t    (t fixed at f_t in an earlier stage)
                 sum_j lambda_j = 1,  lambda >= 0,

where column j is a panel given as counts c_jt of each type t (n_t people). New panels come
from the pricing ILP (max sum_t y_t c_t / n_t with the row duals y); when no panel prices out,
the stage is optimal, and every free type whose dual is positive is at z in *every* optimal
solution (complementary slackness), so it is fixed at z. The master LP keeps its columns and
basis from stage to stage. People of one type are interchangeable, so the unique LEXIMIN
vector gives them the same probability, and working with types loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np

from minga.sortition.diagnosis import InfeasibleQuotas, diagnose
from minga.sortition.draw import Distribution
from minga.sortition.model import Instance, build_types
from minga.sortition.pricing import Panel, PanelSearch, SwapSearch
from minga.sortition.solver import INF, add_col, add_row, new_highs, status_name

PRICE_TOLERANCE = 1e-9  # a panel enters when its reduced cost exceeds this
FIX_DUAL = 1e-7  # a free type whose dual exceeds this is fixed at the stage's minimum
FIX_SLACK = 1e-10  # fixed probabilities may fall this far below their value (numerics)
RELAXATION_MARGIN = 1e-7  # a relaxation bound this far below mu proves the stage optimal
POOL_FACTOR = 4  # panels kept in the master, per row, before inactive ones are dropped
DROP_REDUCED_COST = 1e-6  # dropped panels' reduced cost is below minus this
HEURISTIC_STARTS = 8  # panels of the current solution that swap search starts from

Progress = Callable[[int, int], None]  # (people whose probability is fixed, pool size)


def leximin(
    instance: Instance,
    *,
    progress: Progress | None = None,
    stats: dict[str, int] | None = None,
) -> Distribution:
    """The LEXIMIN-optimal distribution over quota-satisfying panels.

    Raises InfeasibleQuotas (with a diagnosis) when no panel meets the quotas.
    """
    typed = build_types(instance)
    types = typed.types
    count = len(types)
    sizes = np.array([t.size for t in types], dtype=np.float64)
    search = PanelSearch(typed)
    swaps = SwapSearch(typed)
    counters = {
        "stages": 0,
        "exact_pricing": 0,
        "relaxed_pricing": 0,
        "heuristic_pricing": 0,
        "lp_solves": 0,
    }
    first = search.solve(1.0 / sizes)
    if first is None:
        diagnosis = diagnose(instance)
        if diagnosis is None:
            raise RuntimeError("the panel search and the diagnosis disagree on feasibility")
        raise InfeasibleQuotas(diagnosis)

    master = new_highs()
    # Columns are added to a primal-feasible basis: warm primal simplex, no presolve.
    master.setOptionValue("presolve", "off")
    master.setOptionValue("simplex_strategy", 4)
    master.changeObjectiveSense(highspy.ObjSense.kMaximize)
    add_col(master, 1.0, 0.0, 1.0, [], [])  # z, column 0
    add_row(master, 1.0, 1.0, [], [])  # sum lambda = 1, row 0
    for _ in range(count):
        add_row(master, 0.0, INF, [0], [-1.0])  # row 1 + t
    panels: list[Panel] = []
    known: set[Panel] = set()

    def add_panel(panel: Panel) -> None:
        rows = [0] + [1 + t for t in range(count) if panel[t]]
        values = [1.0] + [panel[t] / sizes[t] for t in range(count) if panel[t]]
        add_col(master, 0.0, 0.0, INF, rows, values)
        panels.append(panel)
        known.add(panel)

    add_panel(first[0])
    free = set(range(count))
    fixed_people = 0
    while free:
        counters["stages"] += 1
        while True:
            master.run()
            counters["lp_solves"] += 1
            if master.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"LEXIMIN master LP: {status_name(master)}")
            solution = master.getSolution()
            row_dual = np.asarray(solution.row_dual)
            mu = float(row_dual[0])
            duals = np.maximum(-row_dual[1:], 0.0)
            weights = duals / sizes
            # Heuristic pricing first: improve the panels in use by swaps.
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
                    master.deleteCols(len(drop), np.array([1 + j for j in drop], dtype=np.int32))
                    gone = set(drop)
                    for j in drop:
                        known.discard(panels[j])
                    panels[:] = [q for j, q in enumerate(panels) if j not in gone]
                    lam = np.delete(lam, drop)
            starts = [panels[j] for j in np.argsort(-lam)[:HEURISTIC_STARTS] if lam[j] > 0]
            added = 0
            for start in starts:
                counters["heuristic_pricing"] += 1
                panel = swaps.improve(start, weights)
                if panel not in known and float(np.dot(panel, weights)) > mu + PRICE_TOLERANCE:
                    add_panel(panel)
                    added += 1
            if added:
                continue
            counters["relaxed_pricing"] += 1
            values, bound = search.relaxed(weights)
            if bound <= mu - RELAXATION_MARGIN:
                break  # not even a fractional panel prices out: the stage is optimal
            rounded = np.rint(values)
            if np.all(np.abs(values - rounded) <= 1e-9):
                panel = tuple(int(c) for c in rounded)
                if float(np.dot(panel, weights)) > mu + PRICE_TOLERANCE and panel not in known:
                    add_panel(panel)
                    continue
            counters["exact_pricing"] += 1
            found = search.solve(weights)
            assert found is not None
            panel, value, _bound = found
            if value > mu + PRICE_TOLERANCE and panel not in known:
                add_panel(panel)
                continue
            break
        level = float(solution.col_value[0])
        to_fix = sorted(t for t in free if duals[t] > FIX_DUAL)
        if not to_fix:
            to_fix = [max(free, key=lambda t: (duals[t], -t))]
        for t in to_fix:
            master.changeCoeff(1 + t, 0, 0.0)
            master.changeRowBounds(1 + t, max(level - FIX_SLACK, 0.0), INF)
            free.discard(t)
            fixed_people += types[t].size
        if progress is not None:
            progress(fixed_people, len(instance.people))

    if stats is not None:
        stats.update(counters, panels=len(panels), types=count)
    weights = np.maximum(np.asarray(master.getSolution().col_value[1:]), 0.0)
    return Distribution.build(
        algorithm="leximin",
        instance=instance,
        types=types,
        panels=list(zip(panels, weights.tolist(), strict=True)),
    )
