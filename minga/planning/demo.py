"""The demo network's strategic plan, complete enough that its document reads like a real
one: a dozen PESTEL trends rated by the members, a full SWOT board weighed by them, the
basis started from the method's example and refined since, eight objectives prioritized by
the member organizations (four adopted) and three programmatic projects with results,
indicators and a year of monthly measurements."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone, translation

from minga.core.demo import DemoNetwork
from minga.core.models import Person, User
from minga.planning import actions, queries
from minga.planning.models import (
    Impact,
    Objective,
    PestelCategory,
    PestelFactor,
    ProgrammaticProject,
    Result,
    ResultKind,
    Stakeholder,
    SwotQuadrant,
)

# (key, category, trend, description, probability, impact): the probability and impact
# are where the members' ratings gather, so that the ranking means something.
TRENDS: list[tuple[str, str, str, str, int, str]] = [
    (
        "polarization",
        PestelCategory.POLITICAL,
        "Polarización política y caída de la confianza en las instituciones democráticas",
        "Las encuestas regionales muestran que menos de un tercio de la población confía en "
        "los partidos y los parlamentos; crecen los liderazgos que desprecian la deliberación.",
        5,
        Impact.HIGH,
    ),
    (
        "local_openness",
        PestelCategory.POLITICAL,
        "Gobiernos locales que abren mecanismos de participación: presupuestos participativos "
        "y asambleas ciudadanas",
        "Varias alcaldías de Colombia, Chile, México y Brasil ensayan asambleas por sorteo y "
        "buscan quien las acompañe técnicamente.",
        4,
        Impact.HIGH,
    ),
    (
        "cooperation_cuts",
        PestelCategory.ECONOMIC,
        "Reducción de la cooperación internacional hacia América Latina",
        "Los donantes priorizan otras regiones y reducen los fondos para sociedad civil y "
        "gobernanza democrática.",
        4,
        Impact.HIGH,
    ),
    (
        "inflation",
        PestelCategory.ECONOMIC,
        "Inflación y volatilidad cambiaria que encarecen la operación de las organizaciones",
        "Afecta sobre todo a las organizaciones pequeñas de Argentina y Colombia, que cobran "
        "en moneda local y pagan servicios en dólares.",
        3,
        Impact.LOW,
    ),
    (
        "youth",
        PestelCategory.SOCIAL,
        "Juventudes que se movilizan por fuera de los partidos políticos",
        "Estallidos y movimientos estudiantiles y climáticos muestran una generación que "
        "participa, pero desconfía de los canales tradicionales.",
        4,
        Impact.MEDIUM,
    ),
    (
        "movements",
        PestelCategory.SOCIAL,
        "Fortalecimiento de los movimientos feministas, indígenas y afrodescendientes",
        "Sus agendas ganan lugar en la opinión pública y exigen una democracia que los "
        "incluya en las decisiones.",
        3,
        Impact.MEDIUM,
    ),
    (
        "disinformation",
        PestelCategory.TECHNOLOGICAL,
        "Desinformación y discursos de odio en las redes sociales",
        "Campañas coordinadas atacan procesos participativos y a quienes los defienden, sobre "
        "todo en períodos electorales.",
        5,
        Impact.HIGH,
    ),
    (
        "civic_tech",
        PestelCategory.TECHNOLOGICAL,
        "Difusión de herramientas digitales abiertas de participación y de datos abiertos",
        "Plataformas libres como Decidim o Consul y portales de datos abiertos bajan el costo "
        "de consultar y deliberar.",
        4,
        Impact.MEDIUM,
    ),
    (
        "territorial_conflicts",
        PestelCategory.ENVIRONMENTAL,
        "Aumento de los conflictos socioambientales por el uso del territorio",
        "Minería, agua y proyectos de infraestructura enfrentan a comunidades, empresas y "
        "Estados; la región es la más peligrosa para quienes defienden el ambiente.",
        4,
        Impact.HIGH,
    ),
    (
        "climate_events",
        PestelCategory.ENVIRONMENTAL,
        "Eventos climáticos extremos que afectan a las comunidades más vulnerables",
        "Sequías, incendios e inundaciones desplazan prioridades públicas y ponen la "
        "adaptación climática en la agenda local.",
        5,
        Impact.MEDIUM,
    ),
    (
        "escazu",
        PestelCategory.LEGAL,
        "Implementación del Acuerdo de Escazú sobre acceso a la información, la participación "
        "y la justicia ambiental",
        "Los Estados que lo ratificaron deben crear mecanismos de participación ambiental; la "
        "mayoría aún no sabe cómo hacerlo.",
        3,
        Impact.HIGH,
    ),
    (
        "restrictive_laws",
        PestelCategory.LEGAL,
        "Leyes que restringen el registro y el financiamiento extranjero de las organizaciones "
        "civiles",
        "Proyectos de ley de agentes extranjeros y nuevos requisitos de registro se discuten "
        "en varios países de la región.",
        2,
        Impact.HIGH,
    ),
]

# (quadrant, text, trend keys, weight the members tend to give it)
SWOT: list[tuple[str, str, tuple[str, ...], int]] = [
    (
        SwotQuadrant.STRENGTH,
        "Cuarenta organizaciones de cinco países con trayectoria en participación ciudadana.",
        (),
        5,
    ),
    (
        SwotQuadrant.STRENGTH,
        "Experiencia acumulada en metodologías deliberativas: asambleas ciudadanas, "
        "presupuestos participativos y sorteo.",
        (),
        4,
    ),
    (
        SwotQuadrant.STRENGTH,
        "Relaciones de confianza y trabajo horizontal entre las organizaciones miembro.",
        (),
        4,
    ),
    (
        SwotQuadrant.STRENGTH,
        "Capacidad de producir conocimiento aplicado: guías, manuales y estudios regionales.",
        (),
        3,
    ),
    (
        SwotQuadrant.STRENGTH,
        "Presencia territorial en zonas rurales, amazónicas y periferias urbanas.",
        (),
        3,
    ),
    (
        SwotQuadrant.WEAKNESS,
        "Dependencia de pocas fuentes de financiamiento de la cooperación internacional.",
        (),
        5,
    ),
    (
        SwotQuadrant.WEAKNESS,
        "Secretaría técnica con poco personal y alta rotación.",
        (),
        4,
    ),
    (
        SwotQuadrant.WEAKNESS,
        "Comunicación externa débil: la red es poco conocida fuera de sus miembros.",
        (),
        3,
    ),
    (
        SwotQuadrant.WEAKNESS,
        "Barreras de idioma entre las organizaciones de habla hispana y portuguesa.",
        (),
        2,
    ),
    (
        SwotQuadrant.WEAKNESS,
        "Participación desigual: pocas organizaciones sostienen la mayor parte del trabajo.",
        (),
        4,
    ),
    (
        SwotQuadrant.OPPORTUNITY,
        "Municipios interesados en asambleas ciudadanas y presupuestos participativos buscan "
        "acompañamiento técnico.",
        ("local_openness",),
        5,
    ),
    (
        SwotQuadrant.OPPORTUNITY,
        "El Acuerdo de Escazú obliga a los Estados a abrir la participación en asuntos "
        "ambientales.",
        ("escazu", "territorial_conflicts"),
        4,
    ),
    (
        SwotQuadrant.OPPORTUNITY,
        "Juventudes movilizadas que buscan espacios de formación e incidencia.",
        ("youth",),
        4,
    ),
    (
        SwotQuadrant.OPPORTUNITY,
        "Herramientas digitales abiertas y de bajo costo para consultar y deliberar.",
        ("civic_tech",),
        3,
    ),
    (
        SwotQuadrant.OPPORTUNITY,
        "Agendas feministas, indígenas y afrodescendientes que piden una democracia más diversa.",
        ("movements",),
        3,
    ),
    (
        SwotQuadrant.THREAT,
        "Recorte de los fondos de cooperación internacional para la región.",
        ("cooperation_cuts", "inflation"),
        5,
    ),
    (
        SwotQuadrant.THREAT,
        "Leyes que restringen a las organizaciones civiles y su financiamiento.",
        ("restrictive_laws", "polarization"),
        4,
    ),
    (
        SwotQuadrant.THREAT,
        "Campañas de desinformación contra los procesos participativos y sus promotores.",
        ("disinformation", "polarization"),
        4,
    ),
    (
        SwotQuadrant.THREAT,
        "Conflictos socioambientales que ponen en riesgo a defensoras y defensores.",
        ("territorial_conflicts", "climate_events"),
        3,
    ),
]

PILLARS = [
    (
        "Democracia Diversa",
        Stakeholder.COMMUNITY,
        "Una democracia que incluye a mujeres, pueblos indígenas y afrodescendientes, "
        "personas LGBTIQ+ y juventudes en los espacios donde se decide.",
    ),
    (
        "Democracia Ambiental",
        Stakeholder.PUBLIC_INSTITUTIONS,
        "Acceso a la información, participación y justicia en asuntos ambientales, que las "
        "instituciones públicas deben garantizar, como propone el Acuerdo de Escazú.",
    ),
    (
        "Democracia Innovadora",
        Stakeholder.ALLIANCES,
        "Nuevas formas de participar: tecnología cívica, deliberación y sorteo, junto con "
        "universidades, laboratorios y otras redes.",
    ),
]

# (key, pillar, title, description)
OBJECTIVES = [
    (
        "knowledge",
        2,
        "Generar conocimiento, herramientas y metodologías para la innovación democrática",
        "Sistematizar lo que las organizaciones de la red ya saben hacer y ponerlo a "
        "disposición de todas, con licencias abiertas.",
    ),
    (
        "leadership",
        0,
        "Formar liderazgos diversos para la participación y la incidencia",
        "Mujeres, juventudes y personas de pueblos indígenas y afrodescendientes que lideran "
        "procesos democráticos en sus territorios.",
    ),
    (
        "dialogue",
        0,
        "Abrir espacios de diálogo e incidencia con quienes toman decisiones",
        "Audiencias, mesas de trabajo y encuentros regionales con parlamentos, gobiernos y "
        "organismos internacionales.",
    ),
    (
        "technical_support",
        1,
        "Brindar asistencia técnica a instituciones públicas para implementar mecanismos de "
        "participación",
        "Acompañar a gobiernos locales y nacionales, empezando por la participación ambiental "
        "que exige el Acuerdo de Escazú.",
    ),
    (
        "climate_assemblies",
        1,
        "Impulsar asambleas ciudadanas sobre el clima en ciudades de la región",
        "",
    ),
    (
        "indigenous_participation",
        1,
        "Promover la participación de pueblos indígenas en las decisiones sobre sus territorios",
        "",
    ),
    (
        "disinformation",
        2,
        "Monitorear y contrarrestar la desinformación contra los procesos participativos",
        "",
    ),
    (
        "visibility",
        0,
        "Visibilizar la participación política de mujeres y personas LGBTIQ+",
        "",
    ),
]
# The method's four examples: what the member organizations put first.
FAVOURED = ("leadership", "knowledge", "technical_support", "dialogue")


@dataclass(frozen=True)
class IndicatorSheet:
    name: str
    unit: str
    baseline: int
    target: int
    # How far towards the target the twelfth measurement gets, and how it got there:
    # "linear", "slow" (a slow start) or "cohort" (all at once when a cohort finishes).
    reached: float
    shape: str = "linear"
    imported: bool = False


@dataclass(frozen=True)
class ResultSheet:
    kind: str
    description: str
    due_months: int  # after the start; 0 is the project's end
    progress: int  # what the team records, where the result has no indicator
    indicators: tuple[IndicatorSheet, ...] = ()


@dataclass(frozen=True)
class ProjectSheet:
    objective: str
    title: str
    impact_objective: str
    specific_objective: str
    staff: str
    extra_resources: str
    general_indicators: str
    # Indexes into the demo's people: axis referent, line referent, responsible.
    team: tuple[int, int, int]
    # Start (months before this month, day) and end (months after this month).
    start: tuple[int, int]
    end_months: int
    results: tuple[ResultSheet, ...]
    indicators: tuple[IndicatorSheet, ...]


PROJECTS = [
    ProjectSheet(
        objective="leadership",
        title="Escuela Latinoamericana de Liderazgos Democráticos",
        impact_objective="Contribuir a democracias más diversas en América Latina, donde "
        "mujeres, juventudes, pueblos indígenas y personas LGBTIQ+ ocupen espacios de decisión.",
        specific_objective="Formar en un año a 120 líderes y lideresas de las organizaciones "
        "de la red en participación, deliberación e incidencia, con al menos 60 % de mujeres.",
        staff="Una coordinadora académica a media jornada, dos facilitadoras regionales y un "
        "asistente de la plataforma virtual.",
        extra_resources="Plataforma de aprendizaje virtual, becas de conectividad para 40 "
        "participantes y un encuentro presencial de cierre en Bogotá.",
        general_indicators="Personas formadas y proporción de mujeres entre ellas; planes de "
        "incidencia presentados; iniciativas impulsadas por las personas egresadas seis meses "
        "después del cierre.",
        team=(8, 26, 20),
        start=(11, 1),
        end_months=1,
        results=(
            ResultSheet(
                ResultKind.INTERMEDIATE,
                "Currículo de seis módulos validado con las organizaciones miembro.",
                2,
                100,
            ),
            ResultSheet(
                ResultKind.INTERMEDIATE,
                "Primera cohorte de 60 participantes certificada.",
                7,
                0,
                (
                    IndicatorSheet(
                        "Participantes certificados de la primera cohorte",
                        "personas",
                        0,
                        60,
                        0.95,
                        "cohort",
                    ),
                ),
            ),
            ResultSheet(
                ResultKind.FINAL,
                "120 líderes y lideresas formados, con planes de incidencia en sus territorios.",
                0,
                0,
                (
                    IndicatorSheet(
                        "Planes de incidencia presentados", "planes", 0, 40, 0.45, "slow"
                    ),
                ),
            ),
        ),
        indicators=(
            IndicatorSheet("Personas formadas", "personas", 0, 120, 0.7),
            IndicatorSheet("Mujeres entre las personas formadas", "%", 45, 60, 0.8),
        ),
    ),
    ProjectSheet(
        objective="knowledge",
        title="Caja de herramientas para la innovación democrática",
        impact_objective="Que las organizaciones y las instituciones de la región cuenten con "
        "conocimiento y herramientas abiertas para innovar en participación ciudadana.",
        specific_objective="Sistematizar, publicar y difundir diez metodologías probadas por "
        "las organizaciones de la red, en español y portugués, con licencia abierta.",
        staff="Una investigadora principal, una editora, un diseñador gráfico y un "
        "desarrollador web a tiempo parcial; un grupo de trabajo de seis organizaciones.",
        extra_resources="Alojamiento del sitio, traducción al portugués y diseño editorial.",
        general_indicators="Metodologías publicadas; descargas de la caja de herramientas; "
        "organizaciones e instituciones que aplican al menos una herramienta.",
        team=(31, 10, 21),
        start=(12, 15),
        end_months=1,
        results=(
            ResultSheet(
                ResultKind.INTERMEDIATE,
                "Treinta experiencias de innovación democrática de la red sistematizadas.",
                4,
                0,
                (IndicatorSheet("Experiencias sistematizadas", "experiencias", 0, 30, 0.9),),
            ),
            ResultSheet(
                ResultKind.INTERMEDIATE,
                "Diez metodologías redactadas, revisadas por pares y traducidas.",
                9,
                0,
                (IndicatorSheet("Metodologías publicadas", "metodologías", 0, 10, 0.6, "slow"),),
            ),
            ResultSheet(
                ResultKind.FINAL,
                "Caja de herramientas en línea, usada por organizaciones e instituciones de "
                "cinco países.",
                0,
                0,
                (
                    IndicatorSheet(
                        "Organizaciones que aplicaron una herramienta",
                        "organizaciones",
                        0,
                        25,
                        0.36,
                        "slow",
                    ),
                ),
            ),
        ),
        indicators=(
            IndicatorSheet(
                "Descargas de la caja de herramientas",
                "descargas",
                0,
                5000,
                0.55,
                "slow",
                imported=True,
            ),
        ),
    ),
    ProjectSheet(
        objective="technical_support",
        title="Municipios por Escazú: acompañamiento a gobiernos locales",
        impact_objective="Avanzar hacia una democracia ambiental efectiva en América Latina, "
        "con acceso a la información, participación y justicia en asuntos ambientales.",
        specific_objective="Acompañar a ocho municipios de Chile, Colombia y México para que "
        "diseñen y pongan en marcha mecanismos de participación ambiental acordes con el "
        "Acuerdo de Escazú.",
        staff="Un coordinador técnico, dos asesoras en derecho ambiental y facilitadores "
        "locales de las organizaciones miembro en cada municipio.",
        extra_resources="Viajes a los municipios, una guía de implementación y un convenio "
        "con el Centro de Estudios Territoriales para los diagnósticos.",
        general_indicators="Municipios con convenio; funcionarios capacitados; mecanismos de "
        "participación ambiental en funcionamiento; días de respuesta a las solicitudes de "
        "información ambiental.",
        team=(9, 15, 23),
        start=(11, 1),
        end_months=3,
        results=(
            ResultSheet(
                ResultKind.INTERMEDIATE,
                "Convenios firmados y diagnóstico participativo en ocho municipios.",
                4,
                0,
                (IndicatorSheet("Municipios con convenio firmado", "municipios", 0, 8, 1.0),),
            ),
            ResultSheet(
                ResultKind.INTERMEDIATE,
                "Funcionarias y funcionarios municipales capacitados en el Acuerdo de Escazú.",
                8,
                0,
                (IndicatorSheet("Funcionarios capacitados", "personas", 0, 160, 0.7),),
            ),
            ResultSheet(
                ResultKind.FINAL,
                "Mecanismos de participación ambiental funcionando en al menos cinco municipios.",
                0,
                0,
                (
                    IndicatorSheet(
                        "Mecanismos de participación ambiental en funcionamiento",
                        "mecanismos",
                        0,
                        5,
                        0.4,
                        "slow",
                    ),
                ),
            ),
        ),
        indicators=(
            # Fewer days is better: the target lies below the baseline.
            IndicatorSheet(
                "Días promedio de respuesta a solicitudes de información ambiental",
                "días",
                45,
                15,
                0.65,
            ),
        ),
    ),
]


def load(demo: DemoNetwork) -> None:
    network, coordinator = demo.network, demo.coordinator
    factors = _analysis(demo)
    _swot(demo, factors)
    with translation.override(network.language):
        actions.apply_basis_template(actor=coordinator, network=network)
    _refine_basis(demo)
    objectives = _objectives(demo)
    _prioritize(demo, objectives)
    for sheet in PROJECTS:
        _project(demo, objectives[sheet.objective], sheet)


def _analysis(demo: DemoNetwork) -> dict[str, PestelFactor]:
    """Members add the trends and rate them; their ratings scatter around where the trend
    stands, so that the matrix shows a spread and the ranking an order."""
    network, rng, people = demo.network, demo.rng, demo.people
    levels = [Impact.LOW, Impact.MEDIUM, Impact.HIGH]
    factors = {}
    for index, (key, category, trend, description, probability, impact) in enumerate(TRENDS):
        raters = rng.sample(people, rng.randint(5, 7))
        ratings = [
            (
                min(5, max(1, probability + rng.choice((-1, 0, 0, 0, 1)))),
                impact
                if rng.random() < 0.7
                else levels[min(2, max(0, levels.index(Impact(impact)) + rng.choice((-1, 1))))],
            )
            for _person in raters
        ]
        # Whoever adds a trend rates it at once; the coordinator adds every fourth.
        if index % 4 == 0:
            author, (own_probability, own_impact) = demo.coordinator, (probability, impact)
        else:
            author, (own_probability, own_impact) = raters[0].user, ratings[0]
            raters, ratings = raters[1:], ratings[1:]
        factor = actions.save_trend(
            actor=author,
            network=network,
            category=category,
            trend=trend,
            description=description,
            probability=own_probability,
            impact=own_impact,
        )
        for person, (rated, level) in zip(raters, ratings, strict=True):
            actions.rate_trend(actor=person.user, factor=factor, probability=rated, impact=level)
        factors[key] = factor
    return factors


def _swot(demo: DemoNetwork, factors: dict[str, PestelFactor]) -> None:
    network, rng, people = demo.network, demo.rng, demo.people
    for index, (quadrant, text, trend_keys, weight) in enumerate(SWOT):
        author = people[(index * 7) % len(people)].user
        item = actions.add_swot_item(
            actor=author,
            network=network,
            quadrant=quadrant,
            text=text,
            trends=[factors[key].pk for key in trend_keys],
        )
        # The heavier notes are weighed by more people.
        for person in rng.sample(people, max(1, rng.randint(weight - 1, weight))):
            actions.weigh_swot_item(
                actor=person.user,
                item=item,
                weight=min(5, max(1, weight + rng.choice((-1, 0, 0, 1)))),
            )


def _refine_basis(demo: DemoNetwork) -> None:
    """After the assembly's discussion the coordinator rewrites the example in the
    network's own words (two versions of the texts), then each pillar's description (a
    version each; the names in Spanish whether or not the template's are translated)."""
    network, coordinator = demo.network, demo.coordinator
    actions.save_basis(
        actor=coordinator,
        network=network,
        purpose="Existimos porque ninguna organización sola puede renovar la democracia: "
        "juntas multiplicamos lo que cada una hace en su territorio.",
        values="Colaboración, diversidad, transparencia, horizontalidad, cuidado y "
        "rendición de cuentas.",
    )
    actions.save_basis(
        actor=coordinator,
        network=network,
        mission="Fortalecer la democracia en América Latina conectando a las organizaciones "
        "que innovan en participación ciudadana, para que aprendan, incidan y actúen juntas "
        "durante los próximos cuatro años.",
        vision="Una región donde la ciudadanía participa en las decisiones que la afectan, "
        "con democracias diversas, ambientalmente responsables e innovadoras.",
    )
    for pillar, (name, stakeholder, description) in zip(
        queries.pillars(network), PILLARS, strict=True
    ):
        actions.save_pillar(
            actor=coordinator,
            network=network,
            pillar=pillar,
            name=name,
            stakeholder=stakeholder,
            description=description,
            weight=pillar.weight,
        )


def _objectives(demo: DemoNetwork) -> dict[str, Objective]:
    network = demo.network
    pillars = list(queries.pillars(network))
    found = {}
    for index, (key, pillar, title, description) in enumerate(OBJECTIVES):
        # The method's examples come from the coordination; members add the rest.
        author = demo.coordinator if index < 4 else demo.people[index * 5].user
        found[key] = actions.save_objective(
            actor=author,
            network=network,
            pillar=pillars[pillar],
            title=title,
            description=description,
        )
    return found


def _prioritize(demo: DemoNetwork, objectives: dict[str, Objective]) -> None:
    """Dot voting, one ballot per member organization: each places three dots on the
    objectives it cares for most and two wherever it likes; the round is then closed and
    its first four adopted."""
    network, coordinator, rng = demo.network, demo.coordinator, demo.rng
    today = timezone.localdate()
    prioritization = actions.open_prioritization(
        actor=coordinator,
        network=network,
        title=f"Priorización de objetivos {today.year}–{today.year + 3}",
        closes_at=timezone.now() + timedelta(days=14),
        dots=5,
        adopt=4,
    )
    favoured = [objectives[key].pk for key in FAVOURED]
    everything = [objective.pk for objective in objectives.values()]
    free_weights = [3 if pk in favoured else 2 for pk in everything]
    # Which favoured objective each ballot leaves out of its three: the first ones seldom.
    left_out = (3, 2, 3, 1, 2, 3, 0, 2)
    # One person casts for each organization (the demo's people represent one each).
    voters: dict[int, Person] = {}
    for person in demo.people:
        if person.organization_id is not None:
            voters.setdefault(person.organization_id, person)
    for index, person in enumerate(list(voters.values())[:24]):
        marks = dict.fromkeys(
            (pk for n, pk in enumerate(favoured) if n != left_out[index % len(left_out)]), 1
        )
        for pk in rng.choices(everything, weights=free_weights, k=2):
            marks[pk] = marks.get(pk, 0) + 1
        actions.cast_ballot(actor=person.user, prioritization=prioritization, marks=marks)
    closed = actions.close_prioritization(actor=coordinator, prioritization=prioritization)
    actions.adopt_objectives(actor=coordinator, prioritization=closed)


def _months(day: date, months: int) -> tuple[int, int]:
    """(year, month) `months` after the month of `day` (before, if negative)."""
    month = day.month - 1 + months
    return day.year + month // 12, month % 12 + 1


def _on(day: date, months: int, day_of_month: int) -> date:
    year, month = _months(day, months)
    return date(year, month, day_of_month)


def _end_of(day: date, months: int) -> date:
    year, month = _months(day, months + 1)
    return date(year, month, 1) - timedelta(days=1)


def _project(demo: DemoNetwork, objective: Objective, sheet: ProjectSheet) -> None:
    network, coordinator, people = demo.network, demo.coordinator, demo.people
    today = timezone.localdate()
    starts_on = _on(today, -sheet.start[0], sheet.start[1])
    ends_on = _end_of(today, sheet.end_months)
    axis, line, responsible = (people[i] for i in sheet.team)
    project = actions.save_project(
        actor=coordinator,
        network=network,
        objective=objective,
        title=sheet.title,
        starts_on=starts_on,
        ends_on=ends_on,
        impact_objective=sheet.impact_objective,
        specific_objective=sheet.specific_objective,
        axis_referent=axis,
        line_referent=line,
        responsible=responsible,
        staff=sheet.staff,
        extra_resources=sheet.extra_resources,
        general_indicators=sheet.general_indicators,
    )
    # Twelve monthly measurements, the last on or before today.
    day = min(today.day, 28)
    dates = [_on(today, months, day) for months in range(-11, 1)]
    for result_sheet in sheet.results:
        due_on = (
            ends_on if result_sheet.due_months == 0 else _on(starts_on, result_sheet.due_months, 28)
        )
        result = actions.save_result(
            actor=coordinator,
            project=project,
            kind=result_sheet.kind,
            description=result_sheet.description,
            due_on=due_on,
            progress=Decimal(result_sheet.progress),
        )
        for indicator_sheet in result_sheet.indicators:
            _indicator(demo, project, responsible, indicator_sheet, dates, result)
    for indicator_sheet in sheet.indicators:
        _indicator(demo, project, responsible, indicator_sheet, dates, None)


def _indicator(
    demo: DemoNetwork,
    project: ProgrammaticProject,
    responsible: Person,
    sheet: IndicatorSheet,
    dates: list[date],
    result: Result | None,
) -> None:
    indicator = actions.save_indicator(
        actor=demo.coordinator,
        project=project,
        name=sheet.name,
        unit=sheet.unit,
        baseline=Decimal(sheet.baseline),
        target=Decimal(sheet.target),
        result=result,
    )
    values = _series(demo.rng, sheet, len(dates))
    recorder: User = responsible.user
    # The team kept its monitoring spreadsheet (as a Spanish spreadsheet saves it: day
    # first, decimal comma, semicolons) and imported it; the latest month is recorded here.
    imported = len(dates) if sheet.imported else len(dates) - 1
    note = "Estadísticas del sitio" if sheet.imported else "Planilla de seguimiento"
    rows = ["date;value;note"] + [
        f"{day.strftime('%d/%m/%Y')};{str(value).replace('.', ',')};{note}"
        for day, value in zip(dates[:imported], values[:imported], strict=True)
    ]
    actions.import_measurements(
        actor=recorder,
        indicator=indicator,
        data="\n".join(rows).encode(),
        name="descargas.csv" if sheet.imported else "seguimiento.csv",
    )
    for day, value in zip(dates[imported:], values[imported:], strict=True):
        actions.record_measurement(
            actor=recorder,
            indicator=indicator,
            measured_on=day,
            value=value,
            note="Informe mensual del equipo",
        )


def _series(rng: random.Random, sheet: IndicatorSheet, count: int) -> list[Decimal]:
    """Monthly values from the baseline towards `reached` of the way to the target:
    counts only grow; a percentage or an average wanders a little on its way."""
    span = sheet.target - sheet.baseline
    counted = sheet.unit not in ("%", "días")
    values = []
    for month in range(count):
        share = month / (count - 1)
        if sheet.shape == "slow":
            share = share**2
        elif sheet.shape == "cohort":
            share = 0.0 if month < 7 else 1.0
        value = sheet.baseline + span * sheet.reached * share
        if counted:
            values.append(Decimal(round(value)))
        else:
            wander = 0.0 if month in (0, count - 1) else rng.uniform(-0.06, 0.06) * abs(span)
            values.append(Decimal(str(round(value + wander, 1))))
    if counted:
        for month in range(1, count):
            values[month] = max(values[month], values[month - 1])
    return values
