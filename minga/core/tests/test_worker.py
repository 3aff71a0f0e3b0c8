"""`minga worker` runs what the web processes queued in the database."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from minga.core import actions

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_worker_sends_a_queued_invitation(world):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_QUEUE):
        actions.invite_person(
            actor=world.coordinator, network=world.network, email="cola@example.org"
        )
        # Queued, not sent: the web request does not wait for the mail server.
        assert mail.outbox == []
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        call_command("worker", "--batch", verbosity=0)
    assert [message.to for message in mail.outbox] == [["cola@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
