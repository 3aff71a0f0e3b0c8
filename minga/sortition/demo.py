"""Sortition in the demo: the coordination body's next renewal drawn by lot among the
network's organizations, with quotas by country and size, published and drawn, with three
alternates; and an ethics committee's draw (Goldilocks) as a lottery of 1,000 numbered panels,
published and waiting for the dice."""

from __future__ import annotations

from minga.core.demo import DemoNetwork
from minga.sortition import actions
from minga.sortition.actions import QuotaRow

COUNTRIES = ("AR", "BR", "CL", "CO", "MX")
SIZES = {"small": (2, 3), "medium": (1, 2), "large": (0, 1)}


def load(demo: DemoNetwork) -> None:
    network, coordinator = demo.network, demo.coordinator
    body = network.circles.filter(kind="coordination_body").first()
    draw = actions.create_draw(
        actor=coordinator,
        network=network,
        title="Renovación del Órgano de Coordinación",
        seats=5,
        pool_kind="organizations",
        features=["country", "size"],
        circle=body,
    )
    quotas = [QuotaRow("country", country, 1, 1) for country in COUNTRIES]
    quotas += [QuotaRow("size", size, low, high) for size, (low, high) in SIZES.items()]
    actions.set_quotas(actor=coordinator, draw=draw, quotas=quotas)
    draw = actions.compute(actor=coordinator, draw=draw, background=False)
    actions.publish(actor=coordinator, draw=draw)
    actions.fix_seed(
        actor=coordinator,
        draw=draw,
        seed="4817",
        note="Número anunciado en la asamblea anual de la red",
    )
    actions.draw_panel(actor=coordinator, draw=draw)
    actions.choose_alternates(actor=coordinator, draw=draw, budget=3)

    committee = actions.create_draw(
        actor=coordinator,
        network=network,
        title="Comité de Ética (sorteo con dados)",
        seats=3,
        pool_kind="organizations",
        features=["country", "size"],
        algorithm="goldilocks",
    )
    quotas = [QuotaRow("country", country, 0, 1) for country in COUNTRIES]
    quotas += [QuotaRow("size", size, 0, 2) for size in SIZES]
    actions.set_quotas(actor=coordinator, draw=committee, quotas=quotas)
    committee = actions.compute(actor=coordinator, draw=committee, background=False)
    actions.make_lottery(actor=coordinator, draw=committee, panels=1000)
    actions.publish(actor=coordinator, draw=committee)
