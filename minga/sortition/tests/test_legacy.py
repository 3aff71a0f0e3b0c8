import pytest

from minga.sortition.engine.diagnosis import InfeasibleQuotas
from minga.sortition.engine.legacy import legacy_draw
from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.model import panel_violations
from minga.sortition.engine.synthetic import correlated_pool
from minga.sortition.tests.helpers import make_instance


def test_legacy_panel_meets_quotas_and_is_reproducible():
    instance = correlated_pool(80, 8, seed=4)
    panel, probabilities = legacy_draw(instance, "9", runs=200)
    assert panel_violations(instance, panel) == []
    assert legacy_draw(instance, "9", runs=200) == (panel, probabilities)
    assert sum(probabilities.values()) == pytest.approx(8)


def test_legacy_respects_groups():
    rows = [(f"p{i}", {"g": "ab"[i % 2]}) for i in range(10)]
    groups = {f"p{i}": f"h{i // 2}" for i in range(10)}
    instance = make_instance(rows, {"g": {"a": (1, 3), "b": (1, 3)}}, 4, groups)
    for seed in range(20):
        panel, _ = legacy_draw(instance, str(seed), runs=20)
        assert panel_violations(instance, panel) == []


def test_leximin_minimum_is_at_least_the_legacy_minimum():
    instance = correlated_pool(100, 10, seed=6)
    _, simulated = legacy_draw(instance, "1", runs=300)
    assert min(leximin(instance).probabilities().values()) >= min(simulated.values()) - 1e-9


def test_legacy_reports_infeasible_quotas():
    rows = [(f"p{i}", {"g": "a"}) for i in range(5)]
    with pytest.raises(InfeasibleQuotas):
        legacy_draw(make_instance(rows, {"g": {"a": (4, 5)}}, 3), "1", runs=10)
