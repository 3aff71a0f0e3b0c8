"""The demo's draw: the coordination body's renewal, published and drawn."""

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
    draw = Draw.objects.get(network=network.network)
    assert draw.state == DrawState.DRAWN
    assert draw.circle is not None
    assert draw.circle.name == "Órgano de Coordinación de la Red"
    assert len(draw.pool) == 40 and len(draw.panel) == 5
    assert draw.seed == "4817"
    assert not panel_violations(draw.instance(), draw.panel)
    assert draw.min_probability is not None and draw.legacy_min_probability is not None
    assert draw.min_probability > draw.legacy_min_probability
