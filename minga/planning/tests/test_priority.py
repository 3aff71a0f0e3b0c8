"""The pure priority rules: a PESTEL trend's priority is its mean probability times its mean
impact weight, and trends rank by it; the organizations' ballots add up (dots) or give
Borda points (ranking), ties go to wider support and then to the list's order, and what is
adopted was supported by someone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minga.planning import priority
from minga.planning.priority import (
    IMPACT_WEIGHTS,
    Rating,
    Standing,
    Trend,
    Weighing,
    ballot_problems,
    first,
    impact_level,
    rank_trends,
    tally,
    weigh,
)

ratings = st.builds(
    Rating,
    probability=st.sampled_from(list(priority.PROBABILITIES)),
    impact=st.sampled_from(list(IMPACT_WEIGHTS)),
)


# PESTEL ---------------------------------------------------------------------------------------


def test_priority_is_mean_probability_times_mean_impact_weight():
    found = weigh([Rating(5, "high"), Rating(3, "low"), Rating(4, "medium")])
    # Probabilities 5, 3, 4 → 4; impacts 3, 1, 2 → 2; priority 8.
    assert found == Weighing(probability=4.0, impact=2.0, priority=8.0, ratings=3)
    assert weigh([Rating(2, "high"), Rating(3, "high")]).priority == pytest.approx(7.5)


def test_a_trend_nobody_rated_has_no_priority():
    assert weigh([]) == Weighing(0.0, 0.0, 0.0, 0)


@given(st.lists(ratings, min_size=1, max_size=30))
def test_priority_stays_within_the_matrix_and_is_the_product_of_the_means(found):
    weighing = weigh(found)
    assert 1 <= weighing.probability <= 5
    assert 1 <= weighing.impact <= 3
    assert 1 <= weighing.priority <= 15
    assert weighing.priority == pytest.approx(weighing.probability * weighing.impact)
    assert weighing.ratings == len(found)


@given(st.lists(ratings, min_size=1, max_size=20), st.randoms())
def test_the_order_of_the_ratings_does_not_matter(found, random):
    shuffled = list(found)
    random.shuffle(shuffled)
    assert weigh(shuffled).priority == pytest.approx(weigh(found).priority)


@given(st.lists(ratings, min_size=1, max_size=20), ratings)
def test_a_higher_rating_never_lowers_the_priority(found, extra):
    """Raising one rating's probability or impact can only raise the trend's priority."""
    higher = Rating(5, "high")
    assert weigh([*found, higher]).priority >= weigh([*found, extra]).priority


def test_impact_level_is_the_nearest_level_and_a_tie_goes_up():
    assert impact_level(3.0) == "high"
    assert impact_level(2.6) == "high"
    assert impact_level(2.5) == "high"  # halfway: the higher level
    assert impact_level(2.4) == "medium"
    assert impact_level(2.0) == "medium"
    assert impact_level(1.5) == "medium"
    assert impact_level(1.4) == "low"
    assert impact_level(1.0) == "low"
    assert impact_level(0.0) == "low"  # nobody rated it


@given(st.floats(min_value=0, max_value=3, allow_nan=False))
def test_impact_level_is_never_farther_than_another_level(weight):
    level = impact_level(weight)
    distance = abs(IMPACT_WEIGHTS[level] - weight)
    assert all(distance <= abs(w - weight) for w in IMPACT_WEIGHTS.values())


def _trend(pk: int, priority_: float, count: int) -> Trend:
    return Trend(pk, Weighing(0.0, 0.0, priority_, count))


def test_trends_rank_by_priority_then_by_ratings_then_by_age():
    found = [
        _trend(1, 6.0, 2),
        _trend(2, 9.0, 1),
        _trend(3, 6.0, 5),  # as high as 1, more people rated it
        _trend(4, 6.0, 2),  # as high as 1 and as rated, but newer
        _trend(5, 0.0, 0),
    ]
    assert [t.id for t in rank_trends(found)] == [2, 3, 1, 4, 5]


@given(
    st.lists(st.tuples(st.floats(0, 15, allow_nan=False), st.integers(0, 50)), max_size=20).map(
        lambda rows: [_trend(pk, p, n) for pk, (p, n) in enumerate(rows)]
    ),
    st.randoms(),
)
def test_ranking_is_ordered_and_independent_of_the_input_order(found, random):
    shuffled = list(found)
    random.shuffle(shuffled)
    ranked = rank_trends(shuffled)
    assert ranked == rank_trends(found)
    keys = [(-t.weighing.priority, -t.weighing.ratings, t.id) for t in ranked]
    assert keys == sorted(keys)


# Ballots ----------------------------------------------------------------------------------------

OBJECTIVES = [10, 20, 30, 40, 50]


def test_dots_add_up_across_organizations():
    standings = tally("dots", [{10: 3, 20: 2}, {20: 1, 30: 4}, {10: 1}], OBJECTIVES)
    assert standings == [
        Standing(10, 4, 2),
        Standing(30, 4, 1),  # as many dots as 10, fewer organizations
        Standing(20, 3, 2),
        Standing(40, 0, 0),
        Standing(50, 0, 0),
    ]


def test_a_ranking_gives_borda_points_and_nothing_to_what_is_left_out():
    # Five objectives: the first of a ranking gets 5 points, the second 4, the third 3.
    standings = tally("ranking", [{30: 1, 10: 2, 20: 3}, {10: 1, 30: 2}], OBJECTIVES)
    assert standings == [
        Standing(10, 9, 2),  # 4 + 5, tied with 30 (5 + 4) in points and support:
        Standing(30, 9, 2),  # 10 is listed first
        Standing(20, 3, 1),
        Standing(40, 0, 0),
        Standing(50, 0, 0),
    ]


def test_ties_go_to_wider_support_then_to_the_list_order():
    standings = tally("dots", [{40: 2}, {20: 1}, {20: 1}, {50: 2}], OBJECTIVES)
    # 20, 40 and 50 have two dots each: 20 by two organizations, then 40 before 50 (listed).
    assert [s.objective for s in standings] == [20, 40, 50, 10, 30]
    assert [s.objective for s in tally("dots", [], OBJECTIVES)] == OBJECTIVES


def test_marks_for_objectives_off_the_list_are_ignored():
    standings = tally("dots", [{10: 1, 99: 5}], OBJECTIVES)
    assert {s.objective for s in standings} == set(OBJECTIVES)
    assert standings[0] == Standing(10, 1, 1)


@st.composite
def dot_ballots(draw: st.DrawFn, dots: int = 5) -> list[dict[int, int]]:
    """Valid dot ballots: each organization spreads at most `dots` dots."""
    found = []
    for _ in range(draw(st.integers(0, 8))):
        marks: dict[int, int] = {}
        left = dots
        for objective in draw(st.lists(st.sampled_from(OBJECTIVES), unique=True)):
            if left == 0:
                break
            value = draw(st.integers(1, left))
            marks[objective] = value
            left -= value
        found.append(marks)
    return found


@st.composite
def ranking_ballots(draw: st.DrawFn) -> list[dict[int, int]]:
    return [
        {objective: place for place, objective in enumerate(chosen, start=1)}
        for chosen in draw(
            st.lists(st.lists(st.sampled_from(OBJECTIVES), unique=True, min_size=1), max_size=8)
        )
    ]


def _place(standings: list[Standing], objective: int) -> int:
    return [s.objective for s in standings].index(objective)


@given(dot_ballots(), st.integers(0, 7), st.sampled_from(OBJECTIVES))
def test_one_more_dot_never_lowers_an_objectives_place(ballots, which, objective):
    before = tally("dots", ballots, OBJECTIVES)
    more = [dict(b) for b in ballots] or [{}]
    chosen = more[which % len(more)]
    chosen[objective] = chosen.get(objective, 0) + 1
    after = tally("dots", more, OBJECTIVES)
    assert _place(after, objective) <= _place(before, objective)


@given(
    st.sampled_from(["dots", "ranking"]).flatmap(
        lambda method: st.tuples(
            st.just(method), dot_ballots() if method == "dots" else ranking_ballots(), st.randoms()
        )
    )
)
def test_the_order_of_the_ballots_does_not_change_the_result(case):
    method, ballots, random = case
    shuffled = list(ballots)
    random.shuffle(shuffled)
    assert tally(method, shuffled, OBJECTIVES) == tally(method, ballots, OBJECTIVES)


@given(dot_ballots())
def test_dot_scores_add_up_to_every_dot_placed(ballots):
    standings = tally("dots", ballots, OBJECTIVES)
    assert sum(s.score for s in standings) == sum(sum(b.values()) for b in ballots)
    for s in standings:
        assert s.ballots == sum(1 for b in ballots if s.objective in b)
    assert sorted(s.objective for s in standings) == sorted(OBJECTIVES)


@given(ranking_ballots())
def test_borda_points_follow_each_ballots_order(ballots):
    standings = {s.objective: s for s in tally("ranking", ballots, OBJECTIVES)}
    n = len(OBJECTIVES)
    for objective, s in standings.items():
        assert s.score == sum(n - b[objective] + 1 for b in ballots if objective in b)
    # An objective ranked first on every ballot that ranks anything comes first.
    if ballots and len({min(b, key=b.__getitem__) for b in ballots}) == 1:
        top = min(ballots[0], key=ballots[0].__getitem__)
        assert tally("ranking", ballots, OBJECTIVES)[0].objective == top


@given(
    st.sampled_from(["dots", "ranking"]).flatmap(
        lambda method: st.tuples(
            st.just(method), dot_ballots() if method == "dots" else ranking_ballots()
        )
    ),
    st.integers(0, 7),
)
def test_first_never_adopts_an_unsupported_objective_nor_more_than_asked(case, count):
    method, ballots = case
    standings = tally(method, ballots, OBJECTIVES)
    chosen = first(standings, count)
    supported = {o for b in ballots for o in b}
    assert len(chosen) <= count
    assert set(chosen) <= supported
    assert len(chosen) == min(count, len(supported))
    # In the standings' order.
    assert chosen == [s.objective for s in standings if s.objective in set(chosen)]


def test_first_takes_the_leading_objectives_in_order():
    standings = [Standing(3, 9, 2), Standing(1, 5, 1), Standing(2, 0, 0), Standing(4, 0, 0)]
    assert first(standings, 3) == [3, 1]
    assert first(standings, 1) == [3]
    assert first(standings, 0) == []


# What is wrong with a ballot --------------------------------------------------------------------


def test_a_good_ballot_has_no_problem():
    assert ballot_problems("dots", {10: 3, 20: 2}, 5, OBJECTIVES) == []
    assert ballot_problems("dots", {10: 1}, 5, OBJECTIVES) == []  # dots may be left unused
    assert ballot_problems("ranking", {30: 1, 10: 2, 50: 3}, 5, OBJECTIVES) == []


@pytest.mark.parametrize(
    ("method", "marks", "expected"),
    [
        ("dots", {}, ["empty"]),
        ("ranking", {}, ["empty"]),
        ("dots", {10: 4, 20: 2}, ["too_many_dots"]),
        ("dots", {10: 6}, ["too_many_dots"]),
        ("dots", {99: 1}, ["unknown"]),
        ("dots", {10: 0}, ["not_positive"]),
        ("dots", {10: -2, 20: 3}, ["not_positive"]),
        ("ranking", {10: 1, 20: 3}, ["ranks"]),  # a gap
        ("ranking", {10: 1, 20: 1}, ["ranks"]),  # a repeat
        ("ranking", {10: 2, 20: 3}, ["ranks"]),  # no first
        ("ranking", {10: 0, 20: 1}, ["not_positive"]),
        ("ranking", {10: 1, 99: 2}, ["unknown"]),
    ],
)
def test_ballot_problems_name_what_is_wrong(method, marks, expected):
    assert ballot_problems(method, marks, 5, OBJECTIVES) == expected


@given(dot_ballots(dots=5).filter(bool).map(lambda ballots: ballots[0]))
def test_every_spread_within_the_dots_is_accepted(marks):
    assert ballot_problems("dots", marks, 5, OBJECTIVES) == ([] if marks else ["empty"])


@given(
    st.dictionaries(st.sampled_from(OBJECTIVES), st.integers(1, 10), min_size=1),
    st.integers(1, priority.MAX_DOTS),
)
def test_more_dots_than_allowed_is_always_refused(marks, dots):
    problems = ballot_problems("dots", marks, dots, OBJECTIVES)
    assert ("too_many_dots" in problems) == (sum(marks.values()) > dots)


@given(ranking_ballots().filter(bool).map(lambda ballots: ballots[0]))
def test_every_ranking_numbered_from_one_without_gaps_is_accepted(marks):
    assert ballot_problems("ranking", marks, 5, OBJECTIVES) == []
