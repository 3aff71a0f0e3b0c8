import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

KEYS = [
    "panel",
    "probabilities",
    "min_probability",
    "algorithm",
    "seed",
    "distribution_sha256",
    "seconds",
]


def run(*args):
    out = StringIO()
    call_command("sortition", *args, stdout=out)
    return out.getvalue()


def files_args(pool_files, seed="4711"):
    people, features = pool_files
    return ["--people", str(people), "--features", str(features), "--seats", "6", "--seed", seed]


def test_draw_prints_exactly_the_documented_json(pool_files):
    result = json.loads(run("draw", *files_args(pool_files), "--json"))
    assert list(result) == KEYS
    assert len(result["panel"]) == 6 and result["panel"] == sorted(result["panel"])
    assert result["algorithm"] == "leximin" and result["seed"] == "4711"
    assert sum(result["probabilities"].values()) == pytest.approx(6)
    assert result["min_probability"] == min(result["probabilities"].values())
    assert len(result["distribution_sha256"]) == 64
    assert result["seconds"] >= 0


def test_legacy_algorithm_draws_too(pool_files):
    result = json.loads(run("draw", *files_args(pool_files), "--algorithm", "legacy", "--json"))
    assert list(result) == KEYS and result["algorithm"] == "legacy"
    assert len(result["panel"]) == 6


def test_verify_accepts_the_drawn_panel_and_rejects_another(pool_files):
    result = json.loads(run("draw", *files_args(pool_files), "--json"))
    panel = result["panel"]
    assert "OK" in run("verify", *files_args(pool_files), "--panel", ",".join(reversed(panel)))
    other = sorted(set(result["probabilities"]) - set(panel))[0]
    with pytest.raises(CommandError, match="Not the drawn panel"):
        run("verify", *files_args(pool_files), "--panel", ",".join([*panel[1:], other]))
    with pytest.raises(CommandError):
        run("verify", *files_args(pool_files, seed="4712"), "--panel", ",".join(panel))


def test_verify_replays_declines_in_order(pool_files):
    from minga.sortition.engine.csvio import load_instance
    from minga.sortition.engine.leximin import leximin
    from minga.sortition.engine.replacement import replace

    people, features = pool_files
    result = json.loads(run("draw", *files_args(pool_files), "--json"))
    drawn = result["panel"]
    declined = [drawn[0], drawn[3]]
    # The expected final panel, one replacement at a time as the platform records them.
    instance = load_instance(people, features, 6)
    distribution = leximin(instance)
    current = list(drawn)
    for round_, member in enumerate(declined, start=1):
        kept = [m for m in current if m != member]
        found = replace(
            instance=instance,
            distribution=distribution,
            distribution_sha256=result["distribution_sha256"],
            seed="4711",
            round=round_,
            declined=member,
            kept=kept,
            excluded=declined[:round_],
        )
        assert found.member_id is not None and found.member_id not in declined
        current = sorted([*kept, found.member_id])
    final = ",".join(current)
    out = run("verify", *files_args(pool_files), "--panel", final, "--declined", ",".join(declined))
    assert "OK" in out and "after 2 decline(s)" in out
    # The same declines in the other order, or the first panel, do not verify.
    with pytest.raises(CommandError, match="after the declines"):
        run("verify", *files_args(pool_files), "--panel", final, "--declined", ",".join(drawn[:1]))
    with pytest.raises(CommandError, match="Not the drawn panel"):
        run("verify", *files_args(pool_files), "--panel", ",".join(drawn), "--declined", drawn[0])
    with pytest.raises(CommandError, match="is not on the panel"):
        run("verify", *files_args(pool_files), "--panel", final, "--declined", current[0] + "x")


def test_infeasible_quotas_exit_with_the_diagnosis(tmp_path):
    people = tmp_path / "people.csv"
    features = tmp_path / "features.csv"
    people.write_text("id,gender\n1,f\n2,f\n3,m\n4,m\n", encoding="utf-8")
    features.write_text("feature,value,min,max\ngender,f,3,3\ngender,m,0,2\n", encoding="utf-8")
    args = ["--people", str(people), "--features", str(features), "--seats", "3", "--seed", "1"]
    out = StringIO()
    with pytest.raises(CommandError, match=r"gender=f: minimum 3 but only 2") as caught:
        call_command("sortition", "draw", *args, "--json", stdout=out)
    assert "min 3 -> 2" in str(caught.value)
    assert json.loads(out.getvalue())["diagnosis"]["relaxations"][0]["new_min"] == 2


def test_bad_csv_names_the_row(tmp_path, pool_files):
    _, features = pool_files
    people = tmp_path / "bad.csv"
    people.write_text("id,gender,age,region,education,area\n1,robot,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2"):
        run(
            "draw",
            "--people",
            str(people),
            "--features",
            str(features),
            "--seats",
            "1",
            "--seed",
            "1",
        )


def test_same_output_under_different_hash_seeds(pool_files):
    """Runs the real `minga` entry point in fresh interpreters with different PYTHONHASHSEED."""
    outputs = []
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "minga.cli",
                "sortition",
                "draw",
                *files_args(pool_files),
                "--json",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=120,
        )
        result = json.loads(completed.stdout)
        del result["seconds"]
        outputs.append(result)
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_pool_file_over_the_upload_limit_is_refused_before_it_is_read(pool_files, settings):
    people, _features = pool_files
    settings.MINGA_MAX_UPLOAD_BYTES = people.stat().st_size - 1
    with pytest.raises(CommandError) as failure:
        run("draw", *files_args(pool_files), "--json")
    assert f"{people.name} is " in str(failure.value)
    assert "larger than the" in str(failure.value)
