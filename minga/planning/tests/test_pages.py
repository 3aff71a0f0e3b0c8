"""The planning pages as people use them: adding and rating trends, the SWOT board that
polls for others' notes and refuses to overwrite a note someone else changed, the basis
started from the reach charter, a prioritization ballot, and a project's progress from its
measurements (typed, or imported with every bad cell named)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from minga.planning import actions
from minga.planning.models import (
    Ballot,
    Impact,
    Measurement,
    Objective,
    ObjectiveStatus,
    PestelFactor,
    SwotItem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    """Pillars, four listed objectives and a project with one indicator."""
    network, coordinator = world.network, world.coordinator
    actions.apply_basis_template(actor=coordinator, network=network)
    pillar = network.pillars.first()
    objectives = [
        actions.save_objective(actor=coordinator, network=network, pillar=pillar, title=t)
        for t in ("Formar liderazgos", "Generar conocimiento", "Espacios de diálogo", "Apoyo")
    ]
    today = timezone.localdate()
    project = actions.save_project(
        actor=coordinator,
        network=network,
        objective=objectives[0],
        title="Escuela de liderazgos",
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=200),
        responsible=network.people.get(user=world.member).pk,
    )
    indicator = actions.save_indicator(
        actor=coordinator,
        project=project,
        name="Personas formadas",
        baseline=Decimal(0),
        target=Decimal(2000),
        unit="personas",
    )
    return {"objectives": objectives, "project": project, "indicator": indicator}


def test_every_page_opens_for_a_member_and_stays_hidden_from_outsiders(
    world, client_as, plan
) -> None:
    slug = world.network.slug
    factor = actions.save_trend(
        actor=world.member, network=world.network, category="social", trend="Más jóvenes"
    )
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="strength", text="Diversidad"
    )
    project, indicator = plan["project"], plan["indicator"]
    pages = [
        f"/n/{slug}/planning/",
        f"/n/{slug}/planning/pestel/",
        f"/n/{slug}/planning/pestel/{factor.pk}/",
        f"/n/{slug}/planning/swot/",
        f"/n/{slug}/planning/swot/{item.pk}/",
        f"/n/{slug}/planning/basis/",
        f"/n/{slug}/planning/basis/history/",
        f"/n/{slug}/planning/objectives/",
        f"/n/{slug}/planning/projects/",
        f"/n/{slug}/planning/projects/{project.pk}/",
        f"/n/{slug}/planning/indicators/{indicator.pk}/",
    ]
    member, outsider = client_as(world.member, "es"), client_as(world.outsider)
    for url in pages:
        assert member.get(url).status_code == 200, url
        assert outsider.get(url).status_code == 404, url
    # A member proposes objectives but does not keep the basis or set up projects.
    assert member.get(f"/n/{slug}/planning/projects/new/").status_code == 403
    assert member.post(f"/n/{slug}/planning/basis/template/").status_code == 403


def test_a_member_adds_a_trend_with_their_rating_and_the_list_ranks_by_priority(
    world, client_as
) -> None:
    client = client_as(world.member, "es")
    url = f"/n/{world.network.slug}/planning/pestel/"
    for trend, probability, impact in (("Elecciones", 5, "high"), ("Inflación", 2, "low")):
        response = client.post(
            url,
            {"category": "political", "trend": trend, "probability": probability, "impact": impact},
        )
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert page.index("Elecciones") < page.index("Inflación")
    assert "15,0" in page  # priority 5 × 3, in Spanish
    with translation.override("es"):
        assert str(Impact.HIGH.label) in page  # the impact by its label, never "high"


def test_the_board_answers_its_poll_with_nothing_until_someone_adds_a_note(
    world, client_as
) -> None:
    client = client_as(world.member)
    board = f"/n/{world.network.slug}/planning/swot/board/"
    first = client.get(board)
    assert first.status_code == 200
    stamp = first.content.decode().split("since=")[1].split('"')[0]
    assert client.get(board, {"since": stamp}).status_code == 204
    other = client_as(world.other_member)
    other.post(
        f"/n/{world.network.slug}/planning/swot/",
        {"quadrant": "threat", "text": "Recortes a la cooperación"},
    )
    changed = client.get(board, {"since": stamp})
    assert changed.status_code == 200
    assert "Recortes a la cooperación" in changed.content.decode()


def test_a_stale_edit_of_a_note_shows_the_other_persons_text_and_keeps_ones_own(
    world, client_as
) -> None:
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="weakness", text="Poca financiación"
    )
    url = f"/n/{world.network.slug}/planning/swot/{item.pk}/"
    # Ana saves first, from version 1.
    actions.edit_swot_item(
        actor=world.other_member, item=item, version=1, text="Financiación inestable"
    )
    response = client_as(world.member).post(
        url, {"quadrant": "weakness", "text": "Dependencia de un donante", "version": 1}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Financiación inestable" in page  # theirs, shown
    assert "Dependencia de un donante" in page  # mine, kept in the box
    assert SwotItem.objects.get(pk=item.pk).text == "Financiación inestable"
    # Saving again, now from their version, goes through.
    again = client_as(world.member).post(
        url, {"quadrant": "weakness", "text": "Dependencia de un donante", "version": 2}
    )
    assert again.status_code == 302
    assert SwotItem.objects.get(pk=item.pk).text == "Dependencia de un donante"


def test_the_basis_starts_from_what_the_reach_charter_already_says(
    world, client_as, api_as
) -> None:
    # Through the reach's API: planning reads the reach, never writes it.
    saved = api_as(world.coordinator).put(
        "/networks/red/charter",
        {"purpose": "Renovar la democracia juntas", "objective": "Una región que decide en común"},
    )
    assert saved.status_code == 200, saved.content
    page = client_as(world.coordinator).get(f"/n/{world.network.slug}/planning/basis/")
    text = page.content.decode()
    assert "Renovar la democracia juntas" in text
    assert "Una región que decide en común" in text


def test_an_organization_casts_one_ballot_and_the_closed_round_adopts_the_first(
    world, client_as, plan
) -> None:
    round_ = actions.open_prioritization(
        actor=world.coordinator,
        network=world.network,
        title="Prioridades 2027",
        closes_at=timezone.now() + timedelta(days=7),
        dots=5,
        adopt=3,
    )
    first, second, third, fourth = plan["objectives"]
    url = round_.get_absolute_url()
    mateo = client_as(world.member)
    marks = {f"o{first.pk}": 3, f"o{second.pk}": 2}
    assert mateo.post(url, marks).status_code == 302
    # Too many dots: refused, with the reason.
    refused = mateo.post(url, {f"o{first.pk}": 5, f"o{third.pk}": 5})
    assert refused.status_code == 200
    ana = client_as(world.other_member)
    assert ana.post(url, {f"o{third.pk}": 4, f"o{second.pk}": 1}).status_code == 302
    assert Ballot.objects.filter(prioritization=round_).count() == 2
    coordinator = client_as(world.coordinator)
    coordinator.post(f"{url}close/")
    coordinator.post(f"{url}adopt/")
    adopted = list(Objective.objects.filter(status=ObjectiveStatus.ADOPTED).order_by("rank"))
    # 4 points, then 3 and 3: the tie goes to the objective two organizations marked.
    assert adopted == [third, second, first]
    assert fourth.pk not in [o.pk for o in adopted]


def test_measurements_move_the_projects_progress_and_a_bad_file_names_every_cell(
    world, client_as, plan
) -> None:
    indicator, project = plan["indicator"], plan["project"]
    mateo = client_as(world.member, "es")  # the project's responsible
    url = indicator.get_absolute_url()
    assert mateo.post(url, {"measured_on": "2026-03-31", "value": "1.000,5"}).status_code == 302
    assert Measurement.objects.get(indicator=indicator).value == Decimal("1000.50")
    page = mateo.get(project.get_absolute_url()).content.decode()
    assert "50 %" in page  # 1000,5 of 2000 from 0
    bad = b"date,value,note\n2026-04-30,1200,ok\n31/13/2026,abc,\n"
    response = mateo.post(url, {"file": _upload("medidas.csv", bad)})
    text = response.content.decode()
    assert "31/13/2026" in text and "abc" in text
    assert Measurement.objects.filter(indicator=indicator).count() == 1  # nothing stored
    # Someone outside the project's team records nothing.
    outside = client_as(world.other_member).post(url, {"measured_on": "2026-05-01", "value": "1"})
    assert outside.status_code == 200  # the page, without the form: nothing recorded
    assert Measurement.objects.filter(indicator=indicator).count() == 1


def test_a_trend_rated_by_two_people_shows_their_mean(world, client_as) -> None:
    factor = actions.save_trend(
        actor=world.member,
        network=world.network,
        category="economic",
        trend="Recesión",
        probability=4,
        impact="high",
    )
    client_as(world.other_member).post(
        f"/n/{world.network.slug}/planning/pestel/{factor.pk}/rate/",
        {"probability": 2, "impact": "low"},
    )
    factor = PestelFactor.objects.get(pk=factor.pk)
    assert (factor.probability, factor.impact_weight, factor.ratings_count) == (3.0, 2.0, 2)
    assert factor.priority == 6.0


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_project_sheet_shows_every_field_of_the_methods_form(world, client_as, plan) -> None:
    project = plan["project"]
    actions.save_project(
        actor=world.coordinator,
        network=world.network,
        project=project,
        objective=project.objective,
        title=project.title,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        impact_objective="Democracias más diversas",
        specific_objective="200 lideresas formadas",
        staff="Dos coordinadoras",
        extra_resources="Plataforma virtual",
        general_indicators="Personas formadas",
    )
    page = client_as(world.member, "en").get(project.get_absolute_url()).content.decode()
    for label in (
        "General objective of the impact",
        "Specific objective",
        "Start date",
        "End date",
        "Referent of the axis",
        "Referent of the programmatic line",
        "Responsible for the project",
        "Staff",
        "Resources (extra)",
        "General indicators",
        "Results",
    ):
        assert label in page, label
    assert "Democracias más diversas" in page and "Plataforma virtual" in page


def test_an_objective_on_a_ballot_is_no_longer_its_authors_to_change(world, plan) -> None:
    from django.core.exceptions import PermissionDenied

    own = actions.save_objective(
        actor=world.member,
        network=world.network,
        pillar=world.network.pillars.first(),
        title="Mapear iniciativas",
    )
    actions.save_objective(  # still the author's while nobody weighed it
        actor=world.member,
        network=world.network,
        objective=own,
        pillar=own.pillar,
        title="Mapear iniciativas locales",
    )
    actions.open_prioritization(
        actor=world.coordinator,
        network=world.network,
        title="Ronda",
        closes_at=timezone.now() + timedelta(days=3),
    )
    with pytest.raises(PermissionDenied):
        actions.save_objective(
            actor=world.member, network=world.network, objective=own, pillar=own.pillar, title="X"
        )
    with pytest.raises(PermissionDenied):
        actions.delete_objective(actor=world.member, objective=own)
    assert Objective.objects.get(pk=own.pk).title == "Mapear iniciativas locales"


def test_an_objective_adopted_by_hand_comes_after_those_adopted(world, plan) -> None:
    first, second = plan["objectives"][:2]
    for objective in (first, second):
        actions.save_objective(
            actor=world.coordinator,
            network=world.network,
            objective=objective,
            pillar=objective.pillar,
            title=objective.title,
            status="adopted",
        )
    ranks = dict(Objective.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "rank"))
    assert ranks == {first.pk: 1, second.pk: 2}


def test_a_year_typed_short_is_refused_rather_than_breaking_the_charts(
    world, client_as, plan
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.record_measurement(
            actor=world.coordinator,
            indicator=plan["indicator"],
            measured_on=date(26, 2, 1),
            value=Decimal(1),
        )
    response = client_as(world.coordinator).post(
        plan["indicator"].get_absolute_url(), {"measured_on": "0026-02-01", "value": "1"}
    )
    assert response.status_code == 200
    assert not Measurement.objects.filter(indicator=plan["indicator"]).exists()
    assert client_as(world.member).get("/n/red/planning/projects/").status_code == 200


def test_when_a_rater_leaves_the_network_the_trend_is_weighed_again(world) -> None:
    from minga.core import actions as core_actions

    factor = actions.save_trend(
        actor=world.member,
        network=world.network,
        category="legal",
        trend="Ley de ONG",
        probability=5,
        impact="high",
    )
    actions.rate_trend(actor=world.other_member, factor=factor, probability=1, impact="low")
    core_actions.remove_person(
        actor=world.coordinator, person=world.network.people.get(user=world.member)
    )
    factor = PestelFactor.objects.get(pk=factor.pk)
    assert (factor.ratings_count, factor.priority) == (1, 1.0)


def test_a_poll_after_the_session_ends_sends_the_page_to_the_login(world, client_as) -> None:
    from django.test import Client

    answer = Client().get("/n/red/planning/swot/board/", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    assert answer["HX-Redirect"].startswith("/accounts/login/")
    # A weight changes the board's stamp, so the others' boards reload.
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="strength", text="Confianza"
    )
    from minga.planning import queries

    before = queries.board_stamp(world.network)
    actions.weigh_swot_item(actor=world.other_member, item=item, weight=3)
    assert queries.board_stamp(world.network) != before
