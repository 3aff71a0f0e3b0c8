"""Goldilocks: the distribution minimizing (n/k) max pi + (k/n) max 1/pi, checked against an
independent brute force over every panel of small pools, and the fairness figures shown beside
LEXIMIN."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from minga.sortition.engine.diagnosis import InfeasibleQuotas
from minga.sortition.engine.goldilocks import (
    best_extremes,
    comparison,
    fairness,
    gini,
    goldilocks,
    objective,
)
from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.lottery import round_distribution
from minga.sortition.engine.model import panel_violations
from minga.sortition.engine.synthetic import correlated_pool
from minga.sortition.tests.helpers import (
    brute_force_goldilocks,
    brute_force_leximin,
    brute_force_lowest_highest,
    make_instance,
    staged_case,
)
from minga.sortition.tests.test_leximin import instance_with_panels


def _value(instance, **options):
    distribution = goldilocks(instance, **options)
    probabilities = distribution.probabilities()
    return objective(list(probabilities.values()), instance.seats), distribution


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(instance_with_panels())
def test_goldilocks_matches_brute_force_over_all_panels(instance):
    bound = brute_force_goldilocks(instance)
    for relaxation in (True, False):
        value, distribution = _value(instance, relaxation=relaxation)
        assert bound - 1e-7 <= value <= bound * (1 + 1e-4) + 1e-7
        for counts, _weight in distribution.panels:  # every panel in the support is valid
            chosen = [
                m for t, c in zip(distribution.types, counts, strict=True) for m in t.members[:c]
            ]
            assert not panel_violations(instance, chosen)


def test_both_methods_reach_the_optimum_where_leximins_relaxation_cannot_be_decomposed():
    instance = staged_case()  # LEXIMIN needs its staged method there
    bound = brute_force_goldilocks(instance)
    for relaxation, method in ((True, "relaxation"), (False, "columns")):
        stats: dict[str, int | str] = {}
        distribution = goldilocks(instance, stats=stats, relaxation=relaxation)
        value = objective(list(distribution.probabilities().values()), 3)
        assert bound - 1e-7 <= value <= bound * (1 + 1e-4)
        assert stats["method"] == method


def test_best_extremes_are_leximins_minimum_and_the_smallest_possible_maximum():
    instance = make_instance(
        [(f"p{i}", {"g": "ab"[i % 2], "age": "xyz"[i % 3]}) for i in range(8)],
        {"g": {"a": (1, 2), "b": (1, 2)}, "age": {"x": (1, 1), "y": (0, 2), "z": (0, 2)}},
        3,
    )
    lowest, highest = best_extremes(instance)
    assert lowest == pytest.approx(min(brute_force_leximin(instance)), abs=1e-7)
    assert highest == pytest.approx(brute_force_lowest_highest(instance), abs=1e-7)


def test_gini():
    assert gini([0.2] * 10) == pytest.approx(0.0)
    assert gini([0.0, 0.0, 0.0, 1.0]) == pytest.approx(0.75)
    assert gini([1.0, 2.0, 3.0]) == pytest.approx(
        sum(abs(a - b) for a in (1, 2, 3) for b in (1, 2, 3)) / (2 * 9 * 2)
    )


def test_goldilocks_trades_a_little_of_the_lowest_for_much_less_of_the_highest():
    instance = correlated_pool(200, 20, seed=11, slack=0)
    best = best_extremes(instance)
    by_leximin = list(leximin(instance).probabilities().values())
    by_goldilocks = list(goldilocks(instance).probabilities().values())
    fair, robust = fairness(by_leximin, best), fairness(by_goldilocks, best)
    assert fair.lowest_ratio == pytest.approx(1.0, abs=1e-6)
    assert robust.lowest_ratio <= 1 + 1e-9
    assert 1 - 1e-9 <= robust.highest_ratio < fair.highest_ratio
    assert objective(by_goldilocks, 20) < objective(by_leximin, 20)


def test_a_goldilocks_lottery_meets_the_quotas_in_every_row():
    instance = correlated_pool(60, 6, seed=3, slack=0)
    distribution = goldilocks(instance)
    lottery = round_distribution(distribution, 100)
    assert all(not panel_violations(instance, list(row)) for row in lottery.rows)
    assert lottery.max_change <= 6 / 100 + 1e-12


def test_no_panel_means_the_usual_diagnosis():
    instance = make_instance([("a", {"g": "x"}), ("b", {"g": "x"})], {"g": {"x": (3, 3)}}, 3)
    with pytest.raises(InfeasibleQuotas):
        goldilocks(instance)


def test_the_best_lowest_leaves_out_those_no_panel_can_seat_as_the_lowest_does():
    instance = staged_case()  # someone there is on no valid panel
    by_leximin = leximin(instance).probabilities()
    assert min(by_leximin.values()) == 0
    figures = comparison(instance, {"leximin": by_leximin})["leximin"]
    assert figures["lowest"] > 0 and figures["lowest_ratio"] == pytest.approx(1.0)
