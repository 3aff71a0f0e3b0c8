"""The number of panels that meet the quotas, counted by dynamic programming over types,
equals the enumeration of every panel on small pools, households included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from minga.sortition.engine.counting import count_panels, support_lower_bound
from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.synthetic import correlated_pool
from minga.sortition.tests.helpers import all_panels, make_instance

pools = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"])), min_size=3, max_size=9
)


@settings(max_examples=40, deadline=None)
@given(
    people=pools,
    seats=st.integers(1, 4),
    spread=st.integers(0, 2),
    households=st.lists(st.integers(0, 3), max_size=9),
)
def test_the_count_equals_the_enumeration(people, seats, spread, households):
    rows = [(f"p{i}", {"zone": zone, "age": age}) for i, (zone, age) in enumerate(people)]
    # A share of the seats per value, with some room either side.
    quotas = {
        "zone": {v: (max(0, seats // 3 - spread), seats // 3 + 1 + spread) for v in "abc"},
        "age": {v: (max(0, seats // 2 - spread), seats) for v in "xy"},
    }
    groups = {f"p{i}": f"h{h}" for i, h in enumerate(households[: len(people)]) if h > 0}
    instance = make_instance(rows, quotas, seats, groups)
    assert count_panels(instance).exact == len(all_panels(instance))


def test_a_pool_of_sixty_counts_at_once_and_its_support_is_a_lower_bound():
    instance = correlated_pool(60, 6, seed=11, slack=0)
    counted = count_panels(instance)
    assert counted.exact is not None and counted.exact > 0
    distribution = leximin(instance)
    bound = support_lower_bound(
        [t.size for t in distribution.types], [c for c, _w in distribution.panels]
    )
    assert 0 < bound <= counted.exact


def test_past_its_budget_the_count_gives_its_reason_and_the_bound():
    instance = correlated_pool(200, 20, seed=1, slack=0)
    counted = count_panels(instance, max_states=50, lower_bound=12)
    assert counted.exact is None and counted.lower_bound == 12 and counted.reason
