"""Background work of membership: telling applicants, invoicing each period."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from minga.core.mail import send_templated_mail
from minga.core.models import Network
from minga.core.permissions import SYSTEM
from minga.membership.models import Application, ApplicationStatus


@task()
def send_application_decision(application_id: int) -> bool:
    application = (
        Application.objects.select_related("network", "plan").filter(pk=application_id).first()
    )
    if application is None or application.status == ApplicationStatus.PENDING:
        return False
    send_templated_mail(
        to=application.contact_email,
        template=f"membership/mail/application_{application.status}",
        context={"application": application},
        language=application.language,
    )
    return True


@task()
def invoice_current_periods() -> int:
    """On the first of each month: monthly plans for the month, and on January 1st
    annual plans for the year. Idempotent, like the command."""
    from minga.membership.actions import invoice_period

    today = timezone.localdate()
    periods = [f"{today.year}-{today.month:02d}"]
    if today.month == 1:
        periods.append(str(today.year))
    created = 0
    for network in Network.objects.filter(plans__isnull=False).distinct():
        for period in periods:
            created += invoice_period(actor=SYSTEM, network=network, period=period)
    return created
