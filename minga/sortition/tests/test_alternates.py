"""Alternates that keep the quotas: the integer program against brute force over every set of
alternates on small pools, the exact shortfall against a direct search, and the stay model's
maximum-likelihood fit."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from minga.sortition.engine import alternates as A
from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.synthetic import correlated_pool
from minga.sortition.tests.test_leximin import instance_with_panels


def _direct_shortfall(problem, sampled, counts):
    """Per scenario, every way to seat some of the alternates who came (plain Python)."""
    chosen = [(t, j) for t, c in enumerate(counts) for j in range(c)]
    total = 0.0
    for s in range(len(sampled.stays)):
        staying = [p for p, st in zip(problem.panel, sampled.stays[s], strict=True) if st]
        free = len(problem.panel) - len(staying)
        came = [t for t, j in chosen if sampled.comes[s, t, j]]
        best = math.inf
        for size in range(min(free, len(came)) + 1):
            for seated in itertools.combinations(range(len(came)), size):
                loss = free - size
                for feature, value, low, high in problem.rows:
                    column = problem.instance.features.index(feature)
                    have = sum(p.features[feature] == value for p in staying)
                    have += sum(problem.types[came[i]][0][column] == value for i in seated)
                    loss += max(0, low - have) + max(0, have - high)
                best = min(best, loss)
        total += best
    return total / len(sampled.stays)


def _every_choice(problem):
    """Every vector of alternates per type within the budget, households apart."""
    ranges = [range(min(slot, problem.budget) + 1) for slot in problem.slots]
    for counts in itertools.product(*ranges):
        if sum(counts) > problem.budget:
            continue
        groups = [problem.types[t][2] for t, c in enumerate(counts) if c]
        grouped = [g for g in groups if g is not None]
        if len(grouped) == len(set(grouped)):
            yield list(counts)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(instance_with_panels())
def test_the_integer_program_matches_brute_force_over_every_set_of_alternates(instance):
    panel = leximin(instance).draw("pick")
    budget = 2
    problem = A._problem(instance, panel, budget, A.StayModel.uniform(0.7))
    sampled = A.sample_scenarios(problem, 12, "brute")
    counts, value, optimal = A._solve(problem, sampled)
    assert optimal
    best = min(A.shortfall(problem, sampled, c) for c in _every_choice(problem))
    assert value == pytest.approx(best, abs=1e-9)
    assert value == pytest.approx(_direct_shortfall(problem, sampled, counts), abs=1e-9)
    # Greedy and swaps never beat the optimum, and greedy never beats the swaps.
    greedy, greedy_value = A._greedy(problem, sampled)
    improved = A._improve(problem, sampled, greedy, greedy_value)
    assert best - 1e-9 <= improved <= greedy_value + 1e-9


def test_alternates_keep_households_apart_and_off_the_panel():
    from minga.sortition.tests.helpers import make_instance

    rows = [(f"p{i}", {"zone": "north" if i % 2 else "south"}) for i in range(12)]
    groups = {f"p{i}": f"h{i // 3}" for i in range(12)}
    instance = make_instance(rows, {"zone": {"north": (2, 2), "south": (2, 2)}}, 4, groups)
    panel = leximin(instance).draw("households")
    chosen = A.choose_alternates(instance, panel, 3, seed="h", scenarios=20)
    house = {pid: groups[pid] for pid, _ in rows}
    assert not set(chosen.ids) & set(panel)
    assert len({house[i] for i in chosen.ids}) == len(chosen.ids)
    assert not {house[i] for i in chosen.ids} & {house[i] for i in panel}


def test_alternates_lower_the_shortfall_on_a_realistic_pool():
    instance = correlated_pool(120, 12, seed=5, slack=0)
    panel = leximin(instance).draw("2026")
    problem = A._problem(instance, panel, 4, A.StayModel.uniform())
    test = A.sample_scenarios(problem, 200, "held out")
    chosen = A.choose_alternates(instance, panel, 4, seed="2026")
    counts = [sum(i in members for i in chosen.ids) for _, members, _ in problem.types]
    without = A.shortfall(problem, test, [0] * len(problem.types))
    assert A.shortfall(problem, test, counts) < 0.7 * without
    again = A.choose_alternates(instance, panel, 4, seed="2026")
    assert again == chosen  # the same seed, the same alternates


def test_the_stay_model_fit_is_the_frequency_of_each_value_when_saturated():
    history = [({"age": "young"}, i % 4 != 0) for i in range(40)]  # 75% stay
    history += [({"age": "old"}, i % 2 == 0) for i in range(20)]  # 50% stay
    model = A.fit_stay_model(history, ["age"])
    assert model.chance({"age": "young"}) == pytest.approx(0.75, abs=1e-4)
    assert model.chance({"age": "old"}) == pytest.approx(0.5, abs=1e-4)


def test_the_stay_model_fit_is_the_likelihoods_maximum():
    rng = random.Random(3)
    truth = A.StayModel(0.9, {"g": {"a": 1.0, "b": 0.7}, "z": {"x": 1.0, "y": 0.8, "w": 0.6}})
    history = []
    for _ in range(3000):
        features = {"g": rng.choice("ab"), "z": rng.choice(["x", "x", "y", "w"])}
        history.append((features, rng.random() < truth.chance(features)))
    model = A.fit_stay_model(history, ["g", "z"])

    def loglik(m):
        total = 0.0
        for features, stayed in history:
            p = min(max(m.chance(features), 1e-12), 1 - 1e-12)
            total += math.log(p if stayed else 1 - p)
        return total

    best = loglik(model)
    for feature, value in [("g", "b"), ("z", "y"), ("z", "w")]:
        for step in (0.97, 1.03):
            factors = {f: dict(v) for f, v in model.factors.items()}
            factors[feature][value] *= step
            assert loglik(A.StayModel(model.base, factors)) <= best + 1e-9
    for step in (0.99, 1.01):
        assert loglik(A.StayModel(model.base * step, model.factors)) <= best + 1e-9
    for g in "ab":  # and it finds the chances the history was made with
        for z in ("x", "y", "w"):
            profile = {"g": g, "z": z}
            assert np.isclose(model.chance(profile), truth.chance(profile), atol=0.05)


def test_the_stay_model_fit_reaches_a_value_where_everyone_stayed():
    history = [({"v": "a"}, i < 70) for i in range(100)]
    history += [({"v": "b"}, True) for _ in range(20)]
    history += [({"v": "c"}, i < 10) for i in range(20)]
    model = A.fit_stay_model(history, ["v"])
    assert model.chance({"v": "a"}) == pytest.approx(0.7, abs=1e-4)
    assert model.chance({"v": "b"}) == pytest.approx(1.0, abs=1e-4)
    assert model.chance({"v": "c"}) == pytest.approx(0.5, abs=1e-4)


def test_a_free_seat_never_goes_to_an_alternate_who_breaks_a_met_quota():
    from minga.sortition.tests.helpers import make_instance

    rows = [(f"f{i}", {"g": "F"}) for i in range(6)] + [(f"m{i}", {"g": "M"}) for i in range(6)]
    instance = make_instance(rows, {"g": {"F": (2, 2), "M": (2, 2)}}, 4)
    # m4 left f1, f3, m3: F is met, M is one short. f2 would break F and not help M.
    assert A.replacement_from(instance, ["f1", "f3", "m3"], ["f2"]) is None
    assert A.replacement_from(instance, ["f1", "f3", "m3"], ["f2", "m5"]) == "m5"
    assert A.replacement_from(instance, ["f1", "m3", "m4"], ["m5", "f2"]) == "f2"


def test_the_chance_of_being_seated_before_the_draw_matches_the_hand_computed_one():
    """Four interchangeable people, one seat, one alternate, each stays with chance s: drawn
    with 1/4, alternate with 1/4 (a third of the other three's 3/4), and an alternate sits when
    the drawn one leaves and they stay, so the chance is s/4 + s(1-s)/4."""
    from minga.sortition.tests.helpers import make_instance

    rows = [(f"p{i}", {"g": "a"}) for i in range(4)]
    instance = make_instance(rows, {"g": {"a": (0, 1)}}, 1)
    stay = A.StayModel.uniform(0.8)
    chances = A.seated_before_draw(leximin(instance), instance, 1, stay, seed="x")
    expected = 0.8 / 4 + 0.8 * 0.2 / 4
    assert chances == pytest.approx(dict.fromkeys(chances, expected), abs=0.01)


def test_before_the_draw_nobody_is_seated_beyond_the_seats_and_everyone_keeps_their_drawn_part():
    instance = correlated_pool(60, 6, seed=5, slack=0)
    distribution = leximin(instance)
    probabilities = distribution.probabilities()
    stay = A.StayModel.uniform(0.7)
    chances = A.seated_before_draw(distribution, instance, 3, stay, seed="s", panels=6)
    assert set(chances) == set(probabilities)
    assert all(probabilities[i] * 0.7 - 1e-12 <= chances[i] <= 1 for i in chances)
    assert sum(chances.values()) <= instance.seats + 1e-9
    assert sum(chances.values()) > instance.seats * 0.7  # alternates do fill some seats
    for kind in distribution.types:  # interchangeable people, the same chance
        assert len({round(chances[m], 12) for m in kind.members}) == 1
    again = A.seated_before_draw(distribution, instance, 3, stay, seed="s", panels=6)
    assert again == chances  # from the seed: anyone can re-run it
    # Nobody declines: alternates are never called, and the chance is the drawn one.
    everyone = A.seated_before_draw(
        distribution, instance, 3, A.StayModel.uniform(1.0), seed="s", panels=2
    )
    assert everyone == pytest.approx(probabilities, abs=1e-12)


def test_a_draw_by_numbered_panels_takes_its_chances_from_the_table():
    from minga.sortition.engine.lottery import round_distribution

    instance = correlated_pool(60, 6, seed=5, slack=0)
    distribution = leximin(instance)
    lottery = round_distribution(distribution, 10)  # coarse: far from the distribution
    kept = A.seated_before_draw(
        distribution,
        instance,
        2,
        A.StayModel.uniform(1.0),
        seed="s",
        panels=3,
        lottery=lottery.rows,
        lottery_probabilities=lottery.probabilities,
    )
    assert kept == pytest.approx(lottery.probabilities, abs=1e-12)
    assert kept != pytest.approx(distribution.probabilities(), abs=1e-3)
    stay = A.StayModel.uniform(0.5)
    chances = A.seated_before_draw(
        distribution,
        instance,
        2,
        stay,
        seed="s",
        panels=3,
        lottery=lottery.rows,
        lottery_probabilities=lottery.probabilities,
    )
    on_a_row = {m for row in lottery.rows for m in row}
    assert all(chances[m] >= 0.5 * lottery.probabilities[m] - 1e-12 for m in on_a_row)
