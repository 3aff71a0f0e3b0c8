"""The demo's draws: the coordination body's renewal, published and drawn, and a lottery
waiting for the dice."""

from __future__ import annotations

from minga.core.demo import load_core
from minga.governance import demo as governance_demo
from minga.sortition import demo
from minga.sortition.engine.model import panel_violations
from minga.sortition.models import Draw, DrawState


def test_demo_draws_the_coordination_body_renewal(db):
    network = load_core()
    governance_demo.load(network)
    demo.load(network)
    draw = Draw.objects.get(network=network.network, circle__isnull=False)
    assert draw.state == DrawState.DRAWN
    assert draw.circle is not None
    assert draw.circle.name == "Órgano de Coordinación de la Red"
    assert len(draw.pool) == 40 and len(draw.panel) == 5
    assert draw.seed == "4817"
    assert not panel_violations(draw.instance(), draw.panel)
    assert draw.min_probability is not None and draw.legacy_min_probability is not None
    assert draw.min_probability > draw.legacy_min_probability


def test_demo_publishes_a_lottery_waiting_for_the_dice(db):
    network = load_core()
    governance_demo.load(network)
    demo.load(network)
    draw = Draw.objects.get(network=network.network, title__startswith="Comité de Ética")
    assert draw.state == DrawState.PUBLISHED and draw.lottery_panels == 1000
    assert draw.lottery_max_change is not None and draw.lottery_max_change <= 3 / 1000
