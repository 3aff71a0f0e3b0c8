"""Goldilocks on the platform: a draw can choose it, its page and API show what it costs
beside LEXIMIN, and its distribution is published, drawn and rounded to a lottery like
LEXIMIN's."""

from __future__ import annotations

import pytest

from minga.sortition import actions
from minga.sortition.engine.goldilocks import goldilocks
from minga.sortition.engine.lottery import read_table
from minga.sortition.models import Draw

pytestmark = pytest.mark.django_db


def test_a_goldilocks_draw_shows_its_cost_beside_leximin(world, make_draw, client_as, api_as):
    draw = make_draw("computed", algorithm="goldilocks")
    assert draw.state == "computed" and draw.distribution["algorithm"] == "goldilocks"
    assert draw.probabilities == goldilocks(draw.instance()).probabilities()
    assert set(draw.fairness) == {"leximin", "goldilocks"}
    leximin, robust = draw.fairness["leximin"], draw.fairness["goldilocks"]
    assert leximin["lowest_ratio"] == pytest.approx(1.0)
    assert robust["lowest"] == pytest.approx(min(draw.probabilities.values()))
    assert robust["highest"] == pytest.approx(max(draw.probabilities.values()))
    assert robust["highest_ratio"] <= leximin["highest_ratio"] + 1e-9
    page = client_as(world.coordinator, "es").get(draw.get_absolute_url()).content.decode()
    assert "Goldilocks (elegido)" in page
    assert f"{robust['lowest']:.4f}".replace(".", ",") in page  # in the reader's format
    body = api_as(world.coordinator).get(f"/draws/{draw.pk}").json()
    assert body["algorithm"] == "goldilocks" and body["fairness"] == draw.fairness


def test_a_goldilocks_distribution_is_drawn_and_rounded_like_leximins(world, make_draw):
    draw = make_draw("computed", algorithm="goldilocks")
    actions.make_lottery(actor=world.coordinator, draw=draw, panels=10)
    actions.publish(actor=world.coordinator, draw=draw)
    actions.fix_seed(actor=world.coordinator, draw=draw, seed="Goldilocks 2026")
    actions.draw_panel(actor=world.coordinator, draw=draw)
    draw = Draw.objects.get(pk=draw.pk)
    assert draw.number is not None
    assert draw.panel == list(read_table(draw.lottery_table.encode())[draw.number][1])
    plain = make_draw("drawn", seed="x", algorithm="goldilocks")
    assert plain.panel  # the seed draws from the published Goldilocks distribution


def test_the_page_counts_the_panels_that_meet_the_quotas(world, make_draw, client_as):
    from minga.sortition.tests.helpers import all_panels

    draw = make_draw("computed")
    expected = len(all_panels(draw.instance()))
    assert draw.panel_count["exact"] == expected > 1
    page = client_as(world.coordinator, "es").get(draw.get_absolute_url()).content.decode()
    assert f"Paneles que cumplen estos cupos: {expected}." in page
