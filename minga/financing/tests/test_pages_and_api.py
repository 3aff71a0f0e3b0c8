"""Financing's pages and API: the role matrix, amounts and deadlines typed in the reader's
language, the contract endpoints' shapes, expired calls left out, the plan as a tagged PDF."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from minga.financing import actions, queries
from minga.financing.models import Call, FundingAccess, JointApplication

BASE = "/n/red/financing"


@pytest.fixture
def catalogue(world):
    now = timezone.now()
    open_call = actions.save_call(
        actor=world.coordinator,
        network=world.network,
        title="Participación local",
        funder="Fondo Andino",
        source_type="international_cooperation",
        themes=["citizen-participation"],
        countries=["CO", "BR"],
        amount_min=Decimal(1000),
        amount_max=Decimal(50000),
        currency="USD",
        deadline=now + timedelta(days=20),
        joint_allowed=True,
    )
    past = actions.save_call(
        actor=world.coordinator,
        network=world.network,
        title="Ya cerrada",
        funder="Fondo Andino",
        source_type="international_cooperation",
        deadline=now - timedelta(minutes=1),
    )
    application = actions.start_application(
        actor=world.member, network=world.network, title="", lead=world.org_a, call=open_call
    )
    return open_call, past, application


def test_pages_answer_each_role_as_the_matrix_says(world, client_as, catalogue):
    call, _past, application = catalogue
    everyone = [
        "/",
        "/calls/",
        f"/calls/{call.pk}/",
        "/matches/",
        "/gap/",
        "/applications/",
        f"/applications/{application.pk}/",
        "/plan/",
    ]
    managers = ["/calls/new/", f"/calls/{call.pk}/edit/", "/gap/survey/", "/plan/lines/new/"]
    expected = {
        world.coordinator: (200, 200),
        world.treasurer: (200, 200),
        world.member: (200, 403),
        world.protocol_officer: (200, 403),
        world.admin: (200, 200),
        world.outsider: (404, 404),
        None: (302, 302),
    }
    for user, (seen, managed) in expected.items():
        client = client_as(user)
        for path in everyone:
            assert client.get(BASE + path).status_code == seen, (user, path)
        for path in managers:
            assert client.get(BASE + path).status_code == managed, (user, path)
    # An organization's own funding: its people, and who manages funding.
    own = f"{BASE}/organizations/{world.org_a.pk}/"
    assert client_as(world.member).get(own).status_code == 200
    assert client_as(world.other_member).get(own).status_code == 403
    assert client_as(world.treasurer).get(own).status_code == 200


def test_amounts_and_deadlines_are_typed_in_the_readers_language(world, client_as):
    client = client_as(world.coordinator, "es")
    response = client.post(
        f"{BASE}/calls/new/",
        {
            "title": "Jóvenes",
            "funder": "Banco Sur",
            "source_type": "private",
            "deadline_on": "31/03/2027",
            "deadline_at": "17:30",
            "amount_min": "1.500",
            "amount_max": "25.000,50",
            "currency": "usd",
            "cofinancing": "12,5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get(title="Jóvenes")
    assert (call.amount_min, call.amount_max, call.cofinancing) == (
        Decimal(1500),
        Decimal("25000.50"),
        Decimal("12.5"),
    )
    local = call.deadline.astimezone(ZoneInfo(world.network.time_zone))
    assert (local.date().isoformat(), local.hour, local.minute) == ("2027-03-31", 17, 30)
    page = client.get(f"{BASE}/calls/{call.pk}/").content.decode()
    assert "1.500 – 25.001 USD" in page or "1.500 – 25.000 USD" in page
    assert "Sector privado" in page and "private" not in re.sub(r"<[^>]+>", "", page).split()
    # A number in another language's format is refused, not misread.
    response = client.post(
        f"{BASE}/calls/{call.pk}/edit/",
        {
            "title": "Jóvenes",
            "funder": "Banco Sur",
            "source_type": "private",
            "deadline_on": "2027-03-31",
            "amount_max": "25,000.50",
            "currency": "USD",
        },
    )
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.amount_max == Decimal("25000.50")


def test_a_member_records_their_organizations_funding_in_portuguese(world, client_as):
    client = client_as(world.other_member, "pt-br")
    response = client.post(
        f"{BASE}/organizations/{world.org_b.pk}/",
        {
            "uses_national_public": "on",
            "amount_national_public": "12.345,67",
            "currency": "BRL",
            "lacks": "Contrapartida",
            "needed_amount": "80.000",
        },
    )
    assert response.status_code == 302
    access = FundingAccess.objects.get(organization=world.org_b)
    assert (access.source_type, access.annual_amount, access.currency) == (
        "national_public",
        Decimal("12345.67"),
        "BRL",
    )
    total, recorded, sources = queries.coverage(world.network)
    assert (total, recorded) == (2, 1)
    assert [(s.source_type, s.with_access, s.without) for s in sources] == [
        ("national_public", 1, 0),
        ("international_cooperation", 0, 1),
        ("private", 0, 1),
    ]


def test_the_contract_endpoints(world, api_as, catalogue):
    call, past, application = catalogue
    coordinator, member = api_as(world.coordinator), api_as(world.member)
    listed = coordinator.get("/networks/red/funding/calls").json()
    assert [c["id"] for c in listed["items"]] == [call.pk]  # the past call is left out
    everything = coordinator.get("/networks/red/funding/calls", past="true").json()
    assert {c["id"] for c in everything["items"]} == {call.pk, past.pk}
    created = coordinator.post(
        "/networks/red/funding/calls",
        {
            "title": "API",
            "funder": "Fondo Andino",
            "source_type": "national_public",
            "deadline": "2030-01-31",
            "amount_max": "900.50",
            "org_types": ["ngo"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount_max"] == "900.50" and body["open"] is True
    assert (
        member.post(
            "/networks/red/funding/calls",
            {"title": "X", "funder": "F", "source_type": "private", "deadline": "2030-01-01"},
        ).status_code
        == 403
    )
    bad = coordinator.post(
        "/networks/red/funding/calls",
        {"title": "X", "funder": "F", "source_type": "private", "deadline": "31/01/2030"},
    )
    assert bad.status_code == 422

    matches = member.get("/networks/red/funding/matches").json()
    assert [set(m) for m in matches] == [{"call", "title", "score", "reasons"}] * 2
    assert past.pk not in [m["call"] for m in matches]
    assert matches == queries_rows(world)
    for_b = member.get("/networks/red/funding/matches", organization=world.org_b.pk)
    assert for_b.status_code == 200
    assert api_as(world.outsider).get("/networks/red/funding/matches").status_code == 404

    started = member.post(
        "/networks/red/funding/applications",
        {"lead": world.org_a.pk, "call": call.pk, "budget": "1000"},
    )
    assert started.status_code == 201, started.content
    assert started.json()["deadline"].startswith(call.deadline.isoformat()[:16])
    assert (
        member.post(
            "/networks/red/funding/applications",
            {"lead": world.org_b.pk, "title": "X", "deadline": "2030-01-01"},
        ).status_code
        == 403
    )
    listed = member.get("/networks/red/funding/applications").json()
    assert {a["id"] for a in listed["items"]} == {application.pk, started.json()["id"]}
    gap = member.get("/networks/red/funding/gap").json()
    assert set(gap) == {"organizations", "recorded", "coverage", "years", "survey"}
    assert all(row["amounts"] is None for row in gap["coverage"])  # amounts: managers only
    assert all(
        row["amounts"] is not None
        for row in coordinator.get("/networks/red/funding/gap").json()["coverage"]
    )


def queries_rows(world):
    return queries.match_rows(queries.matches(world.network))


def test_awarding_through_the_api_feeds_the_gap(world, api_as, catalogue):
    _call, _past, application = catalogue
    member = api_as(world.member)
    moved = member.post(
        f"/networks/red/funding/applications/{application.pk}/stage",
        {"stage": "awarded", "awarded_amount": "3000", "awarded_on": "2026-06-01"},
    )
    assert moved.status_code == 200, moved.content
    years = member.get("/networks/red/funding/gap").json()["years"]
    assert {"year": 2026, "currency": "USD", "grants": "3000.00"}.items() <= years[0].items()
    assert JointApplication.objects.get(pk=application.pk).stage == "awarded"


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's objects, with its compressed streams inflated."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_plan_downloads_as_a_tagged_pdf_in_the_readers_language(world, client_as):
    actions.save_plan(
        actor=world.coordinator,
        network=world.network,
        mechanisms=["joint_calls"],
        legal_conditions="Asociación civil",
    )
    actions.save_plan_line(
        actor=world.coordinator,
        network=world.network,
        title="Mapa de fuentes",
        deadline=timezone.localdate(),
        progress=Decimal(40),
    )
    response = client_as(world.member, "es").get(f"{BASE}/plan/?export=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    assert b"/StructTreeRoot" in text  # tagged: headings and reading order
    assert b"/Outlines" in text  # bookmarks from the headings
    assert b"/Lang (es)" in text
