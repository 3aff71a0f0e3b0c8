"""Background work of communication: reminding registered people before events."""

from __future__ import annotations

from django_tasks import task

from minga.communication.actions import remind_registered


@task()
def send_event_reminders() -> int:
    """Every quarter hour: a day before each occurrence, its registered people hear once."""
    return remind_registered()
