"""Double linkage between circles, as a pure function (no Django here).

Every circle with a parent must be linked to it by at least two distinct people who
belong to both circles: its leader (who brings the parent's information down) and at
least one delegate (who carries the circle's information up).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Problem(StrEnum):
    NO_LEADER = "no_leader"
    NO_DELEGATE = "no_delegate"
    LEADER_NOT_IN_PARENT = "leader_not_in_parent"
    DELEGATE_NOT_IN_PARENT = "delegate_not_in_parent"
    ONE_PERSON = "one_person"


@dataclass(frozen=True)
class Seat:
    circle: int
    person: int
    role: str  # "leader", "delegate" or "member"


def link_problems(
    parents: dict[int, int | None], seats: Iterable[Seat]
) -> dict[int, list[Problem]]:
    """For each circle that has a parent, what (if anything) is wrong with its link."""
    members: dict[int, set[int]] = defaultdict(set)
    leaders: dict[int, set[int]] = defaultdict(set)
    delegates: dict[int, set[int]] = defaultdict(set)
    for seat in seats:
        members[seat.circle].add(seat.person)
        if seat.role == "leader":
            leaders[seat.circle].add(seat.person)
        elif seat.role == "delegate":
            delegates[seat.circle].add(seat.person)
    problems: dict[int, list[Problem]] = {}
    for circle, parent in parents.items():
        if parent is None:
            continue
        found: list[Problem] = []
        in_parent = members[parent]
        linked_leaders = leaders[circle] & in_parent
        linked_delegates = delegates[circle] & in_parent
        if not leaders[circle]:
            found.append(Problem.NO_LEADER)
        elif not linked_leaders:
            found.append(Problem.LEADER_NOT_IN_PARENT)
        if not delegates[circle]:
            found.append(Problem.NO_DELEGATE)
        elif not linked_delegates:
            found.append(Problem.DELEGATE_NOT_IN_PARENT)
        if not found and len(linked_leaders | linked_delegates) < 2:
            # The leader and the delegate must be two different people.
            found.append(Problem.ONE_PERSON)
        problems[circle] = found
    return problems


def broken_by(parents: dict[int, int | None], before: list[Seat], after: list[Seat]) -> list[int]:
    """Circles whose link holds with `before` seats but not with `after`."""
    was = link_problems(parents, before)
    now = link_problems(parents, after)
    return sorted(c for c, found in now.items() if found and not was.get(c))
