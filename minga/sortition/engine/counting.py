"""How many panels meet the quotas exactly: dynamic programming over person types.

People with the same features are one type; choosing c of a type's n members can be done in
C(n, c) ways, and only the counts per feature value matter to the quotas. So the count is a sum
over the types, one at a time, of how many panels of each partial composition there are: the
state is the number of seats taken per feature value (none above its quota's maximum), and at
the end only the states meeting every minimum count. A household (a group of which at most one
may sit) is one step: none of its members, or exactly one of them.

The states grow with the number of feature values and seats; past `max_states` the count
stops and says so (`PanelCount.reason`), with a lower bound when the caller passes one (the
concrete panels of the distribution's support: different type panels never give the same
panel). No Django import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import comb

from minga.sortition.engine.model import Instance, build_types

MAX_STATES = 50_000


@dataclass(frozen=True)
class PanelCount:
    exact: int | None
    lower_bound: int | None = None
    reason: str = ""  # why there is no exact count
    max_states: int = MAX_STATES

    def as_json(self) -> dict[str, int | None]:
        return {"exact": self.exact, "lower_bound": self.lower_bound, "max_states": self.max_states}


class TooManyStates(Exception):
    pass


def count_panels(
    instance: Instance, *, max_states: int = MAX_STATES, lower_bound: int | None = None
) -> PanelCount:
    try:
        return PanelCount(_count(instance, max_states), max_states=max_states)
    except TooManyStates:
        return PanelCount(
            None,
            lower_bound,
            f"more than {max_states:,} combinations of seats per feature value to follow",
            max_states,
        )


def _count(instance: Instance, max_states: int) -> int:
    typed = build_types(instance)
    slots = [(f, v) for f in instance.features for v in sorted(instance.quotas[f])]
    index = {slot: i for i, slot in enumerate(slots)}
    upper = [instance.quotas[f][v].max for f, v in slots]
    lower = [instance.quotas[f][v].min for f, v in slots]

    def vector(profile: Sequence[str], times: int) -> tuple[int, ...]:
        out = [0] * len(slots)
        for feature, value in zip(instance.features, profile, strict=True):
            slot = index.get((feature, value))
            if slot is not None:
                out[slot] += times
        return tuple(out)

    # The steps: an ordinary type offers 0..n of its members; a household offers none or one.
    steps: list[list[tuple[tuple[int, ...], int, int]]] = []  # (added counts, seats, ways)
    for person_type in typed.types:
        if person_type.group is None:
            n = person_type.size
            steps.append(
                [
                    (vector(person_type.profile, c), c, comb(n, c))
                    for c in range(min(n, instance.seats) + 1)
                ]
            )
    for members in typed.groups.values():
        options = [(tuple([0] * len(slots)), 0, 1)]
        options += [(vector(typed.types[t].profile, 1), 1, 1) for t in members]
        steps.append(options)

    # What the steps after each one can still add, per value and in seats: a state that can
    # no longer reach a minimum, or fill the panel, is dropped at once.
    reach: list[tuple[list[int], int]] = [([0] * len(slots), 0)]
    for options in reversed(steps):
        ahead, seats_ahead = reach[-1]
        most = [max(added[i] for added, _t, _w in options) for i in range(len(slots))]
        taken = max(t for _a, t, _w in options)
        reach.append(([a + b for a, b in zip(ahead, most, strict=True)], seats_ahead + taken))
    reach.reverse()
    return _run(steps, reach, upper, lower, instance.seats, max_states)


def _run(
    steps: list[list[tuple[tuple[int, ...], int, int]]],
    reach: list[tuple[list[int], int]],
    upper: list[int],
    lower: list[int],
    seats: int,
    max_states: int,
) -> int:
    """The states as rows of a numpy array (seats per value, then seats in all) and their
    numbers of panels as Python integers (exact, however large), merged by a mixed-radix key."""
    import numpy as np

    width = len(upper) + 1
    top = np.array([*upper, seats], dtype=np.int64)
    low = np.array([*lower, seats], dtype=np.int64)
    radix = np.cumprod(np.concatenate([[1], top[:-1] + 1])).astype(np.int64)
    if int(np.prod((top + 1).astype(float))) >= 2**62:
        raise TooManyStates  # the key would not fit in 64 bits
    states = np.zeros((1, width), dtype=np.int64)
    ways = np.array([1], dtype=object)
    for step, options in enumerate(steps):
        ahead = np.array([*reach[step + 1][0], reach[step + 1][1]], dtype=np.int64)
        rows, counts = [], []
        for added, taken, choices in options:
            moved = states + np.array([*added, taken], dtype=np.int64)
            keep = np.all(moved <= top, axis=1) & np.all(moved + ahead >= low, axis=1)
            if keep.any():
                rows.append(moved[keep])
                counts.append(ways[keep] * choices)
        if not rows:
            return 0
        merged = np.concatenate(rows)
        merged_ways = np.concatenate(counts)
        keys = merged @ radix
        order = np.argsort(keys, kind="stable")
        keys, merged, merged_ways = keys[order], merged[order], merged_ways[order]
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        if len(starts) > max_states:
            raise TooManyStates
        states = merged[starts]
        ways = np.add.reduceat(merged_ways, starts)
    final = np.all(states >= low, axis=1)
    return int(sum(ways[final]))


def support_lower_bound(
    members_per_type: Sequence[int], type_panels: Sequence[Sequence[int]]
) -> int:
    """Concrete panels of a distribution's type panels (distinct type panels share none)."""
    total = 0
    for counts in type_panels:
        ways = 1
        for n, c in zip(members_per_type, counts, strict=True):
            ways *= comb(n, c)
        total += ways
    return total
