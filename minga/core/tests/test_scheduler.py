"""Periodic jobs fire once per slot, however many workers check."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from minga.core.models import ScheduledRun
from minga.core.scheduler import enqueue_due_jobs, latest_slot
from minga.periodic import JOBS, PeriodicJob

BOGOTA = ZoneInfo("America/Bogota")


def test_latest_slot_follows_the_cron_expression():
    job = PeriodicJob("x", "15 3 * * *", "minga.core.tasks.delete_expired_invitations")
    now = datetime(2027, 3, 10, 12, 0, tzinfo=BOGOTA)
    assert latest_slot(job, now) == datetime(2027, 3, 10, 3, 15, tzinfo=BOGOTA)
    early = datetime(2027, 3, 10, 3, 0, tzinfo=BOGOTA)
    assert latest_slot(job, early) == datetime(2027, 3, 9, 3, 15, tzinfo=BOGOTA)


def test_first_check_only_records_then_each_slot_fires_once(db):
    day1 = datetime(2027, 3, 10, 12, 2, tzinfo=BOGOTA)
    with mock.patch("django_tasks.base.Task.enqueue") as enqueue:
        assert enqueue_due_jobs(day1) == []
        assert enqueue.call_count == 0
        # Another worker, same slot: nothing.
        assert enqueue_due_jobs(day1 + timedelta(minutes=1)) == []
        # A month later every job (monthly, daily, hourly...) has a new slot.
        day2 = day1 + timedelta(days=32)
        assert sorted(enqueue_due_jobs(day2)) == sorted(job.name for job in JOBS)
        assert enqueue_due_jobs(day2) == []
        assert enqueue.call_count == len(JOBS)
    assert ScheduledRun.objects.count() == 2 * len(JOBS)


def test_every_declared_job_points_at_a_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for job in JOBS:
        assert isinstance(import_string(job.task), Task), job.name
