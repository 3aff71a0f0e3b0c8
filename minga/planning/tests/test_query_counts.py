"""Query counts of planning's pages, pinned at two data sizes: a page takes no more
queries when the network has more trends, notes, objectives, projects, results,
indicators or measurements."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from minga.core.testing import assert_queries_flat
from minga.planning import actions

_numbers = itertools.count()


@pytest.fixture
def grow(world):
    network, coordinator = world.network, world.coordinator
    actions.apply_basis_template(actor=coordinator, network=network)
    responsible = network.people.get(user=world.member).pk

    def more() -> None:
        for _ in range(3):
            n = next(_numbers)
            factor = actions.save_trend(
                actor=world.member,
                network=network,
                category="social",
                trend=f"Tendencia {n}",
                probability=1 + n % 5,
                impact="medium",
            )
            actions.add_swot_item(
                actor=world.member,
                network=network,
                quadrant="opportunity",
                text=f"Oportunidad {n}",
                trends=[factor.pk],
            )
            objective = actions.save_objective(
                actor=world.member,
                network=network,
                pillar=network.pillars.order_by("pk")[n % 3],
                title=f"Objetivo {n}",
            )
            project = actions.save_project(
                actor=coordinator,
                network=network,
                objective=objective,
                title=f"Proyecto {n}",
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + timedelta(days=90),
                responsible=responsible,
            )
            result = actions.save_result(
                actor=coordinator, project=project, kind="final", description=f"Resultado {n}"
            )
            for linked in (result, None):
                indicator = actions.save_indicator(
                    actor=coordinator,
                    project=project,
                    name=f"Indicador {n}",
                    baseline=Decimal(0),
                    target=Decimal(10),
                    result=linked,
                )
                for month in range(1, 4):
                    actions.record_measurement(
                        actor=coordinator,
                        indicator=indicator,
                        measured_on=date(2026, month, 1),
                        value=Decimal(month),
                    )

    more()
    return more


@pytest.mark.parametrize(
    "page",
    ["", "pestel/", "swot/", "swot/board/", "objectives/", "projects/", "basis/history/"],
)
def test_planning_pages_take_no_more_queries_as_the_plan_grows(
    world, client_as, grow, page
) -> None:
    assert_queries_flat(client_as(world.member), f"/n/red/planning/{page}", grow)


def test_a_projects_page_takes_no_more_queries_with_more_measurements(
    world, client_as, grow
) -> None:
    project = world.network.programmatic_projects.first()
    indicator = project.indicators.first()

    def measure_more() -> None:
        for day in range(1, 20):
            actions.record_measurement(
                actor=world.coordinator,
                indicator=indicator,
                measured_on=date(2025, 1, day),
                value=Decimal(day),
            )

    client = client_as(world.member)
    assert_queries_flat(client, project.get_absolute_url(), measure_more)
    assert_queries_flat(client, indicator.get_absolute_url(), measure_more)
