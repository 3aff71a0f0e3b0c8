"""Background work of financing: reminding application teams of their deadlines."""

from __future__ import annotations

from django_tasks import task

from minga.financing.actions import remind_deadlines


@task()
def send_deadline_reminders() -> int:
    """Hourly: each working application's team hears 14, 7 and 2 days before its
    deadline, once (the Reminder rows make a second run, or a second worker, send nothing)."""
    return remind_deadlines()
