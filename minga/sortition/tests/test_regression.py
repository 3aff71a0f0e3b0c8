"""Files that worked before the field's other layouts were accepted draw exactly as before.

The hashes and panels below were computed before issue #11's changes to the CSV reading; a
change here means a published draw no longer verifies."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

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


def test_the_platform_draws_the_same_hash_and_panel_from_the_same_files(
    world, django_capture_on_commit_callbacks
):
    from minga.sortition import actions

    draw = actions.create_draw(
        actor=world.coordinator,
        network=world.network,
        title="Regresión",
        seats=6,
        group_by="house",
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
    assert (draw.distribution_sha256, draw.panel) == PINNED[("leximin", "house")]


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

    distribution = leximin(draw.instance())
    assert (distribution.sha256(), distribution.draw(SEED)) == PINNED[("leximin", "house")]
