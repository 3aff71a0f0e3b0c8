from minga.sortition.engine.diagnosis import diagnose
from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.model import panel_violations
from minga.sortition.tests.helpers import make_instance


def test_feasible_quotas_have_no_diagnosis():
    rows = [(f"p{i}", {"g": "ab"[i % 2]}) for i in range(6)]
    assert diagnose(make_instance(rows, {"g": {"a": (1, 3), "b": (1, 3)}}, 4)) is None


def test_minimums_above_the_seats_are_named_with_the_smallest_relaxation():
    rows = [(f"p{i}", {"g": "ab"[i % 2], "age": "xy"[i % 3 == 0]}) for i in range(10)]
    quotas = {"g": {"a": (3, 5), "b": (3, 5)}, "age": {"x": (0, 5), "y": (0, 5)}}
    diagnosis = diagnose(make_instance(rows, quotas, 5))
    assert diagnosis is not None
    assert any("minimums add up to 6" in c for c in diagnosis.conflicts)
    assert diagnosis.total_change == 1
    (change,) = diagnosis.relaxations
    assert change.feature == "g" and change.new_min == 2
    assert "g=" in diagnosis.message()


def test_minimum_above_what_the_pool_has():
    rows = [(f"p{i}", {"g": "a" if i < 2 else "b"}) for i in range(8)]
    diagnosis = diagnose(make_instance(rows, {"g": {"a": (3, 4), "b": (0, 4)}}, 4))
    assert diagnosis is not None
    assert any("minimum 3 but only 2" in c for c in diagnosis.conflicts)
    assert [(r.value, r.new_min) for r in diagnosis.relaxations] == [("a", 2)]


def test_quotas_that_conflict_across_features_and_the_relaxed_quotas_are_feasible():
    # every "a" is "x": a needs 3, x allows 1
    rows = [(f"p{i}", {"g": "a" if i < 4 else "b", "age": "x" if i < 4 else "y"}) for i in range(8)]
    quotas = {"g": {"a": (3, 4), "b": (0, 4)}, "age": {"x": (0, 1), "y": (0, 4)}}
    instance = make_instance(rows, quotas, 4)
    diagnosis = diagnose(instance)
    assert diagnosis is not None and diagnosis.total_change == 2
    relaxed = {f: dict(v) for f, v in quotas.items()}
    for r in diagnosis.relaxations:
        relaxed[r.feature][r.value] = (r.new_min, r.new_max)
    fixed = make_instance(rows, relaxed, 4)
    distribution = leximin(fixed)
    assert panel_violations(fixed, distribution.draw("1")) == []


def test_pool_smaller_than_the_seats_cannot_be_fixed_by_quotas():
    rows = [(f"p{i}", {"g": "a"}) for i in range(3)]
    diagnosis = diagnose(make_instance(rows, {"g": {"a": (0, 5)}}, 4))
    assert diagnosis is not None and diagnosis.total_change is None
    assert "3 people for 4 seats" in diagnosis.message()


def test_groups_limit_the_panel():
    rows = [(f"p{i}", {"g": "a"}) for i in range(4)]
    groups = {"p0": "h", "p1": "h", "p2": "h", "p3": "k"}
    diagnosis = diagnose(make_instance(rows, {"g": {"a": (0, 4)}}, 3, groups))
    assert diagnosis is not None and diagnosis.total_change is None
    assert any("only 2 groups" in c for c in diagnosis.conflicts)
