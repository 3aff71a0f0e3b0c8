"""The core of the demo network: a Latin-American network for democratic innovation.

All names are fictional. Apps add their own demo data in `minga/<app>/demo.py`
(a `load(demo: DemoNetwork)` function), called in the order of the method's steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from minga.core import actions
from minga.core.models import Network, Organization, Person, RoleName, StepState, User

DEMO_PASSWORD = "minga-demo"

# (name, country, city, type, size, themes); content in the network's first language, Spanish.
ORGANIZATIONS: list[tuple[str, str, str, str, str, list[str]]] = [
    (
        "Ciudadanía Activa del Plata",
        "AR",
        "Buenos Aires",
        "ngo",
        "medium",
        ["Participación ciudadana", "Incidencia política"],
    ),
    (
        "Fundación Puentes Comunitarios",
        "AR",
        "Rosario",
        "foundation",
        "small",
        ["Participación ciudadana", "Juventudes"],
    ),
    (
        "Colectivo Voces del Litoral",
        "AR",
        "Resistencia",
        "collective",
        "small",
        ["Derechos humanos", "Equidad de género"],
    ),
    (
        "Observatorio Legislativo Abierto",
        "AR",
        "Buenos Aires",
        "ngo",
        "medium",
        ["Transparencia", "Innovación pública"],
    ),
    (
        "Red Joven Patagónica",
        "AR",
        "Neuquén",
        "collective",
        "small",
        ["Juventudes", "Medio ambiente"],
    ),
    (
        "Laboratorio Cívico Misionero",
        "AR",
        "Posadas",
        "ngo",
        "small",
        ["Innovación pública", "Participación ciudadana"],
    ),
    (
        "Instituto Democracia Aberta",
        "BR",
        "São Paulo",
        "ngo",
        "large",
        ["Incidencia política", "Transparencia"],
    ),
    (
        "Coletivo Vozes da Periferia",
        "BR",
        "Rio de Janeiro",
        "collective",
        "small",
        ["Derechos humanos", "Juventudes"],
    ),
    (
        "Associação Mulheres no Poder",
        "BR",
        "Recife",
        "ngo",
        "medium",
        ["Equidad de género", "Incidencia política"],
    ),
    (
        "Rede Amazônia Participativa",
        "BR",
        "Belém",
        "network",
        "medium",
        ["Medio ambiente", "Pueblos indígenas"],
    ),
    (
        "Laboratório Cidade Comum",
        "BR",
        "São Paulo",
        "academic",
        "medium",
        ["Innovación pública", "Participación ciudadana"],
    ),
    (
        "Instituto Território Vivo",
        "BR",
        "Porto Alegre",
        "ngo",
        "small",
        ["Medio ambiente", "Participación ciudadana"],
    ),
    (
        "Corporación Deliberemos",
        "CL",
        "Santiago",
        "ngo",
        "medium",
        ["Participación ciudadana", "Democracia deliberativa"],
    ),
    (
        "Fundación Cabildo Abierto",
        "CL",
        "Santiago",
        "foundation",
        "large",
        ["Transparencia", "Incidencia política"],
    ),
    (
        "Colectiva Mujeres del Sur",
        "CL",
        "Temuco",
        "collective",
        "small",
        ["Equidad de género", "Pueblos indígenas"],
    ),
    (
        "Centro de Estudios Territoriales",
        "CL",
        "Valparaíso",
        "academic",
        "medium",
        ["Medio ambiente", "Innovación pública"],
    ),
    (
        "Agrupación Vecinos Activos",
        "CL",
        "Coyhaique",
        "collective",
        "small",
        ["Participación ciudadana"],
    ),
    (
        "ONG Derechos en Red",
        "CL",
        "Santiago",
        "ngo",
        "small",
        ["Derechos humanos", "Transparencia"],
    ),
    (
        "Fundación Tejido Social",
        "CO",
        "Bogotá",
        "foundation",
        "large",
        ["Participación ciudadana", "Derechos humanos"],
    ),
    (
        "Corporación Paz y Territorio",
        "CO",
        "Medellín",
        "ngo",
        "medium",
        ["Derechos humanos", "Incidencia política"],
    ),
    (
        "Colectivo Mujeres que Transforman",
        "CO",
        "Cali",
        "collective",
        "small",
        ["Equidad de género", "Juventudes"],
    ),
    (
        "Laboratorio de Innovación Pública del Caribe",
        "CO",
        "Barranquilla",
        "academic",
        "medium",
        ["Innovación pública"],
    ),
    (
        "Red Juvenil Andina",
        "CO",
        "Pasto",
        "network",
        "small",
        ["Juventudes", "Participación ciudadana"],
    ),
    ("Fundación Agua y Montaña", "CO", "Manizales", "foundation", "small", ["Medio ambiente"]),
    (
        "Veeduría Ciudadana del Pacífico",
        "CO",
        "Buenaventura",
        "ngo",
        "small",
        ["Transparencia", "Afro-descendant communities"],
    ),
    (
        "Corporación Diversidad en Acción",
        "CO",
        "Bogotá",
        "ngo",
        "small",
        ["Derechos LGBTIQ+", "Derechos humanos"],
    ),
    (
        "Escuela de Liderazgo Comunitario",
        "CO",
        "Bucaramanga",
        "ngo",
        "medium",
        ["Juventudes", "Incidencia política"],
    ),
    (
        "Iniciativa Ciudad Posible",
        "MX",
        "Ciudad de México",
        "ngo",
        "large",
        ["Incidencia política", "Innovación pública"],
    ),
    (
        "Colectivo Participa Oaxaca",
        "MX",
        "Oaxaca",
        "collective",
        "small",
        ["Participación ciudadana", "Pueblos indígenas"],
    ),
    ("Observatorio Ciudadano Regio", "MX", "Monterrey", "ngo", "medium", ["Transparencia"]),
    (
        "Mujeres Haciendo Comunidad",
        "MX",
        "Guadalajara",
        "ngo",
        "small",
        ["Equidad de género", "Derechos humanos"],
    ),
    (
        "Laboratorio Democracia Digital",
        "MX",
        "Ciudad de México",
        "academic",
        "medium",
        ["Innovación pública", "Democracia deliberativa"],
    ),
    ("Red Verde Peninsular", "MX", "Mérida", "network", "small", ["Medio ambiente"]),
    (
        "Jóvenes por la Transparencia",
        "MX",
        "Puebla",
        "collective",
        "small",
        ["Juventudes", "Transparencia"],
    ),
    (
        "Fundación Voz Pública",
        "MX",
        "Veracruz",
        "foundation",
        "medium",
        ["Incidencia política", "Participación ciudadana"],
    ),
    ("Centro de Derechos del Norte", "MX", "Chihuahua", "ngo", "small", ["Derechos humanos"]),
    (
        "Asamblea Ciudadana del Bajío",
        "MX",
        "León",
        "collective",
        "small",
        ["Democracia deliberativa", "Participación ciudadana"],
    ),
    (
        "Cooperativa Saberes Comunes",
        "AR",
        "Córdoba",
        "company",
        "small",
        ["Innovación pública", "Medio ambiente"],
    ),
    (
        "Instituto Participação Cidadã",
        "BR",
        "Belo Horizonte",
        "ngo",
        "medium",
        ["Participación ciudadana", "Innovación pública"],
    ),
    (
        "Fundación Raíces Diversas",
        "CL",
        "Antofagasta",
        "foundation",
        "small",
        ["Derechos LGBTIQ+", "Equidad de género"],
    ),
]

FIRST_NAMES = {
    "AR": ["Lucía", "Martín", "Valentina", "Joaquín", "Camila", "Tomás"],
    "BR": ["Ana", "João", "Mariana", "Pedro", "Beatriz", "Rafael"],
    "CL": ["Francisca", "Diego", "Javiera", "Matías", "Constanza", "Benjamín"],
    "CO": ["Daniela", "Santiago", "Laura", "Andrés", "Natalia", "Felipe"],
    "MX": ["Fernanda", "Emiliano", "Ximena", "Diego", "Regina", "Mateo"],
}
LAST_NAMES = {
    "AR": ["Fernández", "Gómez", "Pereyra", "Sosa"],
    "BR": ["Silva", "Souza", "Oliveira", "Santos"],
    "CL": ["Muñoz", "Rojas", "Díaz", "Soto"],
    "CO": ["Rodríguez", "Martínez", "Gutiérrez", "Ríos"],
    "MX": ["Hernández", "López", "García", "Ramírez"],
}
LANGUAGE_OF = {"AR": "es", "BR": "pt-br", "CL": "es", "CO": "es", "MX": "es"}


@dataclass
class DemoNetwork:
    """What the core demo created, handed to each app's demo loader."""

    network: Network
    coordinator: User
    protocol_officer: User
    treasurer: User
    admin: User
    organizations: list[Organization]
    people: list[Person] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(2024))


def _user(username: str, first: str, last: str, language: str, password_hash: str) -> User:
    return User.objects.create(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.minga.invalid",
        language=language,
        password=password_hash,
    )


@transaction.atomic
def load_core() -> DemoNetwork:
    # One hash for every demo account: argon2 is slow on purpose, 40 times over is not.
    password_hash = make_password(DEMO_PASSWORD)
    rng = random.Random(2024)
    admin = _user("admin", "Admin", "Minga", "en", password_hash)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    coordinator = _user("coordinadora", "Carolina", "Restrepo", "es", password_hash)
    network = actions.create_network(
        actor=coordinator,
        slug="demo",
        name="Red Latinoamericana de Innovación Democrática",
        model="vertical",
        languages=["es", "pt-br", "en"],
        description=(
            "Una red de organizaciones de Argentina, Brasil, Chile, Colombia y México que "
            "impulsa la participación y la deliberación ciudadana en el Sur Global."
        ),
    )
    organizations = []
    for name, country, city, kind, size, themes in ORGANIZATIONS:
        slug = name.lower().replace(" ", "")[:12]
        organizations.append(
            actions.create_organization(
                actor=coordinator,
                network=network,
                name=name,
                country=country,
                city=city,
                type=kind,
                size=size,
                themes=themes,
                website=f"https://{slug}.example.org",
                contact_email=f"contacto@{slug}.example.org",
            )
        )
    people = []
    for index, organization in enumerate(organizations, start=1):
        country = str(organization.country.code)
        first = rng.choice(FIRST_NAMES[country])
        last = rng.choice(LAST_NAMES[country])
        user = _user(f"rep{index:02d}", first, last, LANGUAGE_OF[country], password_hash)
        people.append(
            actions.add_person(
                actor=coordinator,
                network=network,
                username=user.username,
                organization=organization,
                roles=[RoleName.MEMBER],
            )
        )
    # The coordinator represents the first organization; two specialists join too.
    coordinator_person = network.people.get(user=coordinator)
    actions.update_person(
        actor=coordinator,
        person=coordinator_person,
        organization=organizations[18],
        roles=[RoleName.COORDINATOR, RoleName.MEMBER],
    )
    protocol_officer = _user("protocolo", "Paula", "Andrade", "es", password_hash)
    actions.add_person(
        actor=coordinator,
        network=network,
        username="protocolo",
        organization=organizations[12],
        roles=[RoleName.PROTOCOL, RoleName.MEMBER],
    )
    treasurer = _user("tesoreria", "Tiago", "Moreira", "pt-br", password_hash)
    actions.add_person(
        actor=coordinator,
        network=network,
        username="tesoreria",
        organization=organizations[6],
        roles=[RoleName.TREASURER, RoleName.MEMBER],
    )
    actions.set_step_state(actor=coordinator, network=network, step="reach", state=StepState.DONE)
    actions.set_step_state(
        actor=coordinator, network=network, step="governance", state=StepState.IN_PROGRESS
    )
    actions.set_step_state(
        actor=coordinator, network=network, step="mapping", state=StepState.IN_PROGRESS
    )
    return DemoNetwork(
        network=network,
        coordinator=coordinator,
        protocol_officer=protocol_officer,
        treasurer=treasurer,
        admin=admin,
        organizations=organizations,
        people=people,
        rng=rng,
    )
