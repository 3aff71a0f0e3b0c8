"""Enqueue due periodic jobs exactly once per slot, whichever worker gets there first."""

from __future__ import annotations

from datetime import datetime, timedelta

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from minga.core.models import ScheduledRun
from minga.periodic import JOBS, PeriodicJob


def latest_slot(job: PeriodicJob, now: datetime) -> datetime:
    """The most recent time at or before `now` at which the job is due."""
    # croniter's previous time is strictly before its start: a microsecond on, so a slot
    # checked exactly at its due time counts as due (and not a minute later).
    local_now = timezone.localtime(now) + timedelta(microseconds=1)
    return croniter(job.cron, local_now).get_prev(datetime)


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue each job whose latest slot has no run yet; return the names enqueued.

    A job's first check only records its current slot, so starting a worker does not
    fire every job at once.
    """
    now = now or timezone.now()
    enqueued = []
    for job in JOBS:
        slot = latest_slot(job, now)
        first_time = not ScheduledRun.objects.filter(job=job.name).exists()
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
                if not first_time:
                    import_string(job.task).enqueue()
        except IntegrityError:
            continue  # another worker already took this slot
        if not first_time:
            enqueued.append(job.name)
    return enqueued
