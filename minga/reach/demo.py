"""The demo network's reach: its charter (two versions), audience and action plan."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from minga.core.demo import DemoNetwork
from minga.reach import actions
from minga.reach.models import ActionStatus


def load(demo: DemoNetwork) -> None:
    network, coordinator = demo.network, demo.coordinator
    actions.save_charter(
        actor=coordinator,
        network=network,
        context=(
            "La región atraviesa una crisis de representación: baja confianza en las "
            "instituciones, polarización y espacios de participación que no son vinculantes. "
            "Las organizaciones de la sociedad civil trabajan aisladas y con pocos recursos."
        ),
        purpose=(
            "Impulsar formas innovadoras de gobernanza y acción colectiva en las ciudades "
            "del Sur Global."
        ),
        objective=(
            "Articular a 40 organizaciones de cinco países en torno a la innovación democrática."
        ),
        audience=(
            "Organizaciones de la sociedad civil de América Latina que trabajan por la "
            "participación ciudadana."
        ),
    )
    actions.save_charter(
        actor=coordinator,
        network=network,
        objective=(
            "Articular a 40 organizaciones de cinco países para fortalecer la participación "
            "y la deliberación ciudadana, con tres pilares: democracia diversa, ambiental "
            "e innovadora."
        ),
    )
    actions.set_charter_visibility(
        actor=coordinator, network=network, public=True, applications_open=True
    )
    actions.set_audience(
        actor=coordinator,
        network=network,
        member_kinds=["organization", "individual"],
        countries_=["AR", "BR", "CL", "CO", "MX"],
        themes=[],
        statements=["Trabajamos sin afiliación partidaria.", "Rechazamos toda forma de violencia."],
    )
    today = timezone.localdate()
    for index, (title, status, start, weeks) in enumerate(
        [
            ("Mapeo de organizaciones de la región", ActionStatus.DONE, -120, 8),
            ("Aprobar el modelo de gobernanza", ActionStatus.IN_PROGRESS, -30, 6),
            ("Primer encuentro presencial", ActionStatus.PLANNED, 60, 1),
            ("Lanzar el boletín semanal", ActionStatus.PLANNED, 14, 4),
        ]
    ):
        actions.add_action_item(
            actor=coordinator,
            network=network,
            title=title,
            owner=demo.people[index * 3],
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=start + weeks * 7),
            status=status,
        )
