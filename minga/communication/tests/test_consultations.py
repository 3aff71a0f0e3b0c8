"""Quick consultations and the engagement view."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minga.communication import actions, digest, queries
from minga.communication.models import ConsultationAnswer, Registration


def _open(world, kind="choice", **extra):
    return actions.open_consultation(
        actor=world.coordinator,
        network=world.network,
        question="¿Qué tema prefieren?",
        kind=kind,
        choices=["Ambiente", "Juventudes"] if kind == "choice" else [],
        closes_at=timezone.now() + timedelta(days=2),
        **extra,
    )


def test_an_answer_counts_once_per_person_and_changes_until_it_closes(world):
    consultation = _open(world)
    actions.answer_consultation(actor=world.member, consultation=consultation, choice="Ambiente")
    actions.answer_consultation(actor=world.member, consultation=consultation, choice="Juventudes")
    actions.answer_consultation(
        actor=world.other_member, consultation=consultation, choice="Juventudes"
    )
    assert queries.results(consultation) == [("Ambiente", 0), ("Juventudes", 2)]
    with pytest.raises(ValidationError):
        actions.answer_consultation(actor=world.member, consultation=consultation, choice="Otro")
    consultation.closes_at = timezone.now() - timedelta(seconds=1)
    consultation.save()
    with pytest.raises(ValidationError):
        actions.answer_consultation(
            actor=world.member, consultation=consultation, choice="Ambiente"
        )
    answer = ConsultationAnswer.objects.get(person__user=world.member)
    assert answer.organization == world.org_a  # kept for the engagement view


def test_only_coordinators_open_one_and_ratings_are_1_to_5(world):
    with pytest.raises(PermissionDenied):
        actions.open_consultation(
            actor=world.member,
            network=world.network,
            question="?",
            kind="text",
            closes_at=timezone.now() + timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        actions.open_consultation(
            actor=world.coordinator,
            network=world.network,
            question="?",
            kind="choice",
            choices=["Solo una"],
            closes_at=timezone.now() + timedelta(days=1),
        )
    rating = _open(world, kind="rating")
    with pytest.raises(ValidationError):
        actions.answer_consultation(actor=world.member, consultation=rating, rating=6)
    actions.answer_consultation(actor=world.member, consultation=rating, rating=4)
    assert dict(queries.results(rating))["4"] == 1


def test_results_show_once_answered_or_closed_and_the_digest_asks_who_has_not(world, client_as):
    consultation = _open(world)
    url = f"/n/red/communication/consultations/{consultation.pk}/"
    page = client_as(world.member).get(url).content.decode()
    assert "The results show once you have answered." in page
    client_as(world.member).post(url, {"choice": "Ambiente"})
    page = client_as(world.member).get(url).content.decode()
    assert "<svg" in page and "Results: 1 answer" in page
    person = world.network.people.get(user=world.other_member)
    when = digest.current_period("weekly")
    shared = digest.network_content(world.network, when)
    assert digest.content_for(person, shared).consultations == [consultation]
    mine = world.network.people.get(user=world.member)
    assert digest.content_for(mine, shared).consultations == []


def test_the_quarters_end_with_the_current_one():
    assert queries.quarters(date(2026, 2, 10)) == [
        date(2025, 4, 1),
        date(2025, 7, 1),
        date(2025, 10, 1),
        date(2026, 1, 1),
    ]


def test_engagement_counts_each_kind_by_quarter_and_flags_a_fall(world):
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    starts = queries.quarters(today)
    # Four meetings attended two quarters ago, none in the last complete quarter.
    for n in range(4):
        at = datetime.combine(starts[1], datetime.min.time(), tzinfo=tz) + timedelta(days=n + 1)
        event = actions.save_event(
            actor=world.coordinator,
            network=world.network,
            kind="workshop",
            title=f"T{n}",
            starts_at=at,
            ends_at=at + timedelta(hours=1),
        )
        Registration.objects.create(
            event=event,
            person=world.network.people.get(user=world.member),
            status="registered",
            attended=True,
        )
    actions.share_resource(
        actor=world.member, network=world.network, title="Guía", url="https://example.org/g"
    )
    (row_a, row_b) = queries.engagement([world.org_a, world.org_b], today)
    assert row_a.meetings == [0, 4, 0, 0]
    assert row_a.resources[-1] == 1
    assert row_a.falling is True and row_b.falling is False
    assert row_b.totals == [0, 0, 0, 0]
