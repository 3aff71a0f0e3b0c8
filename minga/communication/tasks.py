"""Background work of communication: reminding registered people before events."""

from __future__ import annotations

from django_tasks import task

from minga.communication import digest
from minga.communication.actions import remind_registered
from minga.communication.models import Frequency
from minga.core.models import Network


@task()
def send_event_reminders() -> int:
    """Every quarter hour: a day before each occurrence, its registered people hear once."""
    return remind_registered()


@task()
def send_weekly_digests() -> int:
    """Monday morning: this week's digest in every network (idempotent, as the command)."""
    return _send_all(Frequency.WEEKLY)


@task()
def send_monthly_digests() -> int:
    """The first of the month: the month's digest for those who chose it."""
    return _send_all(Frequency.MONTHLY)


def _send_all(frequency: str) -> int:
    when = digest.current_period(frequency)
    return sum(digest.send(network, when) for network in Network.objects.order_by("pk"))
