"""Small instances and an independent brute-force LEXIMIN for the tests."""

from __future__ import annotations

import itertools

import highspy
import numpy as np

from minga.sortition.engine.model import Instance, Person, Quota, panel_violations
from minga.sortition.engine.solver import INF, add_col, add_row, new_highs


def make_instance(rows, quotas, seats, groups=None):
    """rows: list of (id, {feature: value}); quotas: {feature: {value: (min, max)}}."""
    groups = groups or {}
    people = tuple(Person(pid, feats, groups.get(pid)) for pid, feats in rows)
    return Instance(
        people,
        {f: {v: Quota(*mm) for v, mm in values.items()} for f, values in quotas.items()},
        seats,
    )


def all_panels(instance):
    ids = [p.id for p in instance.people]
    return [
        panel
        for panel in itertools.combinations(ids, instance.seats)
        if not panel_violations(instance, list(panel))
    ]


def brute_force_leximin(instance):
    """LEXIMIN over every valid panel, the textbook way (no duals): after each max-min stage,
    a person is fixed when a separate LP shows that she cannot get more than the minimum."""
    ids = sorted(p.id for p in instance.people)
    panels = all_panels(instance)
    fixed: dict[str, float] = {}

    def solve(objective_person=None, level=None):
        h = new_highs()
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        add_col(h, 0.0 if objective_person else 1.0, 0.0, 1.0, [], [])  # z
        for _ in panels:
            add_col(h, 0.0, 0.0, 1.0, [], [])
        add_row(h, 1, 1, range(1, len(panels) + 1), [1.0] * len(panels))
        prob_rows = {}
        for _i, pid in enumerate(ids):
            cols = [1 + j for j, panel in enumerate(panels) if pid in panel]
            prob_rows[pid] = cols
            if pid in fixed:
                add_row(h, fixed[pid] - 1e-9, INF, cols, [1.0] * len(cols))
            elif level is not None:
                add_row(h, level - 1e-9, INF, cols, [1.0] * len(cols))
            else:
                add_row(h, 0, INF, [*cols, 0], [*([1.0] * len(cols)), -1.0])
            if pid == objective_person:
                for c in cols:
                    h.changeColCost(c, 1.0)
        h.run()
        return h.getInfo().objective_function_value

    while len(fixed) < len(ids):
        level = solve()
        for pid in ids:
            if pid not in fixed and solve(objective_person=pid, level=level) <= level + 1e-7:
                fixed[pid] = level
    return np.array(sorted(fixed.values()))


def brute_force_goldilocks(instance, gamma=1.0):
    """A lower bound on min G = (n/k) max pi + gamma (k/n) max 1/pi over every valid panel,
    independent of the engine's level search (the lowest over people some panel seats):
    1/pi is bounded below by its tangents at geometrically spaced points (ratio 1.01 from
    1e-3 k/n up to 1), so one LP gives the bound, within about 3e-5 (relative) of the true
    minimum."""
    ids = sorted(p.id for p in instance.people)
    panels = all_panels(instance)
    n, k = len(ids), instance.seats
    scale = n / k
    h = new_highs()
    add_col(h, scale, 0.0, INF, [], [])  # u, column 0
    add_col(h, gamma / scale, 0.0, INF, [], [])  # v, column 1
    for _ in panels:
        add_col(h, 0.0, 0.0, 1.0, [], [])
    add_row(h, 1, 1, range(2, len(panels) + 2), [1.0] * len(panels))
    points = [1e-3 / scale]
    while points[-1] * 1.01 <= 1:
        points.append(points[-1] * 1.01)
    for pid in ids:
        cols = [2 + j for j, panel in enumerate(panels) if pid in panel]
        add_row(h, 0.0, INF, [0, *cols], [1.0] + [-1.0] * len(cols))  # u >= pi
        for a in (
            points if cols else ()
        ):  # no panel seats pid: nothing to raise  # v >= 2/a - pi/a^2
            add_row(h, 2 / a, INF, [1, *cols], [1.0] + [1 / a**2] * len(cols))
    h.run()
    return float(h.getInfo().objective_function_value)


def brute_force_lowest_highest(instance):
    """The smallest possible highest probability, over every valid panel."""
    ids = sorted(p.id for p in instance.people)
    panels = all_panels(instance)
    h = new_highs()
    add_col(h, 1.0, 0.0, INF, [], [])
    for _ in panels:
        add_col(h, 0.0, 0.0, 1.0, [], [])
    add_row(h, 1, 1, range(1, len(panels) + 1), [1.0] * len(panels))
    for pid in ids:
        cols = [1 + j for j, panel in enumerate(panels) if pid in panel]
        add_row(h, 0.0, INF, [0, *cols], [1.0] + [-1.0] * len(cols))
    h.run()
    return float(h.getInfo().objective_function_value)


def staged_case():
    """Three binary features where the relaxation's LEXIMIN point is not a mix of panels, so
    LEXIMIN takes its staged method."""
    rows = [
        ("p0", {"f0": "a", "f1": "a", "f2": "b"}),
        ("p1", {"f0": "a", "f1": "a", "f2": "a"}),
        ("p2", {"f0": "b", "f1": "a", "f2": "a"}),
        ("p3", {"f0": "b", "f1": "b", "f2": "a"}),
        ("p4", {"f0": "a", "f1": "b", "f2": "b"}),
        ("p5", {"f0": "a", "f1": "a", "f2": "b"}),
        ("p6", {"f0": "b", "f1": "b", "f2": "b"}),
        ("p7", {"f0": "a", "f1": "b", "f2": "a"}),
    ]
    quotas = {
        "f0": {"a": (1, 2), "b": (1, 3)},
        "f1": {"a": (2, 2), "b": (1, 3)},
        "f2": {"a": (0, 1), "b": (0, 2)},
    }
    return make_instance(rows, quotas, 3)
