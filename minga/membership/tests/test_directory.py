"""The member directory: filters, and a constant number of queries as it grows."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from minga.core import actions as core_actions
from minga.membership import actions
from minga.membership.models import Membership


def test_directory_filters(world, plans, client_as):
    _variable, open_plan = plans
    actions.publish_code(actor=world.coordinator, network=world.network, text="Código")
    code = world.network.ethics_codes.first()
    actions.sign_code(actor=world.member, code=code)
    client = client_as(world.member)

    def names(**params):
        page = client.get(
            "/n/red/membership/directory/", params, headers={"HX-Request": "true"}
        ).content.decode()
        return {name for name in ("Fundación A", "Instituto B") if name in page}

    assert names() == {"Fundación A", "Instituto B"}
    assert names(signed="yes") == {"Fundación A"}
    assert names(signed="no") == {"Instituto B"}
    assert names(country="BR") == {"Instituto B"}
    assert names(city="bogotá") == {"Fundación A"}
    assert names(theme="environment") == {"Instituto B"}
    assert names(size="small") == {"Fundación A"}
    assert names(plan=open_plan.pk) == set()
    assert names(level="active") == {"Fundación A", "Instituto B"}


def test_directory_queries_do_not_grow_with_members(world, plans, client_as):
    variable, _open = plans
    client = client_as(world.member)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/n/red/membership/directory/").status_code == 200
        return len(context)

    few = queries()
    for index in range(30):
        organization = core_actions.create_organization(
            actor=world.coordinator,
            network=world.network,
            name=f"Org {index}",
            country="CL",
            themes=["Youth", f"T{index}"],
        )
        Membership.objects.create(
            network=world.network,
            organization=organization,
            plan=variable,
            joined_on=date(2027, 1, 1),
        )
    assert queries() == few
