"""Files that worked before the field's other layouts were accepted draw exactly as before.

The hashes and panels below were computed before issue #11's changes to the CSV reading; a
change here means a published draw no longer verifies."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

FILES = Path(__file__).parent / "fixtures" / "regression"
SEED = "Asamblea 2025"

PINNED = {
    ("leximin", ""): (
        "3ad07fba8f1a83c13dd81545e534bde7b12cd5dcf03b573bc7d052ab05676486",
        ["r001", "r003", "r013", "r037", "r038", "r042"],
    ),
    ("leximin", "house"): (
        "2dfb90dbdd5d95d3b35f2dbf69ce715bab659f9ef7f6dcc88456ac68220ccea6",
        ["r001", "r004", "r015", "r033", "r040", "r046"],
    ),
    ("legacy", "house"): (
        "6c59a393c7603184f1fd88059fe60532f9c768752420f8b40ebe0b497736d194",
        ["r005", "r012", "r024", "r028", "r040", "r045"],
    ),
}


def files_args(group_by: str) -> list[str]:
    args = ["--people", str(FILES / "people.csv"), "--features", str(FILES / "features.csv")]
    args += ["--seats", "6", "--seed", SEED]
    return [*args, "--group-by", group_by] if group_by else args


@pytest.mark.parametrize(("algorithm", "group_by"), list(PINNED))
def test_an_existing_format_file_draws_the_pinned_hash_and_panel(algorithm, group_by):
    out = StringIO()
    call_command(
        "sortition", "draw", *files_args(group_by), "--algorithm", algorithm, "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    assert (result["distribution_sha256"], result["panel"]) == PINNED[(algorithm, group_by)]
    out = StringIO()
    panel = ",".join(result["panel"])
    call_command(
        "sortition",
        "verify",
        *files_args(group_by),
        "--algorithm",
        algorithm,
        "--panel",
        panel,
        stdout=out,
    )
    assert out.getvalue().startswith("OK: the panel is the one drawn")


def _cli_draw(people: Path, features: Path, group_by: str) -> dict[str, Any]:
    out = StringIO()
    args = ["--people", str(people), "--features", str(features), "--seats", "6"]
    args += ["--seed", SEED, *(["--group-by", group_by] if group_by else []), "--json"]
    call_command("sortition", "draw", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.mark.parametrize("group_by", ["", "house"])
def test_the_platform_draws_what_its_published_files_draw(
    world, django_capture_on_commit_callbacks, client_as, tmp_path, group_by
):
    """Without households, the platform draws the pinned hash and panel of the same files.
    With them, the platform keeps only a hashed household key (#17's upload privacy), so the
    hash differs from the original files': its own published files reproduce it, and everyone's
    probability is the one the original files give."""
    from minga.sortition import actions

    draw = actions.create_draw(
        actor=world.coordinator,
        network=world.network,
        title="Regresión",
        seats=6,
        group_by=group_by,
        people_csv=(FILES / "people.csv").read_text(encoding="utf-8"),
        features_csv=(FILES / "features.csv").read_text(encoding="utf-8"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.compute(actor=world.coordinator, draw=draw)
    draw.refresh_from_db()
    actions.publish(actor=world.coordinator, draw=draw)
    actions.fix_seed(actor=world.coordinator, draw=draw, seed=SEED)
    actions.draw_panel(actor=world.coordinator, draw=draw)
    draw.refresh_from_db()
    if not group_by:
        assert (draw.distribution_sha256, draw.panel) == PINNED[("leximin", "")]
        return
    client = client_as(world.member)
    for name in ("people.csv", "features.csv"):
        body = client.get(f"/n/red/sortition/{draw.pk}/{name}").content
        (tmp_path / name).write_bytes(body)
    published = _cli_draw(tmp_path / "people.csv", tmp_path / "features.csv", draw.group_by)
    assert (published["distribution_sha256"], published["panel"]) == (
        draw.distribution_sha256,
        draw.panel,
    )
    original = _cli_draw(FILES / "people.csv", FILES / "features.csv", "house")
    assert original["distribution_sha256"] == PINNED[("leximin", "house")][0]
    assert published["probabilities"] == pytest.approx(original["probabilities"], abs=1e-7)


def test_the_upload_page_reads_the_files_as_before(world, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minga.sortition.models import Draw

    client = client_as(world.coordinator, "en")
    response = client.post(
        "/n/red/sortition/new/",
        {
            "title": "Regresión",
            "seats": 6,
            "pool_kind": "people",
            "algorithm": "leximin",
            "csv_group_by": "house",
            "people_csv": SimpleUploadedFile("people.csv", (FILES / "people.csv").read_bytes()),
            "features_csv": SimpleUploadedFile(
                "features.csv", (FILES / "features.csv").read_bytes()
            ),
        },
    )
    assert response.status_code == 302
    draw = Draw.objects.get()
    from minga.sortition.engine.leximin import leximin

    original = _cli_draw(FILES / "people.csv", FILES / "features.csv", "house")
    probabilities = leximin(draw.instance()).probabilities()
    assert probabilities == pytest.approx(original["probabilities"], abs=1e-7)
    assert draw.upload_columns == {"dropped": ["name"], "household": ["house"]}


def test_a_distribution_an_earlier_version_published_still_verifies(tmp_path):
    """Pools with more than 64 types are now peeled into panels, so a fresh computation finds
    other panels than the version that published a draw. `verify --distribution` draws from
    the published distribution once it fits the files and is LEXIMIN's: the draw still
    verifies, and a distribution that favours someone, or is another pool's, does not."""
    from unittest import mock

    from django.core.management.base import CommandError

    from minga.sortition.engine import leximin as leximin_module
    from minga.sortition.engine.csvio import write_features, write_people
    from minga.sortition.engine.leximin import leximin
    from minga.sortition.engine.synthetic import correlated_pool

    instance = correlated_pool(150, 15, seed=4, slack=0)
    (tmp_path / "people.csv").write_text(write_people(instance), encoding="utf-8")
    (tmp_path / "features.csv").write_text(write_features(instance), encoding="utf-8")
    with mock.patch.object(leximin_module, "PEEL_FROM_TYPES", 10**9):  # before peeling
        earlier = leximin(instance)
    now = leximin(instance)
    assert len(earlier.types) > leximin_module.PEEL_FROM_TYPES
    assert earlier.sha256() != now.sha256()  # other panels, the same probabilities
    published = tmp_path / "distribution.json"
    published.write_bytes(earlier.canonical_json())
    panel = earlier.draw(SEED)
    args = ["--people", str(tmp_path / "people.csv"), "--features", str(tmp_path / "features.csv")]
    args += ["--seats", "15", "--seed", SEED, "--distribution", str(published)]
    out = StringIO()
    call_command(
        "sortition",
        "verify",
        *args,
        "--sha256",
        earlier.sha256(),
        "--panel",
        ",".join(panel),
        stdout=out,
    )
    assert out.getvalue().startswith("OK") and earlier.sha256() in out.getvalue()
    with pytest.raises(CommandError, match="SHA-256"):
        call_command(
            "sortition", "verify", *args, "--sha256", now.sha256(), "--panel", ",".join(panel)
        )
    with pytest.raises(CommandError, match="Not the drawn panel"):
        call_command("sortition", "verify", *args, "--panel", ",".join(now.draw(SEED + "x")))
    # All the weight on one panel: its members' chances are no longer LEXIMIN's.
    data = json.loads(earlier.canonical_json())
    data["panels"] = [{"counts": data["panels"][0]["counts"], "weight": 1}]
    published.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="not LEXIMIN"):
        call_command("sortition", "verify", *args, "--panel", ",".join(panel))
    # Another pool's distribution.
    published.write_bytes(leximin(correlated_pool(150, 15, seed=5, slack=0)).canonical_json())
    with pytest.raises(CommandError, match="not this pool"):
        call_command("sortition", "verify", *args, "--panel", ",".join(panel))
