"""The demo network's financing: a catalogue of 30 calls of the three source types (some past
their deadline), members' funding and the network's needs, the mapping survey linked to the
gap analysis, three joint applications (two in progress, one awarded) and a plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from minga.core.demo import DemoNetwork
from minga.financing import actions
from minga.financing.models import LineStatus, Mechanism, NeedKind, SourceType, Stage
from minga.mapping.queries import surveys_with_forms

# (funder, kind, source type, title, themes, countries, kinds, min, max, currency, joint)
FUNDERS = [
    ("Ministerio de Cultura de Colombia", "government", SourceType.NATIONAL_PUBLIC),
    ("Secretaría de Participación de Buenos Aires", "government", SourceType.NATIONAL_PUBLIC),
    ("Fundo Brasil de Participação", "government", SourceType.NATIONAL_PUBLIC),
    ("Embajada de los Países Bajos", "embassy", SourceType.INTERNATIONAL_COOPERATION),
    (
        "Unión Europea – Sociedad Civil",
        "international_organization",
        SourceType.INTERNATIONAL_COOPERATION,
    ),
    (
        "Fundación Andina para la Democracia",
        "corporate_foundation",
        SourceType.INTERNATIONAL_COOPERATION,
    ),
    ("Banco Solidario S.A.", "company", SourceType.PRIVATE),
    ("Energías del Sur", "company", SourceType.PRIVATE),
]
TOPICS = [
    ("Participación ciudadana en lo local", ["participacion-ciudadana"]),
    ("Innovación pública abierta", ["innovacion-publica"]),
    ("Deliberación y asambleas ciudadanas", ["democracia-deliberativa", "participacion-ciudadana"]),
    ("Jóvenes que inciden", ["juventudes", "incidencia-politica"]),
    ("Democracia ambiental", ["medio-ambiente"]),
    ("Defensa de los derechos humanos", ["derechos-humanos"]),
    ("Igualdad de género en la política", ["equidad-de-genero"]),
    ("Transparencia y datos abiertos", ["transparencia"]),
    ("Pueblos indígenas y territorio", ["pueblos-indigenas"]),
    ("Fortalecimiento institucional de redes", []),
]
COUNTRIES = [[], ["CO"], ["AR"], ["BR"], ["CO", "MX", "CL"], ["AR", "BR", "CL", "CO", "MX"]]
KINDS = [[], ["ngo"], ["ngo", "foundation"], ["network"], ["ngo", "collective"]]
RANGES = [
    (Decimal(5_000), Decimal(20_000), "USD"),
    (Decimal(20_000), Decimal(80_000), "USD"),
    (Decimal(50_000), Decimal(250_000), "EUR"),
    (Decimal(10_000), Decimal(40_000), "USD"),
    (None, Decimal(15_000), "USD"),
]


def load(demo: DemoNetwork) -> None:
    network, coordinator, rng = demo.network, demo.coordinator, demo.rng
    today = timezone.localdate()
    calls = []
    for index in range(30):
        funder, kind, source_type = FUNDERS[index % len(FUNDERS)]
        topic, themes = TOPICS[index % len(TOPICS)]
        low, high, currency = RANGES[index % len(RANGES)]
        # A few are past their deadline; the rest fall over the next months.
        days = -rng.randint(5, 60) if index % 7 == 3 else rng.randint(3, 200)
        calls.append(
            actions.save_call(
                actor=coordinator,
                network=network,
                title=f"{topic} {today.year + (1 if days > 150 else 0)}",
                funder=funder,
                source_type=source_type,
                themes=themes,
                countries=COUNTRIES[index % len(COUNTRIES)],
                org_types=KINDS[index % len(KINDS)],
                amount_min=low,
                amount_max=high,
                currency=currency,
                deadline=network.end_of_day(today + timedelta(days=days)),
                url=f"https://convocatorias.example.org/{index + 1}",
                criteria="Propuestas con enfoque territorial y participación de al menos dos "
                "organizaciones.",
                joint_allowed=index % 3 != 1,
            )
        )
    for company in network.funders.filter(source_type=SourceType.PRIVATE):
        actions.save_funder(
            actor=coordinator,
            network=network,
            funder=company,
            kind="company",
            mission="Impulsar el desarrollo sostenible de las comunidades donde opera.",
            values="Transparencia, cercanía, innovación.",
            pillars="Educación; ambiente; ciudadanía.",
        )

    # What members draw on and lack: about half have recorded it.
    for index, organization in enumerate(demo.organizations[:20]):
        sources: dict[str, tuple[Decimal | None, str]] = {}
        if index % 2 == 0:
            sources[SourceType.NATIONAL_PUBLIC] = (Decimal(rng.randint(2, 30) * 1000), "USD")
        if index % 3 == 0:
            sources[SourceType.INTERNATIONAL_COOPERATION] = (
                Decimal(rng.randint(10, 90) * 1000),
                "USD",
            )
        if index % 5 == 0:
            sources[SourceType.PRIVATE] = (Decimal(rng.randint(1, 10) * 1000), "USD")
        actions.record_access(
            actor=coordinator,
            organization=organization,
            sources=sources,
            lacks="Cofinanciamiento y alguien que redacte propuestas."
            if not sources
            else "Acceso a cooperación internacional.",
            needed_amount=Decimal(rng.randint(10, 60) * 1000),
            currency="USD",
        )
    for year, title, kind, amount in (
        (today.year, "Secretaría técnica de la red", NeedKind.INSTITUTIONAL, Decimal(36_000)),
        (today.year, "Encuentro presencial anual", NeedKind.PROJECT, Decimal(18_000)),
        (today.year, "Laboratorio de innovación democrática", NeedKind.AREA, Decimal(45_000)),
        (today.year + 1, "Secretaría técnica de la red", NeedKind.INSTITUTIONAL, Decimal(38_000)),
        (today.year + 1, "Escuela de participación juvenil", NeedKind.PROJECT, Decimal(25_000)),
    ):
        actions.save_need(
            actor=coordinator,
            network=network,
            title=title,
            kind=kind,
            year=year,
            amount=amount,
            currency="USD",
            themes=["participacion-ciudadana", "innovacion-publica"]
            if kind != NeedKind.INSTITUTIONAL
            else [],
        )
    surveys = surveys_with_forms(network)
    if surveys:
        actions.link_survey(
            actor=coordinator,
            network=network,
            survey=surveys[0],
            needs_question="needs",
            funding_choice="funding_networks",
            offers_question="offers",
        )

    # Joint applications: two in progress, one awarded.
    lead, *partners = demo.organizations[18], demo.organizations[2], demo.organizations[7]
    open_calls = [c for c in calls if c.joint_allowed and c.deadline > timezone.now()]
    preparing = actions.start_application(
        actor=coordinator,
        network=network,
        title="",
        lead=lead,
        call=open_calls[0],
        budget=Decimal(18_000),
        notes="Reparto de tareas acordado en la reunión de marzo.",
    )
    for organization, role, share in zip(
        partners, ("Metodología", "Comunicación"), (Decimal(30), Decimal(20)), strict=True
    ):
        actions.set_partner(
            actor=coordinator,
            application=preparing,
            organization=organization,
            role=role,
            budget_share=share,
        )
    actions.set_stage(actor=coordinator, application=preparing, stage=Stage.PREPARING)
    prospect = actions.start_application(
        actor=coordinator,
        network=network,
        title="",
        lead=demo.organizations[4],
        call=open_calls[1],
        budget=Decimal(60_000),
    )
    actions.set_partner(
        actor=coordinator,
        application=prospect,
        organization=demo.organizations[9],
        role="Trabajo territorial",
    )
    awarded = actions.start_application(
        actor=coordinator,
        network=network,
        title="Escuela de liderazgo democrático",
        lead=lead,
        deadline=network.end_of_day(today - timedelta(days=120)),
        budget=Decimal(25_000),
        currency="USD",
    )
    actions.set_partner(
        actor=coordinator,
        application=awarded,
        organization=demo.organizations[12],
        role="Formación",
        budget_share=Decimal(40),
    )
    actions.set_stage(
        actor=coordinator,
        application=awarded,
        stage=Stage.AWARDED,
        awarded_amount=Decimal(22_500),
        awarded_on=today - timedelta(days=60),
    )

    actions.save_plan(
        actor=coordinator,
        network=network,
        mechanisms=[Mechanism.JOINT_CALLS, Mechanism.MEMBERSHIP_FEES, Mechanism.JOINT_FUNDRAISING],
        legal_conditions="La red se constituirá como asociación civil sin fines de lucro en "
        "Colombia para recibir fondos de cooperación.",
        institutional_conditions="Una secretaría técnica rotativa administra los fondos con "
        "rendición de cuentas trimestral a la asamblea.",
        follow_up="Revisión trimestral de avances en la reunión de coordinación.",
    )
    owner = network.people.filter(user=coordinator).first()
    for title, mechanism, months, status, progress in (
        ("Mapa de fuentes de financiamiento", Mechanism.JOINT_CALLS, 1, LineStatus.DONE, 100),
        ("Dos postulaciones conjuntas al año", Mechanism.JOINT_CALLS, 6, LineStatus.UNDERWAY, 50),
        ("Cuotas de membresía al día", Mechanism.MEMBERSHIP_FEES, 12, LineStatus.UNDERWAY, 35),
        (
            "Campaña de recaudación para el encuentro",
            Mechanism.JOINT_FUNDRAISING,
            9,
            LineStatus.PLANNED,
            0,
        ),
    ):
        actions.save_plan_line(
            actor=coordinator,
            network=network,
            title=title,
            mechanism=mechanism,
            owner=owner,
            deadline=_months_ahead(today, months),
            status=status,
            progress=Decimal(progress),
        )


def _months_ahead(today: date, months: int) -> date:
    month = today.month - 1 + months
    return date(today.year + month // 12, month % 12 + 1, min(today.day, 28))
