"""The demo network's communication: a year of meetings and workshops (a monthly virtual
meeting repeating all year, workshops, two face-to-face meetings, several public and
several upcoming), registrations with a full workshop and its waiting list, attendance
and minutes of past meetings, and two working groups with objectives and outputs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

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
    zone = network.zone()
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
    _library(demo)
    _consultations(demo)
    _digest_history(demo)


def _digest_history(demo: DemoNetwork) -> None:
    """The three previous weeks' digests, as if sent (the sendings a coordinator sees)."""
    from minga.communication import digest
    from minga.communication.models import Digest, DigestStatus

    people = list(demo.network.people.exclude(user__email="").order_by("pk"))
    for weeks in (1, 2, 3):
        when = digest.current_period("weekly", timezone.localdate() - timedelta(weeks=weeks))
        Digest.objects.bulk_create(
            Digest(
                person=person, period=when.name, status=DigestStatus.SENT, sent_at=timezone.now()
            )
            for person in people[: 30 + weeks * 3]
        )


def _consultations(demo: DemoNetwork) -> None:
    network, coordinator = demo.network, demo.coordinator
    people = list(network.people.select_related("user").order_by("pk")[:15])
    open_one = actions.open_consultation(
        actor=coordinator,
        network=network,
        question="¿Qué tema prefieren para el próximo taller?",
        kind="choice",
        choices=["Sostenibilidad financiera", "Comunicación digital", "Incidencia"],
        closes_at=timezone.now() + timedelta(days=10),
    )
    for index, person in enumerate(people[:9]):
        actions.answer_consultation(
            actor=person.user, consultation=open_one, choice=open_one.choices[index % 3]
        )
    rating = actions.open_consultation(
        actor=coordinator,
        network=network,
        question="¿Qué tan útil fue el último encuentro presencial?",
        kind="rating",
        closes_at=timezone.now() + timedelta(days=3),
    )
    for index, person in enumerate(people[:6]):
        actions.answer_consultation(actor=person.user, consultation=rating, rating=3 + index % 3)


def _picture(color: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (480, 270), color).save(buffer, format="PNG")
    return buffer.getvalue()


RESOURCES = [
    ("Guía para facilitar asambleas ciudadanas", "es", "cc-by"),
    ("Manual de incidencia política para redes", "es", "cc-by-sa"),
    ("Caja de herramientas de participación digital", "es", "cc-by"),
    ("Plantilla de plan de sostenibilidad", "es", "cc0"),
    ("Guia de mobilização de recursos", "pt", "cc-by"),
    ("Manual de comunicação para redes", "pt", "cc-by-nc"),
    ("Participação cidadã nos municípios", "pt", "cc-by"),
    ("Toolkit for deliberative mini-publics", "en", "cc-by"),
    ("Sortition and citizens' assemblies: a primer", "en", "cc-by-sa"),
    ("Protocolo de prevención de violencias: modelo", "es", "cc-by"),
    ("Código de ética: ejemplos de redes", "es", "reserved"),
    ("Matriz FODA para redes", "es", "cc0"),
    ("Análisis PESTEL paso a paso", "es", "cc-by"),
    ("Indicadores de proyectos sociales", "es", "cc-by-nc"),
    ("Diseño de encuestas con KoboToolbox", "es", "cc-by"),
    ("Guia de transparência ativa", "pt", "cc-by"),
    ("Juventudes y participación política", "es", "cc-by"),
    ("Democracia ambiental en América Latina", "es", "cc-by-sa"),
    ("Presupuestos participativos: lecciones", "es", "cc-by"),
    ("Gobierno abierto local", "es", "other"),
]


def _library(demo: DemoNetwork) -> None:
    network, coordinator = demo.network, demo.coordinator
    for index, (title, organization) in enumerate(
        (
            ("Escuela de liderazgo juvenil 2026", demo.organizations[3]),
            ("Observatorio ciudadano del agua", demo.organizations[8]),
            ("Festival de la participación", demo.organizations[15]),
        )
    ):
        actions.promote_initiative(
            actor=coordinator,
            network=network,
            organization=organization,
            title=title,
            description="Una iniciativa abierta a las organizaciones de la red.",
            links=["https://example.org/iniciativa"],
            image=_picture(((40 + 70 * index) % 255, 120, 160)) if index < 2 else None,
            image_name="foto.png",
        )
    people = list(network.people.select_related("user").order_by("pk")[:10])
    for index, (title, language, licence) in enumerate(RESOURCES):
        sharer = people[index % len(people)].user
        as_file = index % 2 == 0
        actions.share_resource(
            actor=sharer,
            network=network,
            title=title,
            description="Material de trabajo compartido por una organización de la red.",
            url="" if as_file else f"https://recursos.example.org/{index + 1}",
            content=f"{title}\n\nContenido de ejemplo.\n".encode() if as_file else None,
            file_name=f"recurso-{index + 1}.txt" if as_file else "",
            language=language,
            licence=licence,
        )
