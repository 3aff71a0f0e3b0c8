"""Progress rolled up, the pure arithmetic: whatever the plan's tree, progress stays within
0–100 % and a parent's lies between its children's; a parent is its children's weighted
mean; an indicator counts from its baseline towards its target, either way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minga.planning.rollup import Node, indicator_progress, progress_of, weighted

progress = st.floats(min_value=0, max_value=100, allow_nan=False)
weights = st.integers(1, 100) | st.floats(min_value=0.01, max_value=1000, allow_nan=False)


def _leaf() -> st.SearchStrategy[Node]:
    return st.builds(Node, weight=weights, own=st.none() | progress, children=st.just([]))


trees = st.recursive(
    _leaf(),
    lambda children: st.builds(
        Node, weight=weights, own=st.none() | progress, children=st.lists(children, max_size=5)
    ),
    max_leaves=40,
)


def _walk(node: Node) -> list[Node]:
    return [node, *(n for child in node.children for n in _walk(child))]


@given(trees)
def test_progress_stays_within_0_and_100_at_every_level(tree):
    for node in _walk(tree):
        found = progress_of(node)
        assert found is None or 0 <= found <= 100


@given(trees)
def test_a_parents_progress_lies_between_its_childrens(tree):
    for node in _walk(tree):
        found = [p for child in node.children if (p := progress_of(child)) is not None]
        if found:
            parent = progress_of(node)
            assert parent is not None
            assert min(found) <= parent <= max(found)


@given(trees)
def test_a_node_without_progress_below_it_keeps_its_own(tree):
    for node in _walk(tree):
        if all(progress_of(child) is None for child in node.children):
            assert progress_of(node) == node.own


@given(st.lists(st.tuples(progress, weights), min_size=1, max_size=30))
def test_the_weighted_mean_lies_between_the_smallest_and_largest(pairs):
    mean = weighted(pairs)
    assert mean is not None
    assert min(p for p, _ in pairs) <= mean <= max(p for p, _ in pairs)


@given(progress, st.lists(weights, min_size=1, max_size=10))
def test_children_at_the_same_progress_give_the_parent_that_progress(value, found):
    assert weighted((value, w) for w in found) == value


@given(
    st.lists(st.tuples(progress, st.integers(1, 100)), min_size=1, max_size=10), st.integers(2, 9)
)
def test_scaling_every_weight_changes_nothing(pairs, factor):
    scaled = [(p, w * factor) for p, w in pairs]
    assert weighted(scaled) == pytest.approx(weighted(pairs))


def test_weighted_mean_examples():
    assert weighted([(100, 1), (0, 1)]) == 50
    assert weighted([(100, 3), (0, 1)]) == 75
    assert weighted([(40, 2), (70, 1), (10, 1)]) == pytest.approx(40)
    assert weighted([(80, 1)]) == 80
    assert weighted([]) is None
    # A child without weight does not count (and alone it gives nothing to weigh).
    assert weighted([(100, 1), (0, 0)]) == 100
    assert weighted([(30, 0)]) is None


def test_progress_rolls_up_from_results_to_pillars():
    # A project: two results (weights 1 and 3), one measured by two indicators.
    result_a = Node(weight=1, own=20, children=[Node(weight=1, own=100), Node(weight=1, own=50)])
    result_b = Node(weight=3, own=40)
    project = Node(weight=2, children=[result_a, result_b])
    other = Node(weight=1, children=[Node(own=10)])
    objective = Node(children=[project, other])
    pillar = Node(children=[objective, Node(children=[])])  # an objective with no project yet
    assert progress_of(result_a) == 75  # its indicators, not what was recorded
    assert progress_of(project) == pytest.approx((75 * 1 + 40 * 3) / 4)  # 48.75
    assert progress_of(objective) == pytest.approx((48.75 * 2 + 10) / 3)  # 35.8333…
    assert progress_of(pillar) == pytest.approx(progress_of(objective))
    assert progress_of(Node()) is None


def test_an_own_progress_outside_0_100_is_clamped():
    assert progress_of(Node(own=130)) == 100
    assert progress_of(Node(own=-5)) == 0


# Indicators ------------------------------------------------------------------------------------


def test_an_increasing_target_counts_up_from_the_baseline():
    assert indicator_progress(10, 110, 10) == 0
    assert indicator_progress(10, 110, 60) == 50
    assert indicator_progress(10, 110, 110) == 100
    assert indicator_progress(0, 200, 30) == 15


def test_a_decreasing_target_counts_down_from_the_baseline():
    # Fewer incidents: from 40 down to 10.
    assert indicator_progress(40, 10, 40) == 0
    assert indicator_progress(40, 10, 25) == 50
    assert indicator_progress(40, 10, 10) == 100
    assert indicator_progress(40, 10, 0) == 100  # beyond the target
    assert indicator_progress(40, 10, 55) == 0  # worse than the baseline


def test_overshooting_the_target_clamps_to_100_and_falling_back_to_0():
    assert indicator_progress(0, 50, 80) == 100
    assert indicator_progress(20, 50, 5) == 0


def test_without_a_measurement_there_is_no_progress():
    assert indicator_progress(0, 100, None) == 0
    assert indicator_progress(100, 0, None) == 0


def test_a_target_equal_to_the_baseline_is_a_level_kept_or_not():
    # Keep at least 50 members.
    assert indicator_progress(50, 50, 50) == 100
    assert indicator_progress(50, 50, 60) == 100
    assert indicator_progress(50, 50, 40) == 0
    # Keep at zero incidents: any incident misses it.
    assert indicator_progress(0, 0, 0) == 100
    assert indicator_progress(0, 0, 3) == 0


numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(numbers, numbers, st.none() | numbers)
def test_indicator_progress_is_always_within_0_and_100(baseline, target, latest):
    assert 0 <= indicator_progress(baseline, target, latest) <= 100


@given(numbers, numbers, numbers, numbers)
def test_moving_towards_the_target_never_lowers_progress(baseline, target, a, b):
    if target == baseline:
        return
    nearer, farther = (a, b) if abs(target - a) <= abs(target - b) else (b, a)
    # Only between the baseline and the target is "nearer" unambiguous.
    low, high = sorted((baseline, target))
    if low <= nearer <= high and low <= farther <= high:
        assert (
            indicator_progress(baseline, target, nearer)
            >= indicator_progress(baseline, target, farther) - 1e-9
        )
