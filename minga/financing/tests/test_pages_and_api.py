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
    assert "1.500,00 – 25.000,50 USD" in page
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
    # Another organization's matches show what it looks for (its amount): not to members.
    for_b = member.get("/networks/red/funding/matches", organization=world.org_b.pk)
    assert for_b.status_code == 403
    assert (
        member.get("/networks/red/funding/matches", organization=world.org_a.pk).status_code == 200
    )
    assert (
        coordinator.get("/networks/red/funding/matches", organization=world.org_b.pk).status_code
        == 200
    )
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


def test_matches_for_ones_own_organization_the_network_or_any_member_for_managers(
    world, client_as, catalogue
):
    client = client_as(world.member)
    own = client.get(f"{BASE}/matches/")
    assert own.context["organization"] == world.org_a
    network = client.get(f"{BASE}/matches/", {"organization": ""})
    assert network.context["organization"] is None
    assert "Participación local" in network.content.decode()
    assert "Ya cerrada" not in network.content.decode()
    # What another organization looks for is its own people's and the managers'.
    assert client.get(f"{BASE}/matches/", {"organization": world.org_b.pk}).status_code == 403
    assert client.get(f"{BASE}/matches/", {"organization": "instituto b"}).status_code == 403
    manager = client_as(world.treasurer)
    by_name = manager.get(f"{BASE}/matches/", {"organization": "instituto b"})
    assert by_name.context["organization"] == world.org_b
    unknown = manager.get(f"{BASE}/matches/", {"organization": "Nadie"})
    assert unknown.context["organization"] is None and unknown.context["form"].errors


def test_the_api_answers_each_role_as_the_matrix_says(world, api_as, catalogue):
    call, _past, application = catalogue
    reads = [
        "/networks/red/funding/calls",
        f"/networks/red/funding/calls/{call.pk}",
        "/networks/red/funding/matches",
        "/networks/red/funding/applications",
        f"/networks/red/funding/applications/{application.pk}",
        "/networks/red/funding/gap",
        "/networks/red/funding/needs",
        "/networks/red/funding/plan",
    ]
    expected = {
        world.coordinator: (200, 201),
        world.treasurer: (200, 201),
        world.member: (200, 403),
        world.protocol_officer: (200, 403),
        world.admin: (200, 201),
        world.outsider: (404, 404),
        None: (401, 401),
    }
    for user, (read, write) in expected.items():
        client = api_as(user)
        for path in reads:
            assert client.get(path).status_code == read, (user, path)
        need = {"title": "Secretaría", "kind": "institutional", "year": 2027, "amount": "10"}
        assert client.post("/networks/red/funding/needs", need).status_code == write, user
    # Working on an application: its team and those who manage funding.
    stage = f"/networks/red/funding/applications/{application.pk}/stage"
    assert api_as(world.other_member).post(stage, {"stage": "preparing"}).status_code == 403
    assert api_as(world.member).post(stage, {"stage": "preparing"}).status_code == 200
    assert api_as(world.treasurer).post(stage, {"stage": "submitted"}).status_code == 200
    document = {"name": "a.txt", "content_base64": "aG9sYQ=="}
    documents = f"/networks/red/funding/applications/{application.pk}/documents"
    assert api_as(world.other_member).post(documents, document).status_code == 403
    created = api_as(world.member).post(documents, document)
    assert created.status_code == 201
    download = f"{documents}/{created.json()['id']}"
    assert api_as(world.other_member).get(download).status_code == 403
    assert api_as(world.member).get(download).content == b"hola"
    # An organization's funding: its own people, and who manages funding.
    own = f"/networks/red/funding/organizations/{world.org_a.pk}"
    assert api_as(world.member).get(own).status_code == 200
    assert api_as(world.other_member).get(own).status_code == 403
    assert api_as(world.other_member).put(own, {"sources": []}).status_code == 403


def test_the_cached_ranking_reads_any_slice_as_the_whole_ranking_does(world, monkeypatch):
    monkeypatch.setattr(queries, "CHUNK", 3)
    for n in range(8):
        actions.save_call(
            actor=world.coordinator,
            network=world.network,
            title=f"Call {n}",
            funder="F",
            source_type="private",
            deadline=timezone.now() + timedelta(days=n + 1),
            themes=["citizen-participation"] if n % 2 else [],
            joint_allowed=n % 3 == 0,
        )
    whole = [m.call.key for m in queries.matches(world.network, now=timezone.now())]
    ranking = queries.matches(world.network)
    assert len(ranking) == 8
    for start, stop in [(0, 8), (0, 5), (2, 7), (3, 6), (6, 8), (7, 20), (5, 5)]:
        assert [m.call.key for m in ranking[start:stop]] == whole[start:stop]
    assert ranking[4].call.key == whole[4]
    # Another call changes the catalogue's state: ranked again.
    actions.save_call(
        actor=world.coordinator,
        network=world.network,
        title="Call 9",
        funder="F",
        source_type="private",
        deadline=timezone.now() + timedelta(days=1),
    )
    assert len(queries.matches(world.network)) == 9
