"""Notices and reminders by mail, and closing at the set time. Each runs once."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from minga.core.models import AuditEntry
from minga.governance import actions
from minga.governance.models import Proposal
from minga.governance.tasks import (
    close_due_proposals,
    notify_proposal_opened,
    remind_mandates_ending,
    send_closing_reminders,
)


def test_people_who_may_take_a_position_are_told_when_a_proposal_opens(
    world, open_proposal, django_capture_on_commit_callbacks
):
    world.other_member.language = "pt-br"
    world.other_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(voting_unit="organization")
    # Everyone representing an eligible organization; the coordinator represents none.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "mateo@example.org",
        "paula@example.org",
        "tiago@example.org",
    ]
    to_ana = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    with translation.override("pt-br"):
        expected = gettext("New proposal in %(network)s: %(title)s") % {
            "network": "Red de prueba",
            "title": proposal.title,
        }
    assert to_ana.subject == expected
    # Running the task again sends nothing more.
    assert notify_proposal_opened.call(proposal.pk) == 0
    assert len(mail.outbox) == 4


def test_closing_reminder_goes_once_to_those_without_a_position(world, open_proposal, api_as):
    proposal = open_proposal(voting_unit="person", closes_at=timezone.now() + timedelta(hours=5))
    api_as(world.member).put(f"/proposals/{proposal.pk}/position", {"position": "agree"})
    mail.outbox.clear()
    sent = send_closing_reminders.call()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert "mateo@example.org" not in recipients
    assert "ana@example.org" in recipients
    assert sent == len(recipients)
    assert send_closing_reminders.call() == 0


def test_due_proposals_close_by_themselves(world, open_proposal, api_as):
    proposal = open_proposal(closes_at=timezone.now() + timedelta(minutes=1))
    api_as(world.member).put(f"/proposals/{proposal.pk}/position", {"position": "agree"})
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert close_due_proposals.call() == 1
    proposal.refresh_from_db()
    assert (proposal.state, proposal.outcome) == ("closed", "adopted")
    assert AuditEntry.objects.get(action="proposal.close").by_system
    assert close_due_proposals.call() == 0


def test_coordinators_are_reminded_before_a_mandate_ends(world):
    body = actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="coordination_body",
        name="Coordinación",
        member_kind="organizations",
        mandate_months=12,
    )
    today = timezone.localdate()
    actions.appoint(
        actor=world.coordinator,
        circle=body,
        role="member",
        organization=world.org_a,
        starts_on=today - timedelta(days=350),
        ends_on=today + timedelta(days=15),
    )
    actions.appoint(
        actor=world.coordinator,
        circle=body,
        role="member",
        organization=world.org_b,
        starts_on=today,
        ends_on=today + timedelta(days=200),
    )
    mail.outbox.clear()
    assert remind_mandates_ending.call() == 1
    assert mail.outbox[0].to == ["carolina@example.org"]
    assert "Fundación A" in mail.outbox[0].body
    assert remind_mandates_ending.call() == 0
