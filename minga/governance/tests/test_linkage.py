"""Double linkage: the leader and a delegate, two people, members of both circles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from minga.governance.linkage import Problem, Seat, broken_by, link_problems

PARENTS = {1: None, 2: 1}


def seats(*rows):
    return [Seat(*row) for row in rows]


def test_a_complete_double_link():
    found = link_problems(
        PARENTS, seats((1, 10, "member"), (1, 11, "member"), (2, 10, "leader"), (2, 11, "delegate"))
    )
    assert found == {2: []}


def test_missing_delegate():
    found = link_problems(PARENTS, seats((1, 10, "member"), (2, 10, "leader"), (2, 12, "member")))
    assert found == {2: [Problem.NO_DELEGATE]}


def test_delegate_who_is_not_in_the_parent():
    found = link_problems(PARENTS, seats((1, 10, "member"), (2, 10, "leader"), (2, 11, "delegate")))
    assert found == {2: [Problem.DELEGATE_NOT_IN_PARENT]}


def test_one_person_holding_both_ends_is_not_a_double_link():
    found = link_problems(PARENTS, seats((1, 10, "member"), (2, 10, "leader"), (2, 10, "delegate")))
    assert found == {2: [Problem.ONE_PERSON]}


def test_removing_a_parent_member_breaks_the_childs_link():
    before = seats((1, 10, "member"), (1, 11, "member"), (2, 10, "leader"), (2, 11, "delegate"))
    after = [s for s in before if s != Seat(1, 11, "member")]
    assert broken_by(PARENTS, before, after) == [2]
    assert broken_by(PARENTS, after, before) == []


people = st.integers(min_value=1, max_value=6)
roles = st.sampled_from(["leader", "delegate", "member"])
seat_lists = st.lists(st.builds(Seat, st.sampled_from([1, 2, 3]), people, roles), max_size=25)


@given(seat_lists)
def test_no_problem_means_two_distinct_people_in_both_circles(all_seats):
    parents = {1: None, 2: 1, 3: 2}
    for circle, found in link_problems(parents, all_seats).items():
        parent = parents[circle]
        in_parent = {s.person for s in all_seats if s.circle == parent}
        leaders = {
            s.person for s in all_seats if s.circle == circle and s.role == "leader"
        } & in_parent
        delegates = {
            s.person for s in all_seats if s.circle == circle and s.role == "delegate"
        } & in_parent
        healthy = bool(leaders) and bool(delegates) and len(leaders | delegates) >= 2
        assert (found == []) == healthy


@given(seat_lists)
def test_adding_seats_never_breaks_a_link(all_seats):
    parents = {1: None, 2: 1, 3: 2}
    assert broken_by(parents, all_seats[:5], all_seats) == []
