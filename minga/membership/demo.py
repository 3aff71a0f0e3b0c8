"""The demo network's membership: a size-based plan and an open plan, members on both,
a year of invoices and payments with some members in arrears, and a signed code of
ethics with a few signatures missing."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from minga.core.demo import DemoNetwork
from minga.core.permissions import SYSTEM
from minga.membership import actions
from minga.membership.models import Invoice, Membership

CODE = (
    "1. Actuamos con transparencia en las decisiones y en el uso de los recursos.\n"
    "2. Respetamos la diversidad y rechazamos toda forma de violencia y discriminación.\n"
    "3. Cuidamos la confidencialidad de quien hace una consulta o denuncia.\n"
    "4. No usamos la red para fines partidarios."
)


def load(demo: DemoNetwork) -> None:
    network, coordinator, treasurer = demo.network, demo.coordinator, demo.treasurer
    variable = actions.create_plan(
        actor=coordinator,
        network=network,
        name="Cuota según tamaño",
        kind="variable",
        period="annual",
        currency="USD",
        fees={"small": "100.00", "medium": "250.00", "large": "600.00"},
        small_income_max="50000",
        medium_income_max="250000",
    )
    open_plan = actions.create_plan(
        actor=coordinator, network=network, name="Membresía abierta", kind="open"
    )
    last_year = timezone.localdate().year - 1
    joined = date(last_year, 1, 1)
    levels = ["core", "active", "active", "occasional"]
    memberships = []
    for index, organization in enumerate(demo.organizations):
        plan = open_plan if index % 4 == 3 else variable
        memberships.append(
            Membership.objects.create(
                network=network,
                organization=organization,
                plan=plan,
                level=levels[index % 4],
                joined_on=joined,
            )
        )
    for index, membership in enumerate(memberships):
        if membership.plan == open_plan:
            actions.pledge(
                actor=coordinator,
                membership=membership,
                kind=["experts", "volunteers", "dissemination"][index % 3],
                description="Facilitación de un taller mensual"
                if index % 3 == 0
                else "Difusión en redes",
                due_on=joined + timedelta(days=90 + index),
            )
    actions.invoice_period(actor=treasurer, network=network, period=str(last_year))
    # Most pay in full, some in part, a few not at all: those are in arrears.
    for index, invoice in enumerate(
        Invoice.objects.filter(network=network).order_by("organization__name")
    ):
        if index % 7 == 3:
            continue
        if index % 5 == 1:
            actions.record_payment(
                actor=treasurer,
                invoice=invoice,
                amount=invoice.amount / 2,
                on=date(last_year, 4, 15),
            )
            continue
        actions.record_payment(
            actor=treasurer,
            invoice=invoice,
            amount=invoice.amount,
            on=date(last_year, 2, 1 + index % 27),
        )
    code = actions.publish_code(actor=coordinator, network=network, text=CODE)
    for index, person in enumerate(demo.people):
        if index % 6 != 5 and person.organization is not None:
            actions.sign_code(actor=person.user, code=code)
    # An application waiting for a decision, and one that does not meet the criteria.
    actions.apply_with_profile(
        actor=SYSTEM,
        network=network,
        plan=open_plan,
        applicant_kind="organization",
        name="Colectivo Ciudad Abierta",
        country="CO",
        city="Cali",
        type="collective",
        size="small",
        themes=["Participación ciudadana"],
        contact_name="Julián",
        contact_email="julian@ciudadabierta.example.org",
        language="es",
        accepted_statements=[0, 1],
        pledges="Voluntariado para el encuentro anual",
    )
    actions.apply_with_profile(
        actor=SYSTEM,
        network=network,
        plan=variable,
        applicant_kind="company",
        name="Consultora Datos Públicos S.A.",
        country="US",
        type="company",
        size="medium",
        contact_name="Ann",
        contact_email="ann@datos.example.org",
        language="en",
        accepted_statements=[0],
    )
