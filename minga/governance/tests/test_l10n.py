"""Governance in the reader's language: the quorum typed as a percentage their way, every
number shown their way, a closed proposal's turnout against its quorum, confirmations
before what cannot be undone, and the outcomes export."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.utils import translation

from minga.governance import actions
from minga.governance.models import Mandate, Proposal


def _as(client_as, user, language):
    user.language = language
    user.save(update_fields=["language"])
    return client_as(user, language)


def _form(**overrides):
    return {
        "title": "Plan anual",
        "text": "Adoptar el plan.",
        "rule": "consent",
        "matter": "strategic",
        "voting_unit": "person",
        **overrides,
    }


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("es", "37,5", 0.375),
        ("pt-br", "37,5", 0.375),
        ("en", "37.5", 0.375),
        ("es", "0,5", 0.005),  # half a percent, not 5 and not 0.05
        ("pt-br", "50", 0.5),
        ("en", "100", 1.0),
    ],
)
def test_the_quorum_is_typed_as_a_percentage_in_the_readers_format(
    world, client_as, language, typed, stored
):
    client = _as(client_as, world.coordinator, language)
    response = client.post("/n/red/governance/proposals/new/", _form(quorum=typed))
    assert response.status_code == 302, response.content.decode()
    proposal = Proposal.objects.get()
    assert proposal.quorum == pytest.approx(stored)
    # The page shows it back as a percentage, the reader's way.
    page = client.get(proposal.get_absolute_url()).content.decode()
    with translation.override(language):
        from minga.core.l10n import percent

        assert percent(stored) in page


@pytest.mark.parametrize(
    ("language", "typed"),
    [("es", "37.5"), ("pt-br", "37.5"), ("en", "37,5"), ("es", "150"), ("en", "-1")],
)
def test_a_quorum_in_another_format_or_out_of_range_is_refused(world, client_as, language, typed):
    client = _as(client_as, world.coordinator, language)
    response = client.post("/n/red/governance/proposals/new/", _form(quorum=typed))
    assert response.status_code == 200
    assert 'name="quorum"' in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("language", "example"), [("es", "37,5"), ("pt-br", "37,5"), ("en", "37.5")]
)
def test_the_quorum_hint_gives_an_example_in_the_readers_format(
    world, client_as, language, example
):
    page = _as(client_as, world.coordinator, language).get("/n/red/governance/proposals/new/")
    assert example in page.content.decode()


@pytest.mark.parametrize(("language", "typed"), [("es", "12"), ("pt-br", "12"), ("en", "12")])
def test_circle_numbers_are_localized_fields(world, client_as, language, typed):
    client = _as(client_as, world.coordinator, language)
    response = client.post(
        "/n/red/governance/circles/new/",
        {
            "kind": "coordination_body",
            "name": "Órgano",
            "member_kind": "people",
            "mandate_months": typed,
            "max_renewals": "1",
            "filled_by": "election",
            "renewable": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    circle = world.network.circles.get()
    assert (circle.mandate_months, circle.max_renewals) == (12, 1)


def test_the_api_keeps_plain_json_numbers(world, api_as):
    created = api_as(world.coordinator).post(
        "/networks/red/proposals",
        {"title": "T", "body": "B", "rule": "consent", "voting_unit": "person", "quorum": 0.375},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["quorum"] == 0.375 and isinstance(body["quorum"], float)
    assert body["eligible"] == 5 and body["needed"] == 2 and body["turnout"] == 0
    api_as(world.member).put(f"/proposals/{body['id']}/position", {"position": "agree"})
    api_as(world.coordinator).post(f"/proposals/{body['id']}/close")
    closed = api_as(world.member).get(f"/proposals/{body['id']}").json()
    assert (closed["outcome"], closed["turnout"], closed["eligible"], closed["needed"]) == (
        "no_quorum",
        1,
        5,
        2,
    )
    assert closed["tally"] == {"agree": 1, "disagree": 0, "abstain": 0, "object": 0}


def test_a_secret_open_proposal_shows_no_turnout_in_the_api(world, api_as, open_proposal):
    proposal = open_proposal(secret=True, quorum=0.5)
    api_as(world.member).put(f"/proposals/{proposal.pk}/position", {"position": "agree"})
    body = api_as(world.member).get(f"/proposals/{proposal.pk}").json()
    assert body["tally"] is None and body["turnout"] is None
    assert body["needed"] == 1  # half of the two organizations


def test_a_closed_proposal_without_quorum_shows_its_turnout(world, client_as, open_proposal):
    proposal = open_proposal(rule="consent", voting_unit="person", quorum=0.5)
    actions.take_position(actor=world.member, proposal=proposal, position="agree")
    actions.take_position(actor=world.other_member, proposal=proposal, position="abstain")
    actions.close_proposal(actor=world.coordinator, proposal=proposal)
    page = client_as(world.member).get(proposal.get_absolute_url()).content.decode()
    assert "No quorum" in page
    assert "2 of 5 took a position; 3 were needed." in page
    assert "Consent: adopted unless someone objects. 0 objections." in page


def test_an_open_proposal_shows_how_many_are_still_needed(world, client_as, open_proposal):
    proposal = open_proposal(rule="majority", voting_unit="person", quorum=0.2)
    actions.take_position(actor=world.member, proposal=proposal, position="disagree")
    page = client_as(world.member).get(proposal.get_absolute_url()).content.decode()
    assert "So far 1 of 5 have taken a position; 1 is needed." in page
    assert "Majority: 0 agree, 1 disagree or object (abstentions do not count)." in page


def test_a_supermajority_says_how_many_had_to_agree(world, client_as, open_proposal):
    proposal = open_proposal(rule="consensus_then_supermajority", voting_unit="person")
    for user, position in [
        (world.member, "agree"),
        (world.other_member, "disagree"),
        (world.treasurer, "abstain"),
    ]:
        actions.take_position(actor=user, proposal=proposal, position=position)
    actions.close_proposal(actor=world.coordinator, proposal=proposal)
    page = client_as(world.member).get(proposal.get_absolute_url()).content.decode()
    assert (
        "1 of the 2 who took a side agree (abstentions do not count); a 3/4 majority needs 2."
        in page
    )
    assert "3 of 5 took a position; no quorum was set." in page


def test_counts_are_written_the_readers_way(world, client_as, open_proposal):
    proposal = open_proposal(rule="consent", voting_unit="person", quorum=0.125)
    Proposal.objects.filter(pk=proposal.pk).update(
        state="closed",
        outcome="adopted",
        decided_by="consent",
        eligible_count=12000,
        tally={"agree": 1500, "disagree": 0, "abstain": 0, "object": 0},
    )
    page = _as(client_as, world.member, "es").get(proposal.get_absolute_url()).content.decode()
    assert "1.500" in page and "12.000" in page and "12,5%" in page
    english = _as(client_as, world.member, "en").get(proposal.get_absolute_url()).content.decode()
    assert "1,500 of 12,000 took a position; 1,500 were needed." in english


# Confirmations ------------------------------------------------------------------------------


def test_closing_a_proposal_asks_first_and_says_what_cannot_be_undone(
    world, client_as, open_proposal
):
    proposal = open_proposal(secret=True)
    url = f"{proposal.get_absolute_url()}close/"
    coordinator = client_as(world.coordinator)
    asked = coordinator.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "This cannot be undone." in page
    assert "Nobody can take or change a position any more" in page
    assert "nobody will ever see who took which position" in page
    proposal.refresh_from_db()
    assert proposal.is_open
    done = coordinator.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert not proposal.is_open


def test_ending_a_mandate_asks_first(world, client_as):
    circle = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )
    mateo = world.network.people.get(user=world.member)
    mandate = actions.appoint(actor=world.coordinator, circle=circle, role="member", person=mateo)
    url = f"/n/red/governance/mandates/{mandate.pk}/end/"
    coordinator = client_as(world.coordinator)
    asked = coordinator.post(url)
    assert asked.status_code == 200
    assert "cannot be reopened" in asked.content.decode()
    assert Mandate.objects.get(pk=mandate.pk).ended_on is None
    coordinator.post(url, {"confirmed": "1"})
    assert Mandate.objects.get(pk=mandate.pk).ended_on is not None


def test_the_close_button_is_a_plain_form_the_confirmation_can_follow(
    world, client_as, open_proposal
):
    proposal = open_proposal()
    page = client_as(world.coordinator).get(proposal.get_absolute_url()).content.decode()
    close = page[page.index(f'action="/n/red/governance/proposals/{proposal.pk}/close/"') - 40 :]
    assert close.startswith("<form") or "<form" in close[:60]
    assert "hx-post" not in close[:300]


# The outcomes export ------------------------------------------------------------------------


@pytest.fixture
def decided(world, open_proposal):
    tricky = open_proposal(title='=HYPERLINK("http://x")', voting_unit="person", quorum=0.5)
    actions.take_position(actor=world.member, proposal=tricky, position="agree")
    actions.close_proposal(actor=world.coordinator, proposal=tricky)
    still_open = open_proposal(title="Todavía abierta", secret=True)
    actions.take_position(actor=world.member, proposal=still_open, position="object", reason="No")
    return tricky, still_open


def test_the_outcomes_csv_has_the_tallies_and_neutralizes_formulas(world, client_as, decided):
    response = client_as(world.member).get("/n/red/governance/proposals/outcomes.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Title",
        "Decision rule",
        "Opened",
        "Closed",
        "Outcome",
        "Agree",
        "Disagree",
        "Abstain",
        "Object",
        "Took a position",
        "Could take a position",
        "Quorum needed",
    ]
    tricky, still_open = rows[1], rows[2]
    assert tricky[0] == '\'=HYPERLINK("http://x")'
    assert tricky[1] == "Consent: adopted unless an objection stands"
    assert tricky[4] == "No quorum"
    assert tricky[5:] == ["1", "0", "0", "0", "1", "5", "3"]
    # An open secret proposal shows nothing of its count yet.
    assert still_open[0] == "Todavía abierta" and still_open[4] == "Open"
    assert still_open[5:] == [""] * 7


def test_the_outcomes_xlsx_has_numbers_as_numbers_and_translated_headers(world, client_as, decided):
    response = _as(client_as, world.member, "es").get("/n/red/governance/proposals/outcomes.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Título" and rows[0][1] == "Regla de decisión"
    assert rows[1][0] == '=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert rows[1][5:] == (1, 0, 0, 0, 1, 5, 3)


def test_outsiders_cannot_export_the_outcomes(world, client_as, decided):
    for suffix in ("csv", "xlsx"):
        response = client_as(world.outsider).get(f"/n/red/governance/proposals/outcomes.{suffix}")
        assert response.status_code == 404


def test_the_governance_page_links_the_export_and_lists_the_circles(world, client_as):
    general = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )
    child = actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="circle",
        name="Territorios",
        parent=general,
    )
    mateo = world.network.people.get(user=world.member)
    actions.appoint(actor=world.coordinator, circle=child, role="leader", person=mateo)
    treasurer = world.network.people.get(user=world.treasurer)
    actions.appoint(actor=world.coordinator, circle=general, role="leader", person=treasurer)
    page = client_as(world.member).get("/n/red/governance/").content.decode()
    assert "/n/red/governance/proposals/outcomes.csv" in page
    assert "/n/red/governance/proposals/outcomes.xlsx" in page
    listing = page[page.index('class="circle-list"') :]
    assert "Territorios" in listing and "General" in listing
    assert str(mateo) in listing
    # Each circle names its own holders.
    general_row = listing[listing.index("General") : listing.index("Territorios")]
    assert f"<dt>Leader</dt><dd>{treasurer}</dd>" in general_row
    assert "<dt>Delegate</dt><dd>—</dd>" in general_row
    assert f"<dt>Leader</dt><dd>{mateo}</dd>" in listing[listing.index("Territorios") :]
    assert "the leader is not in the parent circle; no delegate" in listing
