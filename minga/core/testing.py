"""Test helpers shared by the apps' test suites."""

from __future__ import annotations

from typing import Any


def assert_step_page_matrix(world: Any, client_as: Any, step: str) -> None:
    """A step's page: open to every person of the network (with the state control for
    coordinators only), hidden from outsiders, login first for anonymous visitors."""
    url = f"/n/{world.network.slug}/{step}/"
    for persona in ("coordinator", "member", "treasurer", "protocol_officer", "admin"):
        response = client_as(getattr(world, persona)).get(url)
        assert response.status_code == 200, (persona, step)
        assert 'class="card guide"' in response.content.decode()
        has_control = 'name="state"' in response.content.decode()
        assert has_control is (persona in ("coordinator", "admin")), (persona, step)
    assert client_as(world.outsider).get(url).status_code == 404
    anonymous = client_as(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next={url}"


def assert_queries_flat(client: Any, url: str, grow: Any, *, status: int = 200) -> int:
    """A list's work is bounded by what it shows: GET `url`, let `grow()` add more rows
    of what it lists, GET it again, and fail if the second answer took more queries.
    Returns the query count, so a test can also pin it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for step in range(2):
        if step:
            grow()
        client.get(url)  # warm per-process caches (content types, sessions)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        counts.append(len(context.captured_queries))
    assert counts[1] <= counts[0], (
        f"{url}: {counts[0]} queries, then {counts[1]} after the data grew",
        [q["sql"] for q in context.captured_queries],
    )
    return counts[0]
