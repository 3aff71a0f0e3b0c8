import dataclasses
import hashlib
import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minga.sortition.engine.draw import Distribution, RandomStream
from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.model import Instance
from minga.sortition.tests.helpers import make_instance


def small():
    rows = [
        (f"p{i}", {"g": "ab"[i % 2], "age": "xyz"[(i * 7) % 3], "r": "nm"[i % 5 == 0]})
        for i in range(12)
    ]
    quotas = {
        "g": {"a": (2, 2), "b": (2, 2)},
        "age": {"x": (1, 2), "y": (1, 2), "z": (0, 2)},
        "r": {"n": (1, 4), "m": (1, 1)},
    }
    return make_instance(rows, quotas, 4)


def test_hash_is_sha256_of_the_canonical_json_and_ignores_input_order():
    instance = small()
    first = leximin(instance)
    shuffled = list(instance.people)
    random.Random(5).shuffle(shuffled)
    second = leximin(dataclasses.replace(instance, people=tuple(shuffled)))
    assert first.sha256() == hashlib.sha256(first.canonical_json()).hexdigest()
    assert first.canonical_json() == second.canonical_json()
    data = json.loads(first.canonical_json())
    assert data["procedure"] == "minga-sortition-draw-v1"
    assert sum(p["weight"] for p in data["panels"]) == pytest.approx(
        10**12, abs=len(data["panels"])
    )


def test_same_seed_same_panel_and_different_seeds_vary():
    distribution = leximin(small())
    assert distribution.draw("meeting 2026-03-01: 4812") == distribution.draw(
        "meeting 2026-03-01: 4812"
    )
    panels = {tuple(distribution.draw(str(seed))) for seed in range(40)}
    assert len(panels) >= len(distribution.panels) > 1  # every panel of the support, at least


def test_draws_follow_the_computed_probabilities():
    """Chi-square goodness of fit over people with a fixed set of seeds and a loose bound."""
    distribution = leximin(small())
    probabilities = distribution.probabilities()
    runs = 3000
    hits = dict.fromkeys(probabilities, 0)
    for seed in range(runs):
        for pid in distribution.draw(f"s{seed}"):
            hits[pid] += 1
    chi_square = sum(
        (hits[pid] - runs * p) ** 2 / (runs * p) for pid, p in probabilities.items() if p > 0
    )
    # 12 people, about 11 degrees of freedom: the 99.9% quantile is about 31.
    assert chi_square < 40, (chi_square, hits, probabilities)
    assert all(hits[pid] == 0 for pid, p in probabilities.items() if p == 0)


def test_draw_picks_panels_in_proportion_to_their_integer_weights():
    instance: Instance = small()
    base = leximin(instance)
    counts_a, counts_b = base.panels[0][0], base.panels[-1][0]
    skewed = dataclasses.replace(base, panels=((counts_a, 3), (counts_b, 1)))
    chosen = [tuple(skewed.draw(str(s))) for s in range(800)]
    from_a = sum(
        1
        for panel in chosen
        if all(
            sum(1 for m in t.members if m in panel) == c
            for t, c in zip(skewed.types, counts_a, strict=False)
        )
    )
    assert 520 < from_a < 680  # expected 600


@given(st.integers(1, 10**6), st.text(max_size=10))
def test_random_stream_is_uniform_in_range_and_reproducible(bound, text):
    a, b = RandomStream(text), RandomStream(text)
    values = [a.below(bound) for _ in range(5)]
    assert values == [b.below(bound) for _ in range(5)]
    assert all(0 <= v < bound for v in values)


def test_random_stream_matches_the_documented_procedure():
    stream = RandomStream("seed")
    key = hashlib.sha256(b"seed").digest()
    block = int.from_bytes(hashlib.sha256(key + (0).to_bytes(8, "big")).digest(), "big")
    assert stream.below(1000) == block % 1000


def test_distribution_rounds_weights_to_integer_units():
    instance = small()
    distribution = leximin(instance)
    rebuilt = Distribution.build(
        algorithm="leximin",
        instance=instance,
        types=list(distribution.types),
        panels=[(c, w / 10**12) for c, w in distribution.panels],
    )
    assert rebuilt.sha256() == distribution.sha256()
