"""Governance of the demo: a vertical network with its coordination body and three
working groups, past and open proposals under each rule (one tie broken by the
coordinating organization), and a horizontal example network whose circles miss a
delegate."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from minga.core import actions as core_actions
from minga.core.demo import DemoNetwork
from minga.core.models import Person
from minga.governance import actions
from minga.governance.models import Proposal


def load(demo: DemoNetwork) -> None:
    network, coordinator = demo.network, demo.coordinator
    organizations, people = demo.organizations, demo.people
    coordinating = organizations[18]
    core_actions.update_network(
        actor=coordinator, network=network, coordinating_organization=coordinating
    )
    today = timezone.localdate()
    body = actions.create_circle(
        actor=coordinator,
        network=network,
        kind="coordination_body",
        name="Órgano de Coordinación de la Red",
        objectives="Coordinar la red, convocar las asambleas y velar por el plan estratégico.",
        member_kind="organizations",
        mandate_months=24,
        renewable=True,
        max_renewals=1,
        filled_by="election",
    )
    # One organization per country, the coordinating one among them.
    for index in (18, 0, 6, 12, 27):
        actions.appoint(
            actor=coordinator,
            circle=body,
            role="member",
            organization=organizations[index],
            starts_on=today - timedelta(days=700 if index == 0 else 300),
        )
    groups = {}
    for name, objectives, seats in [
        ("Crecimiento", "Sumar organizaciones y acompañar su llegada.", (1, 7, 13, 20)),
        ("Aprendizaje", "Talleres mensuales e intercambio de saberes.", (2, 8, 14, 21, 28)),
        ("Comunicación", "Boletín semanal, redes y visibilidad de iniciativas.", (3, 9, 15, 22)),
    ]:
        group = actions.create_circle(
            actor=coordinator,
            network=network,
            kind="working_group",
            name=name,
            parent=body,
            objectives=objectives,
            mandate_months=12,
        )
        for position, index in enumerate(seats):
            actions.appoint(
                actor=coordinator,
                circle=group,
                role="leader" if position == 0 else "member",
                person=people[index],
            )
        groups[name] = group

    def vote(
        proposal: Proposal, votes: dict[int, str], reasons: dict[int, str] | None = None
    ) -> None:
        for index, position in votes.items():
            actions.take_position(
                actor=people[index].user,
                proposal=proposal,
                position=position,
                reason=(reasons or {}).get(index, ""),
            )

    def backdate(proposal: Proposal, days: int) -> None:
        moment = timezone.now() - timedelta(days=days)
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=moment, closed_at=moment + timedelta(days=7)
        )

    # Past decisions, one under each rule.
    charter = actions.open_proposal(
        actor=coordinator,
        network=network,
        title="Aprobar la carta de la red",
        text="Aprobamos el contexto, propósito, objetivo general y público de la red.",
        rule="consensus_then_supermajority",
    )
    vote(
        charter,
        {i: "agree" for i in range(24)} | {i: "disagree" for i in range(24, 30)} | {30: "abstain"},
    )
    actions.close_proposal(actor=coordinator, proposal=charter)
    backdate(charter, 120)

    newsletter = actions.open_proposal(
        actor=people[3].user,
        network=network,
        title="Boletín semanal en español y portugués",
        text="El grupo de Comunicación envía cada lunes un boletín bilingüe.",
        rule="consent",
        circle=groups["Comunicación"],
        voting_unit="person",
        matter="operational",
    )
    vote(newsletter, {3: "agree", 9: "agree", 15: "abstain", 22: "agree"})
    actions.close_proposal(actor=coordinator, proposal=newsletter)
    backdate(newsletter, 60)

    meeting = actions.open_proposal(
        actor=coordinator,
        network=network,
        title="Encuentro presencial anual en Bogotá",
        text="El encuentro presencial de este año se hace en Bogotá, en octubre.",
        rule="majority",
        matter="operational",
    )
    # Ten for, ten against: the coordinating organization's position decides.
    vote(
        meeting,
        {i: "agree" for i in (18, 1, 2, 3, 4, 5, 7, 8, 9, 10)}
        | {i: "disagree" for i in range(20, 30)},
    )
    actions.close_proposal(actor=coordinator, proposal=meeting)
    backdate(meeting, 30)

    # Too few took a position: the page says how many did and how many were needed.
    campaign = actions.open_proposal(
        actor=coordinator,
        network=network,
        title="Campaña regional sobre el derecho a la información",
        text="La red impulsa una campaña regional durante el segundo semestre.",
        rule="consent",
        quorum=0.5,
    )
    vote(campaign, {0: "agree", 6: "agree", 11: "abstain"})
    actions.close_proposal(actor=coordinator, proposal=campaign)
    backdate(campaign, 15)

    # Open proposals.
    soon = timezone.now() + timedelta(days=5)
    fee = actions.open_proposal(
        actor=coordinator,
        network=network,
        title="Cuota variable según tamaño de la organización",
        text=(
            "Proponemos una cuota anual de 100, 250 y 600 USD para organizaciones "
            "pequeñas, medianas y grandes."
        ),
        rule="consensus_then_supermajority",
        closes_at=soon,
        quorum=0.5,
    )
    vote(
        fee,
        {i: "agree" for i in range(0, 12)} | {i: "disagree" for i in (12, 13)} | {14: "abstain"},
    )
    workshop = actions.open_proposal(
        actor=people[2].user,
        network=network,
        title="Taller mensual sobre financiamiento",
        text=(
            "El grupo de Aprendizaje organiza un taller mensual sobre convocatorias "
            "de financiamiento."
        ),
        rule="consent",
        circle=groups["Aprendizaje"],
        voting_unit="person",
        closes_at=soon,
    )
    vote(
        workshop,
        {2: "agree", 8: "agree", 14: "object"},
        {14: "Primero hay que saber qué convocatorias interesan a las organizaciones."},
    )
    election_body = actions.open_proposal(
        actor=coordinator,
        network=network,
        title="Renovar el Órgano de Coordinación por sorteo",
        text=(
            "La próxima renovación del Órgano de Coordinación se hace por sorteo entre "
            "las organizaciones que se postulen."
        ),
        rule="consensus_then_supermajority",
        secret=True,
        closes_at=soon,
    )
    vote(election_body, {i: "agree" for i in range(5)} | {5: "disagree"})

    _horizontal_example(demo)


def _horizontal_example(demo: DemoNetwork) -> None:
    """A second network, organized in circles, where one circle misses its delegate."""
    coordinator = demo.coordinator
    network = core_actions.create_network(
        actor=coordinator,
        slug="demo-circulos",
        name="Red de Círculos por el Clima",
        model="horizontal",
        languages=["es", "pt-br"],
        description="Ejemplo de gobernanza horizontal: círculos con doble vinculación.",
    )
    members: list[Person] = [network.people.get(user=coordinator)]
    for person in demo.people[:8]:
        members.append(
            core_actions.add_person(
                actor=coordinator, network=network, username=person.user.username
            )
        )
    general = actions.create_circle(
        actor=coordinator,
        network=network,
        kind="circle",
        name="Círculo general",
        objectives="Alinear a los círculos y decidir lo que es de todos.",
    )
    territories = actions.create_circle(
        actor=coordinator,
        network=network,
        kind="circle",
        name="Territorios",
        parent=general,
        objectives="Acompañar las acciones locales.",
    )
    campaigns = actions.create_circle(
        actor=coordinator,
        network=network,
        kind="circle",
        name="Campañas",
        parent=general,
        objectives="Preparar las campañas de incidencia.",
    )
    seats = [
        (general, 0, "leader"),
        (general, 1, "member"),
        (general, 2, "member"),
        (general, 3, "member"),
        (territories, 1, "leader"),
        (territories, 2, "delegate"),
        (territories, 4, "member"),
        (territories, 5, "member"),
        # Campañas has its leader but no delegate yet: the page flags it.
        (campaigns, 3, "leader"),
        (campaigns, 6, "member"),
        (campaigns, 7, "member"),
    ]
    for circle, index, role in seats:
        actions.appoint(actor=coordinator, circle=circle, role=role, person=members[index])
    election = actions.open_election(actor=coordinator, circle=campaigns, role="delegate")
    actions.nominate(
        actor=coordinator,
        election=election,
        nominee=members[6],
        reason="Participa en el círculo general y en campañas desde el inicio.",
    )
