from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.sortition.engine import leximin as leximin_module
from minga.sortition.engine.diagnosis import InfeasibleQuotas
from minga.sortition.engine.draw import Distribution
from minga.sortition.engine.leximin import Reporter, leximin, peel, relaxation_leximin, staged
from minga.sortition.engine.model import build_types, panel_violations
from minga.sortition.engine.pricing import PanelSearch
from minga.sortition.engine.synthetic import correlated_pool, minority_pool
from minga.sortition.tests.helpers import (
    all_panels,
    brute_force_leximin,
    make_instance,
    staged_case,
)


@st.composite
def small_instances(draw):
    size = draw(st.integers(4, 8))
    seats = draw(st.integers(1, min(4, size - 1)))
    genders = draw(st.lists(st.sampled_from("ab"), min_size=size, max_size=size))
    ages = draw(st.lists(st.sampled_from("xyz"), min_size=size, max_size=size))
    rows = [
        (f"p{i}", {"g": g, "age": a}) for i, (g, a) in enumerate(zip(genders, ages, strict=False))
    ]
    quotas: dict[str, dict[str, tuple[int, int]]] = {"g": {}, "age": {}}
    for feature, values in (("g", "ab"), ("age", "xyz")):
        for value in values:
            low = draw(st.integers(0, 2))
            quotas[feature][value] = (low, low + draw(st.integers(0, 3)))
    use_groups = draw(st.booleans())
    groups = {f"p{i}": f"h{i // 2}" for i in range(size)} if use_groups else None
    return make_instance(rows, quotas, seats, groups)


def instance_with_panels():
    return small_instances().filter(lambda inst: len(all_panels(inst)) > 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(instance_with_panels())
def test_leximin_matches_brute_force_over_all_panels(instance):
    distribution = leximin(instance)
    probabilities = distribution.probabilities()
    got = np.array(sorted(probabilities.values()))
    expected = brute_force_leximin(instance)
    assert np.allclose(got, expected, atol=1e-6), (got, expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(instance_with_panels(), st.text(max_size=8))
def test_every_support_panel_meets_quotas_and_groups_and_probabilities_sum_to_seats(instance, seed):
    distribution = leximin(instance)
    probabilities = distribution.probabilities()
    assert sum(probabilities.values()) == pytest.approx(instance.seats, abs=1e-9)
    assert set(probabilities) == {p.id for p in instance.people}
    for counts, weight in distribution.panels:
        assert weight > 0
        assert sum(counts) == instance.seats
        # any choice of members within the types gives a valid panel: check the first ones
        panel = [m for t, c in zip(distribution.types, counts, strict=False) for m in t.members[:c]]
        assert panel_violations(instance, panel) == []
    drawn = distribution.draw(seed)
    assert panel_violations(instance, drawn) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(instance_with_panels(), st.text(max_size=8))
def test_peeling_on_small_pools_also_matches_brute_force_and_meets_the_quotas(instance, seed):
    """Small pools decompose without peeling; forced to peel, they must give the same
    optimum, and every panel and draw must still meet the quotas and groups."""
    with mock.patch.object(leximin_module, "PEEL_FROM_TYPES", 0):
        distribution = leximin(instance)
    got = np.array(sorted(distribution.probabilities().values()))
    assert np.allclose(got, brute_force_leximin(instance), atol=1e-6), got
    for counts, _weight in distribution.panels:
        panel = [m for t, c in zip(distribution.types, counts, strict=False) for m in t.members[:c]]
        assert panel_violations(instance, panel) == []
    assert panel_violations(instance, distribution.draw(seed)) == []


def test_a_forced_minority_pool_is_peeled_and_agrees_with_the_classic_method():
    """Quotas that force a minority's over-representation (the benchmark's hard family): peeling
    writes the relaxation's point as panels, the master needs a single solve, and everyone's
    probability is the one the classic staged column generation finds."""
    instance = minority_pool(300, 20, seed=3)
    stats: dict[str, int | str] = {}
    fast = leximin(instance, stats=stats)
    assert int(stats["types"]) > leximin_module.PEEL_FROM_TYPES
    assert int(stats["peeled"]) > 0 and stats["decomposition_lp_solves"] == 1
    search = PanelSearch(build_types(instance))
    first = search.solve(1.0 / search.sizes)
    assert first is not None
    classic = Distribution.build(
        algorithm="leximin",
        instance=instance,
        types=search.typed.types,
        panels=staged(search, [first[0]], {}, Reporter(None, len(instance.people))),
    ).probabilities()
    probabilities = fast.probabilities()
    assert max(abs(probabilities[pid] - classic[pid]) for pid in classic) < 1e-6
    assert min(probabilities.values()) < instance.seats / len(instance.people)  # it is hard
    for counts, _weight in fast.panels:
        panel = [m for t, c in zip(fast.types, counts, strict=False) for m in t.members[:c]]
        assert panel_violations(instance, panel) == []


def test_peeling_keeps_to_the_targets_face_and_mixes_back_to_it():
    instance = correlated_pool(400, 24, seed=2, slack=0)
    typed = build_types(instance)
    target = relaxation_leximin(PanelSearch(typed), {}, Reporter(None, 400))
    assert target is not None
    face = PanelSearch(typed, face=target)
    bounds = (face.lower.copy(), face.upper.copy(), face.col_lower.copy(), face.col_upper.copy())
    peeled = peel(face, target)
    assert len(peeled) > 1
    total = sum(weight for _panel, weight in peeled)
    assert total == pytest.approx(1.0, abs=1e-9)
    mixed = sum(weight * np.array(panel) for panel, weight in peeled) / total
    assert np.abs(mixed - target).max() < 1e-8
    for panel, _weight in peeled:
        counts = np.array(panel)
        activity = np.concatenate([[counts.sum()], face.rows.matrix @ counts])
        assert (activity >= bounds[0] - 1e-9).all() and (activity <= bounds[1] + 1e-9).all()
        assert (counts >= bounds[2]).all() and (counts <= bounds[3]).all()
    # the search is left on the target's face, for the master's pricing
    assert all(
        np.array_equal(a, b)
        for a, b in zip(
            bounds, (face.lower, face.upper, face.col_lower, face.col_upper), strict=True
        )
    )


def test_when_the_relaxations_leximin_is_out_of_reach_the_staged_method_finds_the_optimum():
    instance = staged_case()
    stats: dict[str, int | str] = {}
    probabilities = leximin(instance, stats=stats).probabilities()
    assert stats["method"] == "staged"
    got = np.array(sorted(probabilities.values()))
    assert np.allclose(got, brute_force_leximin(instance), atol=1e-6)


@pytest.mark.parametrize("slack", [0, None])
def test_the_relaxation_path_agrees_with_the_classic_staged_column_generation(slack):
    instance = correlated_pool(150, 15, seed=4, slack=slack)
    stats: dict[str, int | str] = {}
    fast = leximin(instance, stats=stats).probabilities()
    assert stats["method"] == "relaxation"
    search = PanelSearch(build_types(instance))
    first = search.solve(1.0 / search.sizes)
    assert first is not None
    panels = staged(search, [first[0]], {}, Reporter(None, len(instance.people)))
    classic = Distribution.build(
        algorithm="leximin", instance=instance, types=search.typed.types, panels=panels
    ).probabilities()
    assert np.allclose(sorted(fast.values()), sorted(classic.values()), atol=1e-6)
    assert max(abs(fast[pid] - classic[pid]) for pid in fast) < 1e-6  # the same people, too


def test_infeasible_quotas_raise_with_a_diagnosis():
    rows = [(f"p{i}", {"g": "a" if i < 3 else "b"}) for i in range(6)]
    instance = make_instance(rows, {"g": {"a": (3, 3), "b": (3, 3)}}, 4)
    with pytest.raises(InfeasibleQuotas) as caught:
        leximin(instance)
    assert caught.value.diagnosis.total_change == 2


def test_people_of_one_type_get_the_same_probability_and_the_minimum_beats_uniform_panels():
    instance = correlated_pool(120, 12, seed=3)
    distribution = leximin(instance)
    probabilities = distribution.probabilities()
    for person_type in build_types(instance).types:
        values = {probabilities[m] for m in person_type.members}
        assert len(values) == 1
    assert min(probabilities.values()) > 0.05
    assert sum(probabilities.values()) == pytest.approx(12)


def test_progress_reports_reach_the_whole_pool():
    instance = correlated_pool(60, 6, seed=2)
    seen = []
    leximin(instance, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (60, 60)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
