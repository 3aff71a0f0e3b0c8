"""The transparent lottery: the LEXIMIN distribution rounded to m numbered panels. Every row
meets the quotas, the reported probabilities are the counts over m, nobody's probability moves
by more than the method's bound k/m, and `verify --lottery` accepts the drawn row only."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.sortition.engine.draw import RandomStream
from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.lottery import (
    PROCEDURE,
    number_from_seed,
    read_table,
    round_distribution,
)
from minga.sortition.engine.model import panel_violations
from minga.sortition.engine.synthetic import correlated_pool
from minga.sortition.tests.helpers import make_instance

KEYS = ["panels", "lottery_sha256", "max_change", "probabilities", "seconds"]


def _counts(rows):
    seen: dict[str, int] = {}
    for row in rows:
        for person in row:
            seen[person] = seen.get(person, 0) + 1
    return seen


@pytest.mark.parametrize(("size", "seats", "panels"), [(60, 6, 1000), (60, 6, 10), (120, 12, 100)])
def test_every_row_meets_the_quotas_and_the_change_stays_within_k_over_m(size, seats, panels):
    instance = correlated_pool(size, seats, seed=11, slack=0)
    distribution = leximin(instance)
    lottery = round_distribution(distribution, panels)
    assert lottery.panels == panels
    assert all(not panel_violations(instance, list(row)) for row in lottery.rows)
    counts = _counts(lottery.rows)
    exact = distribution.probabilities()
    for person, probability in lottery.probabilities.items():
        assert probability == counts.get(person, 0) / panels  # the counts over m, exactly
    measured = max(abs(counts.get(p, 0) / panels - exact[p]) for p in exact)
    assert lottery.max_change == measured
    assert measured <= seats / panels + 1e-12  # Beck–Fiala's bound


def test_households_keep_their_rule_in_every_row():
    rows = [(f"p{i}", {"zone": "north" if i % 2 else "south"}) for i in range(10)]
    groups = {"p0": "h1", "p1": "h1", "p2": "h2", "p3": "h2", "p4": "h2"}
    instance = make_instance(rows, {"zone": {"north": (2, 2), "south": (2, 2)}}, 4, groups)
    lottery = round_distribution(leximin(instance), 100)
    for row in lottery.rows:
        assert not panel_violations(instance, list(row))
        assert len({groups.get(p, p) for p in row}) == len(row)


@settings(max_examples=15, deadline=None)
@given(
    north=st.integers(2, 6),
    south=st.integers(2, 6),
    seats=st.integers(2, 4),
    panels=st.sampled_from([3, 7, 10, 100]),
)
def test_any_small_pool_rounds_within_the_bound(north, south, seats, panels):
    rows = [(f"n{i}", {"zone": "north"}) for i in range(north)]
    rows += [(f"s{i}", {"zone": "south"}) for i in range(south)]
    low = max(0, seats - south)
    high = min(seats, north)
    instance = make_instance(rows, {"zone": {"north": (low, high), "south": (0, seats)}}, seats)
    distribution = leximin(instance)
    lottery = round_distribution(distribution, panels)
    assert all(not panel_violations(instance, list(row)) for row in lottery.rows)
    assert lottery.max_change <= seats / panels + 1e-12


def test_the_table_is_numbered_and_hashed_over_its_exact_bytes():
    lottery = round_distribution(leximin(correlated_pool(60, 6, seed=11)), 1000)
    data = lottery.csv_bytes()
    lines = data.decode().split("\n")
    assert lines[0] == "number,member_1,member_2,member_3,member_4,member_5,member_6"
    assert lines[1].startswith("000,") and lines[1000].startswith("999,")
    assert lottery.sha256() == hashlib.sha256(data).hexdigest()
    table = read_table(data)
    assert [ids for _number, ids in table] == list(lottery.rows)


def test_the_same_inputs_give_the_same_table():
    first = round_distribution(leximin(correlated_pool(60, 6, seed=11)), 1000)
    again = round_distribution(leximin(correlated_pool(60, 6, seed=11)), 1000)
    assert first.sha256() == again.sha256()


def test_the_seeds_number_is_the_documented_stream():
    digest = "ab" * 32
    expected = RandomStream(f"{PROCEDURE}\n{digest}\n2026-12-05").below(1000)
    assert number_from_seed(digest, "2026-12-05", 1000) == expected
    assert 0 <= expected < 1000


def _run(*args: str) -> str:
    out = StringIO()
    call_command("sortition", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_table_and_prints_the_contract(pool_files, tmp_path):
    people, features = pool_files
    out = tmp_path / "lottery.csv"
    result = json.loads(
        _run(
            "lottery",
            "--people", str(people),
            "--features", str(features),
            "--seats", "6",
            "--panels", "100",
            "--out", str(out),
            "--json",
        )
    )  # fmt: skip
    assert list(result) == KEYS
    assert result["panels"] == 100
    assert result["lottery_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    counts = _counts(ids for _n, ids in read_table(out.read_bytes()))
    assert result["probabilities"] == {p: counts.get(p, 0) / 100 for p in result["probabilities"]}
    assert result["max_change"] <= 6 / 100
    # verify accepts the drawn row, and refuses any other panel or a changed table.
    table = read_table(out.read_bytes())
    number, panel = table[42]
    ok = _run("verify", "--lottery", str(out), "--number", number, "--panel", ",".join(panel))
    assert ok.startswith("OK")
    assert _run("verify", "--lottery", str(out), "--number", "42", "--panel", ",".join(panel))
    others = [ids for _n, ids in table if ids != panel]
    with pytest.raises(CommandError, match="Not that row"):
        _run("verify", "--lottery", str(out), "--number", number, "--panel", ",".join(others[0]))
    with pytest.raises(CommandError):
        _run("verify", "--lottery", str(out), "--number", "100", "--panel", ",".join(panel))
    changed = out.read_bytes().replace(f"\n{number},".encode(), f"\n{number}, ".encode())
    assert changed != out.read_bytes()
    out.write_bytes(changed)
    with pytest.raises(CommandError, match="SHA-256"):
        _run("verify", "--lottery", str(out), "--number", number, "--panel", ",".join(panel))


def test_verify_needs_the_published_hash(pool_files, tmp_path):
    people, features = pool_files
    out = tmp_path / "lottery.csv"
    args = ["--people", str(people), "--features", str(features), "--seats", "6"]
    _run("lottery", *args, "--panels", "10", "--out", str(out))
    digest = (tmp_path / "lottery.csv.sha256").read_text().split()[0]
    (tmp_path / "lottery.csv.sha256").unlink()
    _number, panel = read_table(out.read_bytes())[3]
    with pytest.raises(CommandError, match="published SHA-256"):
        _run("verify", "--lottery", str(out), "--number", "3", "--panel", ",".join(panel))
    verified = _run(
        "verify", "--lottery", str(out), "--number", "3", "--panel", ",".join(panel),
        "--sha256", digest,
    )  # fmt: skip
    assert verified.startswith("OK")
