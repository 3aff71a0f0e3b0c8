"""Joint applications: who may start and work on one, partners' shares, stages, awarded
amounts in the income, deadline reminders sent once, documents for the team only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minga.core.mail import send_templated_mail
from minga.financing import actions, queries
from minga.financing.models import Reminder, Stage
from minga.financing.tasks import send_deadline_reminders


def _start(world, actor=None, lead=None, days=30, **extra):
    return actions.start_application(
        actor=actor or world.member,
        network=world.network,
        title="Escuela de participación",
        lead=lead or world.org_a,
        deadline=timezone.now() + timedelta(days=days),
        **extra,
    )


def test_a_member_leads_for_their_own_organization_only(world):
    application = _start(world)
    assert application.on_team(world.member) and not application.on_team(world.other_member)
    with pytest.raises(PermissionDenied):
        _start(world, lead=world.org_b)  # mateo is of Fundación A
    assert _start(world, actor=world.coordinator, lead=world.org_b).lead == world.org_b


def test_partners_join_the_team_and_their_shares_cannot_pass_100(world):
    application = _start(world)
    with pytest.raises(PermissionDenied):
        actions.set_stage(actor=world.other_member, application=application, stage="preparing")
    actions.set_partner(
        actor=world.member,
        application=application,
        organization=world.org_b,
        role="Comunicación",
        budget_share=Decimal(60),
    )
    assert application.on_team(world.other_member)
    actions.set_stage(actor=world.other_member, application=application, stage="preparing")
    with pytest.raises(ValidationError):
        actions.set_partner(
            actor=world.member, application=application, organization=world.org_a
        )  # the lead is not its own partner
    other = _start(world, actor=world.coordinator, lead=world.org_b)
    actions.set_partner(
        actor=world.coordinator,
        application=other,
        organization=world.org_a,
        budget_share=Decimal(70),
    )
    with pytest.raises(ValidationError):
        actions.set_partner(
            actor=world.coordinator,
            application=other,
            organization=world.org_a,
            budget_share=Decimal("100.01"),
        )


def test_an_awarded_amount_counts_in_the_income_of_its_year_and_leaves_it_if_moved_back(world):
    application = _start(world, currency="EUR")
    with pytest.raises(ValidationError):
        actions.set_stage(actor=world.member, application=application, stage=Stage.AWARDED)
    today = timezone.localdate()
    actions.set_stage(
        actor=world.member,
        application=application,
        stage=Stage.AWARDED,
        awarded_amount=Decimal("12500.50"),
        awarded_on=today,
    )
    actions.save_need(
        actor=world.treasurer,
        network=world.network,
        title="Secretaría",
        kind="institutional",
        year=today.year,
        amount=Decimal(20000),
        currency="EUR",
    )
    (row,) = queries.gap_rows(world.network)
    assert (row.year, row.currency, row.need, row.grants, row.gap) == (
        today.year,
        "EUR",
        Decimal(20000),
        Decimal("12500.50"),
        Decimal("7499.50"),
    )
    actions.set_stage(actor=world.member, application=application, stage=Stage.SUBMITTED)
    (row,) = queries.gap_rows(world.network)
    assert row.grants == 0


def test_reminders_go_once_at_14_7_and_2_days_even_when_the_task_runs_twice(world):
    application = _start(world, days=30)
    actions.set_partner(actor=world.member, application=application, organization=world.org_b)
    deadline = application.deadline
    sent = []
    for days_left in (20, 13.5, 13, 6.9, 6, 1.5, 1):
        now = deadline - timedelta(days=days_left)
        mail.outbox.clear()
        count = actions.remind_deadlines(now) + actions.remind_deadlines(now)  # twice
        sent.append((days_left, count, sorted(m.to[0] for m in mail.outbox)))
    team = sorted(
        ["mateo@example.org", "ana@example.org", "tiago@example.org", "paula@example.org"]
    )
    assert [(d, c) for d, c, _to in sent] == [
        (20, 0),
        (13.5, 1),
        (13, 0),
        (6.9, 1),
        (6, 0),
        (1.5, 1),
        (1, 0),
    ]
    assert all(to == team for _d, count, to in sent if count)
    assert sorted(Reminder.objects.values_list("days_before", flat=True)) == [2, 7, 14]


def test_a_late_application_hears_only_the_nearest_reminder_and_submitted_ones_none(world):
    late = _start(world, days=5)
    done = _start(world, days=5)
    actions.set_stage(actor=world.member, application=done, stage=Stage.SUBMITTED)
    mail.outbox.clear()
    assert send_deadline_reminders.call() == 1
    assert list(Reminder.objects.values_list("application_id", "days_before")) == [(late.pk, 7)]
    assert "5 days" in mail.outbox[0].subject or "días" in mail.outbox[0].subject


def test_a_changed_deadline_gets_its_own_reminders(world):
    application = _start(world, days=10)
    assert actions.remind_deadlines() == 1
    actions.update_application(
        actor=world.member,
        application=application,
        deadline=application.deadline + timedelta(days=1),
    )
    assert actions.remind_deadlines() == 1
    assert actions.remind_deadlines() == 0


def test_documents_are_for_the_team_and_bounded(world, client_as):
    application = _start(world)
    document = actions.attach_document(
        actor=world.member, application=application, name="../presupuesto.xlsx", content=b"data"
    )
    assert document.name == ".._presupuesto.xlsx"
    with pytest.raises(ValidationError):
        actions.attach_document(
            actor=world.member,
            application=application,
            name="big.pdf",
            content=b"x" * (actions.MAX_DOCUMENT_BYTES + 1),
        )
    with pytest.raises(PermissionDenied):
        actions.attach_document(
            actor=world.other_member, application=application, name="a", content=b"a"
        )
    url = f"/n/red/financing/applications/{application.pk}/documents/{document.pk}/"
    response = client_as(world.member).get(url)
    assert response.status_code == 200 and response.content == b"data"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert client_as(world.other_member).get(url).status_code == 403
    assert client_as(world.treasurer).get(url).status_code == 200
    assert client_as(world.outsider).get(url).status_code == 404


def test_a_refused_address_does_not_cost_the_rest_of_the_team_their_reminder(world, monkeypatch):
    application = _start(world, days=3)
    actions.set_partner(actor=world.member, application=application, organization=world.org_b)
    real = send_templated_mail

    def flaky(*, to, **kwargs):
        if to == "ana@example.org":
            raise OSError("550 mailbox unavailable")
        real(to=to, **kwargs)

    monkeypatch.setattr(actions, "send_templated_mail", flaky)
    mail.outbox.clear()
    assert actions.remind_deadlines() == 1
    assert "ana@example.org" not in [m.to[0] for m in mail.outbox]
    assert "mateo@example.org" in [m.to[0] for m in mail.outbox]


def test_edit_pages_show_the_stored_dates_in_the_date_boxes(world, client_as):
    application = _start(world, days=30)
    actions.set_stage(
        actor=world.member,
        application=application,
        stage=Stage.AWARDED,
        awarded_amount=Decimal(10),
        awarded_on=timezone.localdate() - timedelta(days=400),
    )
    for language in ("es", "pt-br", "en"):
        client = client_as(world.member, language)
        detail = client.get(f"/n/red/financing/applications/{application.pk}/").content.decode()
        awarded = (timezone.localdate() - timedelta(days=400)).isoformat()
        assert f'value="{awarded}"' in detail  # a date box takes only yyyy-mm-dd
        edit = client.get(f"/n/red/financing/applications/{application.pk}/edit/").content.decode()
        local = application.deadline.astimezone(ZoneInfo(world.network.time_zone))
        assert f'value="{local.date().isoformat()}"' in edit
    assert (
        client_as(world.other_member)
        .get(f"/n/red/financing/applications/{application.pk}/edit/")
        .status_code
        == 403
    )
