"""`/health`: what a load balancer or monitor asks of each web process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _waiting_task(minutes: int) -> None:
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="minga.sortition.tasks.compute_draw",
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=minutes),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_health_answers_anyone_with_the_database_and_the_task_queue(client):
    body = client.get("/health").json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "tasks": {"ready": 0, "oldest_ready_seconds": None, "stalled": False},
    }
    _waiting_task(2)  # a worker will take it soon
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["tasks"]["ready"] == 1
    assert 100 < body["tasks"]["oldest_ready_seconds"] < 200


def test_a_task_nobody_takes_marks_the_platform_degraded_but_still_serving(client):
    _waiting_task(11)
    response = client.get("/health")
    assert response.status_code == 200  # the web processes still serve pages
    assert response.json()["status"] == "degraded" and response.json()["tasks"]["stalled"]


def test_without_its_database_a_web_process_is_unavailable(client, monkeypatch):
    from django.db import connection

    def broken() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "error"}


def test_a_monitor_asks_over_plain_http_where_pages_move_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production
    assert client.get("/health").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
