"""Every main page at two data sizes (issue 18): a page's work depends on what it shows, never
on the size of the network. The network of bench/scale.py (minga/scaledata.py) is built twice,
small and three times larger, side by side; each page and API list of bench/scale.py's list is
opened on both, and fails if it takes more queries, or more than a few percent more bytes, on
the larger one.

The smaller size already fills every list's first page (50 organizations or proposals, 100
people or audit entries), so a bounded page shows as many rows at both sizes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from minga.scaledata import PAGES, Page, build_scale, clients

# 250 and 500 organizations, 1,250 and 2,500 people, 50 and 100 proposals, 5,000 and 10,000
# audit entries: the smaller already fills every list's first page (at most 100 rows).
SMALL, LARGE = 0.025, 0.05
# A page of bounded lists still varies with what its rows say (matched organizations' needs
# and offers differ in length); a list that grows with the network doubles here.
BYTES_GROWTH = 1.25

# Pages known to grow (none today). An entry must still grow: the test fails on one that no
# longer does, so the list only shrinks.
KNOWN_TO_GROW: dict[str, str] = {}


def _measure(client: Any, url: str) -> tuple[int, int, int]:
    client.get(url)  # warm per-process caches (content types, sessions, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured), len(response.content)


# Every test asks for the database, so pytest-django sets up the test database before the
# module's fixture builds in it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, tmp_path_factory):
    """{page name: ((status, queries, bytes) small, (...) large)}, built once for the module
    and rolled back after."""
    results: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        timings: list[tuple[str, float]] = []
        # Same-length slugs, so names and links weigh the same at both sizes.
        small = build_scale(SMALL, tmp_path_factory.mktemp("small"), timings, slug="small")
        large = build_scale(LARGE, tmp_path_factory.mktemp("large"), timings, slug="large")
        small_clients, large_clients = clients(small), clients(large)
        for page in PAGES:
            pick = 0 if page.html else 1
            results[page.name] = (
                _measure(small_clients[pick], page.url(small)),
                _measure(large_clients[pick], page.url(large)),
            )
        transaction.set_rollback(True)
    return results


def _growth(page: Page, result: tuple[tuple[int, int, int], tuple[int, int, int]]) -> list[str]:
    (_, small_queries, small_bytes), (_, large_queries, large_bytes) = result
    found = []
    if large_queries > small_queries:
        found.append(f"queries {small_queries} -> {large_queries}")
    if large_bytes > small_bytes * BYTES_GROWTH and not page.by_contract:
        found.append(f"bytes {small_bytes:,} -> {large_bytes:,}")
    return found


@pytest.mark.parametrize("name", [page.name for page in PAGES])
def test_a_main_page_does_not_grow_with_the_network(measured, db, name):
    (small_status, *_), (large_status, *_) = measured[name]
    assert (small_status, large_status) == (200, 200), name
    grown = _growth(next(page for page in PAGES if page.name == name), measured[name])
    if name in KNOWN_TO_GROW:
        assert grown, f"{name} no longer grows: remove it from KNOWN_TO_GROW"
    else:
        assert not grown, f"{name} grows with the network: {', '.join(grown)}"


def test_known_to_grow_names_only_pages_of_the_list():
    assert set(KNOWN_TO_GROW) <= {page.name for page in PAGES}
