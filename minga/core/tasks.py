"""Background work of the core app. Each task is idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from minga.core.mail import send_templated_mail
from minga.core.models import Invitation, User


@task()
def send_invitation(invitation_id: int) -> bool:
    """Mail an invitation link. Does nothing for an invitation already used or expired."""
    invitation = (
        Invitation.objects.select_related("network", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_usable():
        return False
    # Someone who already has an account reads it in the language stored on it.
    account = User.objects.filter(email__iexact=invitation.email).exclude(language="").first()
    send_templated_mail(
        to=invitation.email,
        template="core/mail/invitation",
        context={"invitation": invitation},
        language=account.language if account is not None else invitation.language,
    )
    return True


@task()
def delete_expired_invitations() -> int:
    """Remove invitations that expired unused more than 30 days ago."""
    cutoff = timezone.now() - timedelta(days=30)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted


@task()
def prune_task_results() -> int:
    """Delete finished background-task records older than 14 days."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=14)
    deleted, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted
