"""Plans (the API contract), participation levels, contributions, the code of ethics."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from minga.membership import actions
from minga.membership.models import Membership


def test_plans_travel_with_decimal_strings(world, api_as):
    api = api_as(world.coordinator)
    variable = api.post(
        "/networks/red/membership/plans",
        {
            "name": "Por tamaño",
            "kind": "variable",
            "period": "annual",
            "currency": "usd",
            "fees": {"small": "100.00", "medium": "250.00", "large": "600.00"},
        },
    )
    assert variable.status_code == 201, variable.content
    assert variable.json()["fees"] == {"small": "100.00", "medium": "250.00", "large": "600.00"}
    assert variable.json()["currency"] == "USD"
    fixed = api.post(
        "/networks/red/membership/plans",
        {"name": "Fija", "kind": "fixed", "period": "monthly", "currency": "COP", "fee": "120.00"},
    ).json()
    assert (fixed["fee"], fixed["fees"]) == ("120.00", None)
    assert [
        p["name"] for p in api_as(world.member).get("/networks/red/membership/plans").json()
    ] == ["Fija", "Por tamaño"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "kind": "fixed"}, "fee"),
        ({"name": "A", "kind": "fixed", "fee": "12.345"}, "fee"),
        ({"name": "A", "kind": "variable", "fees": None}, "fees"),
        ({"name": "A", "kind": "open", "fee": "10"}, "fee"),
        ({"name": "A", "kind": "fixed", "fee": "10", "currency": "dollars"}, "currency"),
    ],
)
def test_bad_plans_are_422_naming_the_field(world, api_as, body, field):
    response = api_as(world.coordinator).post("/networks/red/membership/plans", body)
    assert response.status_code == 422
    assert field in {e["loc"][-1] for e in response.json()["detail"]}
    assert not world.network.plans.exists()


def test_members_choose_their_commitment_and_pledge(world, plans, api_as):
    membership = Membership.objects.get(organization=world.org_a)
    api = api_as(world.member)
    assert (
        api.patch(f"/networks/red/membership/members/{membership.pk}", {"level": "core"}).json()[
            "level"
        ]
        == "core"
    )
    other = Membership.objects.get(organization=world.org_b)
    assert (
        api.patch(f"/networks/red/membership/members/{other.pk}", {"level": "core"}).status_code
        == 403
    )
    pledged = api.post(
        f"/networks/red/membership/members/{membership.pk}/contributions",
        {"kind": "experts", "description": "Dos talleres de facilitación"},
    )
    assert pledged.status_code == 201
    delivered = api_as(world.coordinator).post(
        f"/networks/red/membership/contributions/{pledged.json()['id']}/delivered",
        {"delivered": True},
    )
    assert delivered.json()["delivered"] is True


def test_a_new_code_version_asks_everyone_to_sign_again(world, plans, api_as):
    coordinator = api_as(world.coordinator)
    coordinator.post(
        "/networks/red/membership/ethics", {"text": "Respeto, transparencia, no violencia."}
    )
    signed = api_as(world.member).post("/networks/red/membership/ethics/sign")
    assert signed.json()["signed"] == [world.org_a.pk]
    assert signed.json()["unsigned"] == [world.org_b.pk]
    assert api_as(world.member).post("/networks/red/membership/ethics/sign").status_code == 422
    second = coordinator.post(
        "/networks/red/membership/ethics", {"text": "Versión 2: también cuidado del ambiente."}
    ).json()
    assert second["version"] == 2
    assert second["signed"] == []
    assert second["unsigned"] == [world.org_a.pk, world.org_b.pk]


def test_someone_without_an_organization_cannot_sign(world, plans):
    code = actions.publish_code(actor=world.coordinator, network=world.network, text="Código")
    with pytest.raises(ValidationError, match="represents an organization"):
        actions.sign_code(actor=world.coordinator, code=code)
