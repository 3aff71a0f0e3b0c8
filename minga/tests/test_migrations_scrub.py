"""Draws uploaded before #17's upload privacy lose the addresses they kept as household keys,
unless already published (their published SHA-256 covers them)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sortition", "0005_goldilocks_alternates_privacy")]
AFTER = [("sortition", "0006_scrub_uploaded_households")]


@pytest.fixture
def newest_schema_afterwards():
    """Back to the newest migrations for the tests that follow in this process (the demo
    they load needs every column), whether this test passed or not."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("newest_schema_afterwards")
def test_unpublished_uploads_keep_only_hashed_household_keys():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    core = executor.loader.graph.leaf_nodes("core")  # core stays where it is
    apps = executor.loader.project_state([*BEFORE, *core]).apps
    network = apps.get_model("core", "Network").objects.create(slug="antes", name="Antes")
    Draw = apps.get_model("sortition", "Draw")
    address = '["jr. cusco 12","15001"]'
    pool = [
        {"id": "v1", "label": "v1", "features": {"g": "F"}, "group": address},
        {"id": "v2", "label": "v2", "features": {"g": "M"}, "group": address},
        {"id": "v3", "label": "v3", "features": {"g": "F"}, "group": None},
    ]
    computed, published = (
        Draw.objects.create(
            network=network,
            title=state,
            seats=1,
            source="csv",
            pool=pool,
            pool_size=3,
            features=["g"],
            group_by="street,zip",
            state=state,
            distribution_sha256="ab" * 32,
        )
        for state in ("computed", "published")
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state([*AFTER, *core]).apps
    Draw = apps.get_model("sortition", "Draw")
    computed, published = Draw.objects.get(pk=computed.pk), Draw.objects.get(pk=published.pk)
    groups = [row["group"] for row in computed.pool]
    assert groups[0] == groups[1] != address and groups[0].startswith("h") and groups[2] is None
    assert (computed.group_by, computed.state, computed.distribution_sha256) == (
        "household",
        "draft",
        "",
    )
    assert computed.upload_columns == {"dropped": [], "household": ["street", "zip"]}
    assert published.pool[0]["group"] == address and published.group_by == "street,zip"
