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
