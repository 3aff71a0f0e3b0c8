"""The canary: a word typed into a report, a message, an attachment, a measure and a note
appears in the officers' decrypted view and nowhere else: not in the database file, its
WAL or journal (SQLite), not in a dump (PostgreSQL), the logs, the mail, the audit log."""

from __future__ import annotations

import base64
import logging
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection

from minga.core.models import AuditEntry
from minga.protocol import actions
from minga.protocol.tests.conftest import PAULA, PasswordApi, anonymous_post

CANARY = "Canario-Zq7xW3-mirlo"


def _files_of_sqlite() -> list[Path]:
    name = Path(connection.settings_dict["NAME"])
    return [p for p in (name, Path(f"{name}-wal"), Path(f"{name}-journal")) if p.exists()]


def _pg_dump() -> bytes:
    settings = connection.settings_dict
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    binary = shutil.which("pg_dump") or (str(pgbin[-1] / "pg_dump") if pgbin else None)
    if binary is None:
        pytest.skip("pg_dump is not installed")
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    return subprocess.run(
        [
            binary,
            "-h",
            settings.get("HOST") or "127.0.0.1",
            "-p",
            str(settings.get("PORT") or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        env=env,
        check=True,
        capture_output=True,
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_the_canary_is_only_in_the_officers_view(
    world, caplog, django_capture_on_commit_callbacks, tmp_path
):
    caplog.set_level(logging.DEBUG)
    actions.set_up(actor=world.coordinator, network=world.network)
    actions.change_settings(
        actor=world.coordinator,
        network=world.network,
        anonymous_channel=True,
        retention_days=90,
        outside_help="",
    )
    actions.create_officer_key(actor=world.protocol_officer, network=world.network, password=PAULA)
    officer = PasswordApi("paula", PAULA)
    with django_capture_on_commit_callbacks(execute=True):
        created = anonymous_post(
            "/networks/red/protocol/reports",
            {"account": f"Relato {CANARY}", "anonymous": True, "contact_email": "x@example.org"},
        ).json()
        receipt = created["receipt"]
        anonymous_post(
            "/protocol/receipts/messages", {"receipt": receipt, "message": f"Mensaje {CANARY}"}
        )
        case = f"/protocol/reports/{created['id']}"
        officer.post(f"{case}/messages", {"message": f"Respuesta {CANARY}"})
        officer.post(f"{case}/measures", {"measure": f"Medida {CANARY}"})
        officer.post(f"{case}/state", {"state": "containment", "note": f"Nota {CANARY}"})
        officer.post(
            f"{case}/attachments",
            {
                "name": f"{CANARY}.txt",
                "content_type": "text/plain",
                "content_base64": base64.b64encode(f"Archivo {CANARY}".encode()).decode(),
            },
        )
    # The officers read every piece of it.
    opened = officer.get(case).json()
    assert CANARY in opened["account"]
    assert {CANARY in m["text"] for m in opened["messages"]} == {True}
    assert CANARY in opened["measures"][0]["text"] and CANARY in opened["history"][0]["note"]
    assert opened["attachments"][0]["name"] == f"{CANARY}.txt"

    needle = CANARY.encode()
    if connection.vendor == "sqlite":
        # And a consistent online copy, as a backup takes it (SQLite's backup API).
        copy = tmp_path / "backup.sqlite3"
        with sqlite3.connect(copy) as target:
            connection.ensure_connection()
            connection.connection.backup(target)
        files = [*_files_of_sqlite(), copy]
        assert files
        for path in files:
            content = path.read_bytes()
            assert needle not in content, path
            assert receipt.encode() not in content, path  # stored only as a slow hash
    else:
        dump = _pg_dump()
        assert needle not in dump and receipt.encode() not in dump
    assert CANARY not in caplog.text
    assert all(CANARY not in f"{m.subject} {m.body}" for m in mail.outbox)
    assert mail.outbox  # the officers' notice and the reporter's "there is news" were sent
    for entry in AuditEntry.objects.all():
        assert CANARY not in f"{entry.target_repr} {entry.data}"


def test_an_error_report_of_a_protocol_page_hides_what_was_posted(world, protocol, client_as):
    """Server-error emails are built from the request: protocol pages mark every POST
    field sensitive, so the report shows stars, not the account."""
    from django.views.debug import ExceptionReporter

    answer = client_as(world.member).post(
        "/n/red/protocol/report/", {"kind": "other", "account": f"Relato {CANARY}"}
    )
    request = answer.wsgi_request
    assert request.sensitive_post_parameters == "__ALL__"
    try:
        raise RuntimeError("a failure while handling the report")
    except RuntimeError as exc:
        text = ExceptionReporter(request, type(exc), exc, exc.__traceback__).get_traceback_text()
    assert "account" in text and CANARY not in text
