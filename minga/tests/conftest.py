"""Fixtures of the cross-app tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from minga.tests import processes


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: Any) -> Iterator[str]:
    """A database of this run's kind with Minga migrated and the demo loaded, made once:
    the tests that run real processes copy it (`processes.demo_copy`) instead of loading
    the demo each time."""
    folder = tmp_path_factory.mktemp("demo-template")
    with processes.throwaway_database(folder, "demo_template") as database:
        env = processes.environment(folder, database)
        processes.minga(["migrate", "--noinput", "-v0"], env)
        processes.minga(["demo"], env)
        processes.minga(["worker", "--batch"], env)  # the mails the demo queued, to stdout
        yield database
