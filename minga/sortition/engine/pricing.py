"""The panel search over types: integer counts per type meeting every quota and group rule.

Three ways to find a panel for given weights, cheapest first: improving a known panel by swaps,
a *dive* down the LP relaxation (fix a fractional count, re-solve, repeat; a few warm-started
LP solves, and the relaxation's bound proves when no panel can reach a threshold), and the
exact MIP. A search may be restricted to the *face* of a target point (see `PanelSearch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from minga.sortition.engine.model import TypedInstance
from minga.sortition.engine.solver import add_col, add_row, new_highs, status_name

Panel = tuple[int, ...]  # how many members of each type (in the canonical type order)

INTEGRAL = 1e-9  # a relaxed count this close to an integer is that integer
FACE_TOLERANCE = 1e-6  # a target this close to a bound lies on it
DIVE_DEPTH = 200  # counts a dive may fix before it gives up (it then falls back to the MIP)


@dataclass(frozen=True)
class Rows:
    """The quota and group rows over types (dense 0/1 matrix) and their bounds."""

    matrix: np.ndarray  # rows x types
    lower: np.ndarray
    upper: np.ndarray

    @classmethod
    def of(cls, typed: TypedInstance) -> Rows:
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
        return cls(
            np.array(rows, dtype=np.int64).reshape(len(rows), len(types)),
            np.array(lower, dtype=np.float64),
            np.array(upper, dtype=np.float64),
        )


@dataclass(frozen=True)
class Dive:
    panels: tuple[Panel, ...]  # integer panels found on the way down, worth more than threshold
    proven: bool  # the relaxation's bound shows that no panel is worth more than the threshold


class PanelSearch:
    """max w·c  s.t.  sum c = k, min_fv <= sum_{t has fv} c_t <= max_fv, group rows, 0<=c_t<=n_t.

    With a `face` (a target point of expected counts, e.g. the LEXIMIN point of the relaxation),
    the search keeps to panels that can appear in a distribution averaging to that target:
    a quota or group row the target meets at a bound is met there by every such panel, and a
    type the target never (always) seats is never (always) seated.
    """

    def __init__(self, typed: TypedInstance, face: np.ndarray | None = None) -> None:
        self.typed = typed
        self.rows = Rows.of(typed)
        n = len(typed.types)
        self.size = n
        self.index = np.arange(n, dtype=np.int32)
        self.sizes = np.array([t.size for t in typed.types], dtype=np.float64)
        self.lower = np.concatenate([[typed.instance.seats], self.rows.lower])
        self.upper = np.concatenate([[typed.instance.seats], self.rows.upper])
        self.col_lower = np.zeros(n)
        self.col_upper = self.sizes.copy()
        if face is not None:
            self._restrict(face)
        # `narrow` keeps within these bounds: the polytope's, or the face's given here
        self._own = (self.lower, self.upper, self.col_lower, self.col_upper)
        self._mip: highspy.Highs | None = None  # built when first needed
        self.relaxation = self.model(new_highs())
        self.relaxation.setOptionValue("presolve", "off")

    @property
    def highs(self) -> highspy.Highs:
        """The exact panel search (MIP)."""
        if self._mip is None:
            self._mip = self.model(new_highs(mip_gap=1e-9))
            self._mip.changeColsIntegrality(
                self.size, self.index, np.array([highspy.HighsVarType.kInteger] * self.size)
            )
        return self._mip

    def _restrict(self, target: np.ndarray, tolerance: float = FACE_TOLERANCE) -> None:
        """Keep to the face of `target` within the current bounds."""
        lower, upper = self.lower, self.upper
        activity = np.concatenate([[target.sum()], self.rows.matrix @ target])
        at_lower = activity <= lower + tolerance
        at_upper = activity >= upper - tolerance
        self.upper = np.where(at_lower, lower, upper)
        self.lower = np.where(at_upper, upper, lower)
        self.col_upper = np.where(target <= tolerance, 0.0, self.col_upper)
        self.col_lower = np.where(target >= self.sizes - tolerance, self.sizes, self.col_lower)

    def narrow(self, target: np.ndarray | None, tolerance: float = FACE_TOLERANCE) -> None:
        """Keep to the face of `target` from now on, within the search's own bounds (those it
        was built with), not within the face kept so far; `narrow(None)` goes back to them. The
        models already built keep their warm bases."""
        self.lower, self.upper, self.col_lower, self.col_upper = self._own
        if target is not None:
            self._restrict(target, tolerance)
        for highs in (self.relaxation, self._mip):
            if highs is not None:
                highs.changeColsBounds(self.size, self.index, self.col_lower, self.col_upper)
                for row, (low, high) in enumerate(zip(self.lower, self.upper, strict=True)):
                    highs.changeRowBounds(row, float(low), float(high))

    def model(self, highs: highspy.Highs) -> highspy.Highs:
        """Add this search's panel polytope (counts per type as columns) to `highs`."""
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for t in range(self.size):
            add_col(highs, 0.0, self.col_lower[t], self.col_upper[t], [], [])
        add_row(highs, self.lower[0], self.upper[0], range(self.size), [1.0] * self.size)
        for r, row in enumerate(self.rows.matrix):
            members = np.flatnonzero(row).tolist()
            add_row(highs, self.lower[1 + r], self.upper[1 + r], members, [1.0] * len(members))
        return highs

    def dive(
        self, weights: np.ndarray, threshold: float, *, twice: bool = False, retry: bool = False
    ) -> Dive:
        """Look for panels worth more than `threshold` by diving down the relaxation: while its
        optimum is fractional and still above the threshold, fix a fractional count at its
        ceiling and re-solve. The first dive fixes the largest count first; with `twice`, a
        second dive from the same root fixes the most fractional one first, which often ends
        at another panel (with `retry`, only when the first found none). Cheap (a few warm LP
        solves) but not exhaustive."""
        highs = self.relaxation
        highs.changeColsCost(self.size, self.index, weights)
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return Dive((), proven=True)  # no panel at all
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"panel search relaxation: {status_name(highs)}")
        if float(highs.getInfo().objective_function_value) <= threshold:
            return Dive((), proven=True)  # the relaxation bounds every panel
        root = np.asarray(highs.getSolution().col_value)
        if np.abs(root - np.rint(root)).max() <= INTEGRAL:
            return Dive((tuple(int(c) for c in np.rint(root)),), proven=False)
        basis = highs.getBasis()
        found: list[Panel] = []
        for most_fractional in (False, True) if twice or retry else (False,):
            if most_fractional and retry and found:
                break
            if most_fractional:
                highs.setBasis(basis)
            panel = self._descend(root, threshold, most_fractional)
            if panel is not None and panel not in found:
                found.append(panel)
        return Dive(tuple(found), proven=False)

    def _descend(self, values: np.ndarray, threshold: float, most_fractional: bool) -> Panel | None:
        highs = self.relaxation
        try:
            for _ in range(DIVE_DEPTH):
                fraction = np.abs(values - np.rint(values))
                if fraction.max() <= INTEGRAL:
                    return tuple(int(c) for c in np.rint(values))
                key = fraction if most_fractional else values
                j = int(np.argmax(np.where(fraction > INTEGRAL, key, -1.0)))
                ceiling = float(np.ceil(values[j] - INTEGRAL))
                highs.changeColBounds(j, ceiling, ceiling)
                highs.run()
                if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    return None  # fixed into a corner without panels
                if float(highs.getInfo().objective_function_value) <= threshold:
                    return None
                values = np.asarray(highs.getSolution().col_value)
            return None
        finally:
            highs.changeColsBounds(self.size, self.index, self.col_lower, self.col_upper)

    def solve(self, weights: Sequence[float] | np.ndarray) -> tuple[Panel, float, float] | None:
        """Best panel for these weights, its value and the solver's upper bound; None if none."""
        highs = self.highs
        highs.changeColsCost(self.size, self.index, np.asarray(weights, dtype=np.float64))
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"panel search: {status_name(highs)}")
        values = highs.getSolution().col_value
        panel = tuple(round(v) for v in values)
        value = float(np.dot(panel, weights))
        info = highs.getInfo()
        bound = max(value, float(info.mip_dual_bound))
        return panel, value, bound


class SwapSearch:
    """Heuristic pricing: improve a known panel by single swaps (one member of type a out, one
    of type b in) that keep every quota and group rule, taking the best swap each step."""

    def __init__(self, rows: Rows, sizes: np.ndarray) -> None:
        self.matrix = rows.matrix
        self.lower = rows.lower.astype(np.int64)
        self.upper = rows.upper.astype(np.int64)
        self.sizes = sizes.astype(np.int64)

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
