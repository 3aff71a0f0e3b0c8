"""Every periodic job of the platform, declared in one place.

`minga worker` checks this list each minute and enqueues each job once per cron slot;
the ScheduledRun unique constraint makes that true across many worker processes on
many machines sharing one database. Later apps add their jobs (invoice runs,
mandate reminders, the weekly digest) here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    cron: str  # minute hour day-of-month month day-of-week, in the server's TIME_ZONE
    task: str  # dotted path of a django-tasks task


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "delete-expired-invitations", "15 3 * * *", "minga.core.tasks.delete_expired_invitations"
    ),
    PeriodicJob("prune-task-results", "30 3 * * *", "minga.core.tasks.prune_task_results"),
    PeriodicJob("close-due-proposals", "*/5 * * * *", "minga.governance.tasks.close_due_proposals"),
    PeriodicJob(
        "proposal-closing-reminders", "10 * * * *", "minga.governance.tasks.send_closing_reminders"
    ),
    PeriodicJob("dues-invoices", "0 6 1 * *", "minga.membership.tasks.invoice_current_periods"),
    PeriodicJob(
        "mandate-ending-reminders", "0 8 * * *", "minga.governance.tasks.remind_mandates_ending"
    ),
    PeriodicJob("protocol-purge", "45 3 * * *", "minga.protocol.tasks.purge_expired_cases"),
    PeriodicJob(
        "application-deadline-reminders",
        "20 * * * *",
        "minga.financing.tasks.send_deadline_reminders",
    ),
    PeriodicJob(
        "event-reminders", "*/15 * * * *", "minga.communication.tasks.send_event_reminders"
    ),
    # Each hour of the morning, not once: a run claims each person before mailing, so a later
    # run mails only those a crashed worker left out, and nobody twice.
    PeriodicJob("weekly-digest", "0 7-12 * * 1", "minga.communication.tasks.send_weekly_digests"),
    PeriodicJob("monthly-digest", "0 7-12 1 * *", "minga.communication.tasks.send_monthly_digests"),
)
