"""The demo network's communication: a year of meetings and workshops (a monthly virtual
meeting repeating all year, workshops, two face-to-face meetings, several public and
several upcoming), registrations with a full workshop and its waiting list, attendance
and minutes of past meetings, and two working groups with objectives and outputs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from minga.communication import actions
from minga.communication.models import (
    EventKind,
    Recurrence,
    Registration,
    RegistrationStatus,
    WorkshopTopic,
)
from minga.core.demo import DemoNetwork

WORKSHOPS = [
    (WorkshopTopic.SUSTAINABILITY, "Sostenibilidad financiera de redes"),
    (WorkshopTopic.COMMUNICATION, "Comunicación para la incidencia"),
    (WorkshopTopic.PROJECT_DEVELOPMENT, "Diseño de proyectos con marco lógico"),
    (WorkshopTopic.FUND_DEVELOPMENT, "Cómo postular a convocatorias internacionales"),
]


def load(demo: DemoNetwork) -> None:
    network, coordinator = demo.network, demo.coordinator
    zone = ZoneInfo(network.time_zone)
    today = timezone.localdate()
    year = today.year

    def at(day: int, month: int, hour: int, the_year: int = year) -> datetime:
        return datetime.combine(datetime(the_year, month, day).date(), time(hour), tzinfo=zone)

    people = list(network.people.select_related("user").order_by("pk"))
    groups = []
    for name, description, objectives in (
        (
            "Incidencia y políticas públicas",
            "Coordina las acciones de incidencia conjunta de la red.",
            [
                ("Publicar un informe regional sobre participación", Decimal(60)),
                ("Realizar dos audiencias públicas", Decimal(25)),
            ],
        ),
        (
            "Comunicación",
            "Cuida el boletín, las redes sociales y la identidad de la red.",
            [("Lanzar el boletín semanal", Decimal(100)), ("Renovar el sitio web", Decimal(40))],
        ),
    ):
        group = actions.save_group(
            actor=coordinator, network=network, name=name, description=description
        )
        groups.append(group)
        for index, person in enumerate(people[len(groups) * 3 : len(groups) * 3 + 5]):
            actions.set_group_member(actor=coordinator, group=group, person=person, lead=index == 0)
        for title, progress in objectives:
            actions.save_objective(
                actor=coordinator, group=group, year=year, title=title, progress=progress
            )
        actions.add_output(
            actor=coordinator,
            group=group,
            title=f"Documento de trabajo: {name.lower()}",
            on=today - timedelta(days=30 * len(groups)),
            url="https://example.org/documento",
        )

    # The monthly virtual meeting, all year, on the first Tuesday's date of January.
    actions.save_event(
        actor=coordinator,
        network=network,
        kind=EventKind.MONTHLY_VIRTUAL,
        title="Reunión mensual de la red",
        description="Cada grupo de trabajo comparte sus avances.",
        starts_at=at(6, 1, 18),
        ends_at=at(6, 1, 19) + timedelta(minutes=30),
        recurrence=Recurrence.MONTHLY,
        occurrences=12,
        link="https://meet.example.org/red-mensual",
        public=True,
    )
    # A workshop every other month, past and coming.
    events = []
    for index, month in enumerate(range(2, 13, 2)):
        topic, title = WORKSHOPS[index % len(WORKSHOPS)]
        events.append(
            actions.save_event(
                actor=coordinator,
                network=network,
                kind=EventKind.WORKSHOP,
                title=title,
                topic=topic,
                starts_at=at(15, month, 10),
                ends_at=at(15, month, 13),
                link="https://meet.example.org/taller",
                speakers="Equipo de Fundación Andina",
                external_speakers=index % 2 == 0,
                capacity=4 if index == 5 else 30,
                public=index % 2 == 0,
                group=groups[index % 2] if index in (1, 3) else None,
            )
        )
    for month, place in ((4, "Bogotá, Colombia"), (10, "São Paulo, Brasil")):
        actions.save_event(
            actor=coordinator,
            network=network,
            kind=EventKind.FACE_TO_FACE,
            title=f"Encuentro presencial en {place.split(',')[0]}",
            starts_at=at(20, month, 9),
            ends_at=at(21, month, 17),
            place=place,
            capacity=60,
            public=True,
        )
    actions.save_event(
        actor=coordinator,
        network=network,
        kind=EventKind.REFLECTION,
        title="Espacio de reflexión: cuidados en la red",
        starts_at=at(1, 12, 17),
        ends_at=at(1, 12, 18),
        link="https://meet.example.org/reflexion",
    )
    # A coming event, whatever the demo's date: a week from today, in the network's zone.
    soon = timezone.localtime(timezone.now(), zone).replace(
        hour=16, minute=0, second=0, microsecond=0
    ) + timedelta(days=7)
    coming = actions.save_event(
        actor=coordinator,
        network=network,
        kind=EventKind.WORKSHOP,
        title="Taller: presentación de la caja de herramientas",
        topic=WorkshopTopic.OTHER,
        topic_other="Herramientas digitales",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        link="https://meet.example.org/herramientas",
        capacity=3,
        public=True,
    )
    # Registrations: the coming workshop is full, with a waiting list.
    for person in people[:5]:
        actions.register(actor=person.user, event=coming)
    # Attendance and minutes of the workshops already held.
    for event in events:
        if event.last_ends_at >= timezone.now():
            continue
        # History: registrations of events already over (no action takes those).
        registrations = [
            Registration.objects.create(
                event=event, person=person, status=RegistrationStatus.REGISTERED
            )
            for person in people[5:12]
        ]
        actions.set_attendance(
            actor=coordinator,
            event=event,
            attended={r.pk: i % 3 != 0 for i, r in enumerate(registrations)},
        )
        actions.save_minutes(
            actor=coordinator,
            event=event,
            agenda="1. Presentación\n2. Trabajo en grupos\n3. Acuerdos",
            minutes="Se acordó compartir los materiales en la biblioteca de recursos.",
        )
    # News for the digest: this week's and last week's.
    for days, title, body in (
        (
            1,
            "Bienvenida a tres nuevas organizaciones",
            "Se suman organizaciones de Chile y México.",
        ),
        (6, "Abierta la consulta sobre el plan estratégico", "Hasta fin de mes."),
    ):
        news = actions.post_news(actor=coordinator, network=network, title=title, body=body)
        news.published_at = timezone.now() - timedelta(days=days)
        news.save(update_fields=["published_at"])
