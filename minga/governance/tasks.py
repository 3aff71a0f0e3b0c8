"""Background work of governance: notices, reminders and closing at the set time.
Each task checks whether its work is done already before doing it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from minga.core.mail import send_templated_mail
from minga.core.models import RoleName
from minga.core.permissions import SYSTEM
from minga.governance.models import Mandate, Proposal, ProposalState
from minga.governance.queries import people_who_may_vote

CLOSING_NOTICE = timedelta(hours=24)
MANDATE_NOTICE = timedelta(days=30)


@task()
def notify_proposal_opened(proposal_id: int) -> int:
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update()
            .filter(pk=proposal_id, opening_notice_sent_at__isnull=True)
            .first()
        )
        if proposal is None:
            return 0
        proposal.opening_notice_sent_at = timezone.now()
        proposal.save(update_fields=["opening_notice_sent_at"])
    people = people_who_may_vote(proposal)
    for person in people:
        send_templated_mail(
            to=person.user.email,
            template="governance/mail/proposal_opened",
            context={"proposal": proposal, "person": person},
            language=person.user.language,
        )
    return len(people)


@task()
def send_closing_reminders() -> int:
    """Remind those who have not taken a position, a day before a proposal closes."""
    sent = 0
    soon = timezone.now() + CLOSING_NOTICE
    due = Proposal.objects.filter(
        state=ProposalState.OPEN, closes_at__lte=soon, closing_reminder_sent_at__isnull=True
    )
    for proposal in due.select_related("network"):
        with transaction.atomic():
            claimed = Proposal.objects.filter(
                pk=proposal.pk, closing_reminder_sent_at__isnull=True
            ).update(closing_reminder_sent_at=timezone.now())
        if not claimed:
            continue  # another worker took it
        taken_people = set(proposal.positions.values_list("voter_person", flat=True))
        taken_organizations = set(proposal.positions.values_list("voter_organization", flat=True))
        for person in people_who_may_vote(proposal):
            if person.pk in taken_people or person.organization_id in taken_organizations:
                continue
            send_templated_mail(
                to=person.user.email,
                template="governance/mail/proposal_closing",
                context={"proposal": proposal, "person": person},
                language=person.user.language,
            )
            sent += 1
    return sent


@task()
def close_due_proposals() -> int:
    from minga.governance.actions import ProposalClosed, close_proposal

    closed = 0
    due = Proposal.objects.filter(state=ProposalState.OPEN, closes_at__lte=timezone.now())
    for proposal in due:
        try:
            close_proposal(actor=SYSTEM, proposal=proposal)
            closed += 1
        except ProposalClosed:
            continue
    return closed


@task()
def remind_mandates_ending() -> int:
    """Tell a network's coordinators, a month ahead, which mandates are ending."""
    today = timezone.localdate()
    due = (
        Mandate.objects.current()
        .filter(
            ends_on__isnull=False,
            ends_on__lte=today + MANDATE_NOTICE,
            reminder_sent_at__isnull=True,
        )
        .select_related("circle__network", "person__user", "organization")
    )
    sent = 0
    for mandate in due:
        claimed = Mandate.objects.filter(pk=mandate.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            continue
        coordinators = mandate.circle.network.people.filter(
            roles__name=RoleName.COORDINATOR
        ).select_related("user")
        for coordinator in coordinators:
            if not coordinator.user.email:
                continue
            send_templated_mail(
                to=coordinator.user.email,
                template="governance/mail/mandate_ending",
                context={"mandate": mandate},
                language=coordinator.user.language,
            )
            sent += 1
    return sent
