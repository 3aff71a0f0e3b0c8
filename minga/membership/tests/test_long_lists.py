"""Membership's long lists come a page at a time: the applications waiting on the
membership page, the signatures of the code of ethics and the members who have not
signed it, and the API's applications."""

from __future__ import annotations

import re
from datetime import date

from minga.core.models import Organization
from minga.core.permissions import SYSTEM
from minga.membership import actions
from minga.membership.models import Membership


def test_the_applications_waiting_come_a_page_at_a_time(world, plans, client_as):
    _variable, open_plan = plans
    for n in range(25):
        actions.apply_with_profile(
            actor=SYSTEM, network=world.network, plan=open_plan, name=f"Nueva {n:02d}", country="CL"
        )
    client = client_as(world.coordinator)
    first = client.get("/n/red/membership/").content.decode()
    second = client.get("/n/red/membership/", {"page": 2}).content.decode()
    shown = re.findall(r"<strong>(Nueva \d+)</strong>", first)
    rest = re.findall(r"<strong>(Nueva \d+)</strong>", second)
    # The newest first, twenty on a page, each once.
    assert shown[:2] == ["Nueva 24", "Nueva 23"]
    assert len(shown) == 20 and len(rest) == 5
    assert sorted(shown + rest) == [f"Nueva {n:02d}" for n in range(25)]
    assert "Page 1 of 2" in first


def test_the_code_of_ethics_shows_a_page_of_signatures_and_counts_the_rest(world, plans, client_as):
    variable, _open = plans
    actions.publish_code(actor=world.coordinator, network=world.network, text="Código")
    organizations = Organization.objects.bulk_create(
        Organization(network=world.network, name=f"Org {n:03d}", country="CL", size="small")
        for n in range(30)
    )
    Membership.objects.bulk_create(
        Membership(network=world.network, organization=o, plan=variable, joined_on=date(2026, 1, 1))
        for o in organizations
    )
    html = client_as(world.coordinator).get("/n/red/membership/ethics/").content.decode()
    unsigned = html.split("link-problems")[1].split("</ul>")[0]
    # 32 members, none signed: the first 20 named, the count, and the directory for the rest.
    assert unsigned.count("<li>") == 20
    assert "(32)" in html
    assert "/n/red/membership/directory/?signed=no" in html


def test_the_api_lists_a_page_of_applications(world, plans, api_as):
    _variable, open_plan = plans
    for n in range(55):
        actions.apply_with_profile(
            actor=SYSTEM, network=world.network, plan=open_plan, name=f"Nueva {n:02d}", country="CL"
        )
    api = api_as(world.coordinator)
    body = api.get("/networks/red/membership/applications").json()
    assert body["count"] == 57  # with the two approved in `plans`
    assert len(body["items"]) == 50
    assert body["items"][0]["name"] == "Nueva 54"
    assert set(body["items"][0]) == {
        "id",
        "organization",
        "name",
        "plan",
        "level",
        "status",
        "eligible",
        "reasons",
        "unmet",
        "decision_reason",
    }
    later = api.get("/networks/red/membership/applications", page=2).json()
    assert len(later["items"]) == 7
