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
    # Checked exactly when it is due, the slot is due now.
    due = datetime(2027, 3, 10, 3, 15, tzinfo=BOGOTA)
    assert latest_slot(job, due) == due


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


def test_the_digests_run_again_each_hour_of_the_morning_to_catch_up(db):
    # A run mails only those not yet claimed: the hourly repeats mail whoever a crashed
    # worker left out. 2027-02-01 is a Monday and the 1st: both digests are due.
    monday = datetime(2027, 2, 1, 6, 59, tzinfo=BOGOTA)
    with mock.patch("django_tasks.base.Task.enqueue"):
        enqueue_due_jobs(monday)
        due = [enqueue_due_jobs(monday + timedelta(hours=hours, minutes=1)) for hours in range(7)]
    digests = [[n for n in names if n.endswith("-digest")] for names in due]
    both = ["weekly-digest", "monthly-digest"]
    assert [sorted(d) for d in digests] == [sorted(both)] * 6 + [[]]  # 07:00 … 12:00, not 13:00
