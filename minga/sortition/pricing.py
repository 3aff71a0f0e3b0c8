"""The panel-search ILP over types: integer counts per type meeting every quota and group rule."""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np

from minga.sortition.model import TypedInstance
from minga.sortition.solver import INF, add_col, add_row, new_highs

Panel = tuple[int, ...]  # how many members of each type (in the canonical type order)


class PanelSearch:
    """max w·c  s.t.  sum c = k, min_fv <= sum_{t has fv} c_t <= max_fv, group rows, 0<=c_t<=n_t."""

    def __init__(self, typed: TypedInstance) -> None:
        self.typed = typed
        n = len(typed.types)
        self.highs = highs = self._model(new_highs(mip_gap=1e-9))
        highs.changeColsIntegrality(
            n,
            np.arange(n, dtype=np.int32),
            np.array([highspy.HighsVarType.kInteger] * n),
        )
        self._relaxation: highspy.Highs | None = None
        self.size = n

    def _model(self, highs: highspy.Highs) -> highspy.Highs:
        typed = self.typed
        types = typed.types
        instance = typed.instance
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for person_type in types:
            add_col(highs, 0.0, 0.0, person_type.size, [], [])
        n = len(types)
        add_row(highs, instance.seats, instance.seats, range(n), [1.0] * n)
        for f_index, feature in enumerate(instance.features):
            for value, quota in sorted(instance.quotas[feature].items()):
                members = [i for i, t in enumerate(types) if t.profile[f_index] == value]
                add_row(highs, quota.min, quota.max, members, [1.0] * len(members))
        for members in typed.groups.values():
            add_row(highs, -INF, 1.0, members, [1.0] * len(members))
        return highs

    def relaxed(self, weights: np.ndarray) -> tuple[np.ndarray, float]:
        """The LP relaxation's optimum for these weights (warm-started dual simplex): an upper
        bound on every panel's value, and the panel itself when the optimum is integral."""
        if self._relaxation is None:
            self._relaxation = self._model(new_highs())
            self._relaxation.setOptionValue("presolve", "off")
        highs = self._relaxation
        highs.changeColsCost(self.size, np.arange(self.size, dtype=np.int32), weights)
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"panel search relaxation: {highs.modelStatusToString(highs.getModelStatus())}"
            )
        values = np.asarray(highs.getSolution().col_value)
        return values, float(highs.getInfo().objective_function_value)

    def solve(self, weights: Sequence[float] | np.ndarray) -> tuple[Panel, float, float] | None:
        """Best panel for these weights, its value and the solver's upper bound; None if none."""
        highs = self.highs
        highs.changeColsCost(
            self.size, np.arange(self.size, dtype=np.int32), np.asarray(weights, dtype=np.float64)
        )
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"panel search: {highs.modelStatusToString(status)}")
        values = highs.getSolution().col_value
        panel = tuple(round(v) for v in values)
        value = float(np.dot(panel, weights))
        info = highs.getInfo()
        bound = max(value, float(info.mip_dual_bound))
        return panel, value, bound


class SwapSearch:
    """Heuristic pricing: improve a known panel by single swaps (one member of type a out, one
    of type b in) that keep every quota and group rule, taking the best swap each step."""

    def __init__(self, typed: TypedInstance) -> None:
        instance = typed.instance
        types = typed.types
        rows: list[list[int]] = []
        lower: list[float] = []
        upper: list[float] = []
        for f_index, feature in enumerate(instance.features):
            for value, quota in sorted(instance.quotas[feature].items()):
                rows.append([int(t.profile[f_index] == value) for t in types])
                lower.append(quota.min)
                upper.append(quota.max)
        for members in typed.groups.values():
            rows.append([int(i in members) for i in range(len(types))])
            lower.append(0)
            upper.append(1)
        self.matrix = np.array(rows, dtype=np.int64).reshape(len(rows), len(types))
        self.lower = np.array(lower, dtype=np.int64)
        self.upper = np.array(upper, dtype=np.int64)
        self.sizes = np.array([t.size for t in types], dtype=np.int64)

    def improve(self, panel: Panel, weights: np.ndarray, max_steps: int = 50) -> Panel:
        counts = np.array(panel, dtype=np.int64)
        matrix = self.matrix
        for _ in range(max_steps):
            usage = matrix @ counts
            inside = np.flatnonzero(counts > 0)
            tight_up = matrix[usage >= self.upper]  # rows that may not grow
            tight_down = matrix[usage <= self.lower]  # rows that may not shrink
            gain = weights[None, :] - weights[inside][:, None]
            gain[:, counts >= self.sizes] = -np.inf  # b must have someone left
            if tight_up.size:
                gain[((1 - tight_up[:, inside]).T @ tight_up) > 0] = -np.inf
            if tight_down.size:
                gain[(tight_down[:, inside].T @ (1 - tight_down)) > 0] = -np.inf
            best = int(np.argmax(gain))
            a_pos, b = divmod(best, gain.shape[1])
            if not gain[a_pos, b] > 1e-12:
                break
            counts[inside[a_pos]] -= 1
            counts[b] += 1
        return tuple(int(c) for c in counts)
