"""Query counts of the draws' lists, pinned at two data sizes: a page or an API answer
takes no more queries when there are more draws, or more declines on a draw."""

from __future__ import annotations

import pytest

from minga.core.testing import assert_queries_flat
from minga.sortition import actions


def _declines(world, draw, count):
    """`count` more drawn members decline, each one still on the panel."""

    def grow():
        for _ in range(count):
            draw.refresh_from_db()
            declined = set(draw.declines.values_list("member_id", flat=True))
            member = next(m for m in draw.current_panel if m not in declined)
            actions.decline(actor=world.coordinator, draw=draw, member_id=member)

    return grow


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_the_list_page_takes_as_many_queries_for_more_draws(world, make_draw, client_as, role):
    make_draw("published")

    def grow():
        make_draw()
        make_draw("drawn")
        make_draw("seated")

    client = client_as(getattr(world, role))
    count = assert_queries_flat(client, "/n/red/sortition/", grow)
    assert count <= 12
    assert client.get("/n/red/sortition/").content.count(b"Renovaci") >= 3


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_the_api_list_takes_as_many_queries_for_more_draws(world, make_draw, api_client, role):
    make_draw("published")

    def grow():
        make_draw()
        make_draw("drawn")
        make_draw("seated")

    client = api_client(getattr(world, role))
    assert_queries_flat(client, "/api/v1/networks/red/draws", grow)
    assert len(client.get("/api/v1/networks/red/draws").json()) >= 3


def test_the_results_page_takes_as_many_queries_for_more_declines(world, make_draw, client_as):
    draw = make_draw("drawn")
    _declines(world, draw, 1)()
    client = client_as(world.coordinator)
    assert_queries_flat(client, f"/n/red/sortition/{draw.pk}/", _declines(world, draw, 2))
    assert client.get(f"/n/red/sortition/{draw.pk}/").context["declines"][2]["round"] == 3


def test_the_api_draw_takes_as_many_queries_for_more_declines(world, make_draw, api_client):
    draw = make_draw("drawn")
    _declines(world, draw, 1)()
    client = api_client(world.member)
    assert_queries_flat(client, f"/api/v1/draws/{draw.pk}", _declines(world, draw, 2))
    assert len(client.get(f"/api/v1/draws/{draw.pk}").json()["declines"]) == 3


@pytest.mark.parametrize("url", ["/n/red/sortition/", "/api/v1/networks/red/draws"])
def test_lists_of_draws_never_read_the_pool(world, make_draw, client_as, api_client, url):
    """The pool is the whole directory (megabytes at scale): a list shows its size only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draw = make_draw("published")
    client = client_as(world.coordinator) if url.startswith("/n/") else api_client(world.member)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    draw_queries = [q["sql"] for q in captured.captured_queries if "sortition_draw" in q["sql"]]
    assert draw_queries
    for column in ("pool", "probabilities", "distribution", "current_panel"):
        assert not any(f'"sortition_draw"."{column}"' in sql for sql in draw_queries), column
    size = f"{len(draw.pool)}"
    if url.startswith("/n/"):
        assert f">{size} ·" in response.content.decode()
    else:
        assert response.json()[0]["pool_size"] == len(draw.pool)


def test_the_list_page_shows_fifty_draws_a_page(world, make_draw, client_as):
    from minga.sortition.models import Draw

    draw = make_draw()
    Draw.objects.bulk_create(
        Draw(
            network=world.network,
            title=f"Sorteo {i:03d}",
            seats=3,
            pool=draw.pool,
            pool_size=len(draw.pool),
        )
        for i in range(60)
    )
    client = client_as(world.coordinator)
    first = client.get("/n/red/sortition/").content.decode()
    assert first.count('<td data-label="Seats">') == 50
    second = client.get("/n/red/sortition/?page=2").content.decode()
    assert second.count('<td data-label="Seats">') == 11
    assert "Page 2 of 2" in second
