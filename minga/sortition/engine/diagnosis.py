"""Why no panel meets the quotas, and the smallest change of quotas that makes a draw possible.

The relaxation is an ILP over type counts: each quota's min may drop by lo >= 0 and its max rise
by hi >= 0; minimize the total change sum(lo + hi). Its optimum names the quotas to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from minga.sortition.engine.model import Instance, build_types
from minga.sortition.engine.solver import INF, add_col, add_row, new_highs


@dataclass(frozen=True)
class Relaxation:
    feature: str
    value: str
    min: int
    max: int
    new_min: int
    new_max: int

    def describe(self) -> str:
        parts = []
        if self.new_min != self.min:
            parts.append(f"min {self.min} -> {self.new_min}")
        if self.new_max != self.max:
            parts.append(f"max {self.max} -> {self.new_max}")
        return f"{self.feature}={self.value}: {', '.join(parts)}"


@dataclass(frozen=True)
class Diagnosis:
    conflicts: list[str]
    relaxations: list[Relaxation] = field(default_factory=list)
    total_change: int | None = None  # None: no change of quotas helps (pool or groups too small)

    def message(self) -> str:
        lines = ["The quotas cannot all be met:"]
        lines.extend(f"- {c}" for c in self.conflicts)
        if self.total_change is None:
            lines.append("No change of quotas helps: the pool is too small for the seats.")
        else:
            lines.append(f"Smallest relaxation (total change {self.total_change}):")
            lines.extend(f"- {r.describe()}" for r in self.relaxations)
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "conflicts": self.conflicts,
            "total_change": self.total_change,
            "relaxations": [
                {
                    "feature": r.feature,
                    "value": r.value,
                    "min": r.min,
                    "max": r.max,
                    "new_min": r.new_min,
                    "new_max": r.new_max,
                }
                for r in self.relaxations
            ],
        }


class InfeasibleQuotas(Exception):
    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.message())
        self.diagnosis = diagnosis


def simple_conflicts(instance: Instance) -> list[str]:
    """Conflicts visible without search: sums of quotas against seats, mins against the pool."""
    k = instance.seats
    found: list[str] = []
    pool = len(instance.people)
    if pool < k:
        found.append(f"the pool has {pool} people for {k} seats")
    groups = {p.group if p.group is not None else ("", p.id) for p in instance.people}
    if len(groups) < k <= pool:
        found.append(f"only {len(groups)} groups for {k} seats (at most one per group)")
    for feature in instance.features:
        values = instance.quotas[feature]
        low = sum(q.min for q in values.values())
        high = sum(q.max for q in values.values())
        if low > k:
            found.append(f"{feature}: the minimums add up to {low}, more than {k} seats")
        if high < k:
            found.append(f"{feature}: the maximums add up to {high}, fewer than {k} seats")
        for value, quota in sorted(values.items()):
            available = sum(1 for p in instance.people if p.features[feature] == value)
            if quota.min > available:
                found.append(
                    f"{feature}={value}: minimum {quota.min} but only {available} in the pool"
                )
    return found


def diagnose(instance: Instance) -> Diagnosis | None:
    """None when some panel meets every quota; otherwise the conflicts and the least relaxation."""
    typed = build_types(instance)
    types = typed.types
    n = len(types)
    highs = new_highs(mip_gap=0.0)
    for person_type in types:
        add_col(highs, 0.0, 0.0, person_type.size, [], [])
    quotas = [
        (feature, value, quota, f_index)
        for f_index, feature in enumerate(instance.features)
        for value, quota in sorted(instance.quotas[feature].items())
    ]
    for _ in quotas:
        add_col(highs, 1.0, 0.0, INF, [], [])  # lo: how far the min drops
        add_col(highs, 1.0, 0.0, INF, [], [])  # hi: how far the max rises
    width = n + 2 * len(quotas)
    highs.changeColsIntegrality(
        width,
        np.arange(width, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * width),
    )
    add_row(highs, instance.seats, instance.seats, range(n), [1.0] * n)
    for q_index, (_feature, value, quota, f_index) in enumerate(quotas):
        members = [i for i, t in enumerate(types) if t.profile[f_index] == value]
        lo, hi = n + 2 * q_index, n + 2 * q_index + 1
        ones = [1.0] * len(members)
        add_row(highs, quota.min, INF, [*members, lo], [*ones, 1.0])
        add_row(highs, -INF, quota.max, [*members, hi], [*ones, -1.0])
    for members in typed.groups.values():
        add_row(highs, -INF, 1.0, members, [1.0] * len(members))
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return Diagnosis(simple_conflicts(instance) or ["too few people for the seats"])
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"diagnosis: {highs.modelStatusToString(status)}")
    values = highs.getSolution().col_value
    relaxations = []
    for q_index, (feature, value, quota, _f) in enumerate(quotas):
        lo = round(values[n + 2 * q_index])
        hi = round(values[n + 2 * q_index + 1])
        if lo or hi:
            relaxations.append(
                Relaxation(feature, value, quota.min, quota.max, quota.min - lo, quota.max + hi)
            )
    if not relaxations:
        return None
    conflicts = simple_conflicts(instance)
    if not conflicts:
        named = ", ".join(f"{r.feature}={r.value}" for r in relaxations)
        conflicts = [f"the quotas on {named} cannot hold together with the other quotas"]
    total = sum(abs(r.new_min - r.min) + abs(r.new_max - r.max) for r in relaxations)
    return Diagnosis(conflicts, relaxations, total)
