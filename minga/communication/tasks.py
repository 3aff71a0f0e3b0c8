"""Background work of communication: reminding registered people before events."""

from __future__ import annotations

import logging

from django_tasks import task

from minga.communication import digest
from minga.communication.actions import remind_registered
from minga.communication.models import Frequency
from minga.core.models import Network

log = logging.getLogger(__name__)


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
    sent = 0
    for network in Network.objects.order_by("pk"):
        try:
            sent += digest.send(network, when)
        except Exception:  # one network's failure must not cost the others their digest
            log.exception("the digest of %s failed", network.slug)
    return sent
