"""`minga backup` and `minga restore`: a backup taken while Minga runs restores into a fresh
database with every record, and the protocol's confidential contents stay sealed in it,
readable with their keys only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from minga.core.tests.test_settings import run_minga as minga
from minga.tests.processes import fresh_postgres_database

# Words of the demo's protocol case (minga/protocol/demo.py): sealed, never in clear.
ACCOUNT = "comentarios sobre mi aspecto"

READ_THE_CASE = """
from minga.core.demo import DEMO_PASSWORD
from minga.protocol import actions, keys
from minga.protocol.models import CaseKey, Entry, OfficerKey
officer = OfficerKey.objects.get(person__user__username="protocolo")
private = keys.unlock(actions.locked_key(officer), SECRET, actions.kdf_cost())
entry = Entry.objects.filter(kind="account").order_by("pk").first()
wrapped = CaseKey.objects.get(case=entry.case, officer=officer).wrapped
print(keys.unseal(keys.unwrap(private, bytes(wrapped)), bytes(entry.sealed)).decode())
"""


def rows(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run covers SQLite")
def test_a_sqlite_backup_restores_every_record_with_the_protocol_still_sealed(tmp_path):
    running, fresh = tmp_path / "running", tmp_path / "fresh"
    running.mkdir()
    fresh.mkdir()
    on_running = {
        "MINGA_VAR_DIR": str(running),
        "MINGA_DATABASE_URL": f"sqlite:///{running / 'minga.sqlite3'}",
    }
    on_fresh = {
        "MINGA_VAR_DIR": str(fresh),
        "MINGA_DATABASE_URL": f"sqlite:///{fresh / 'minga.sqlite3'}",
    }
    for command in (("migrate", "-v", "0"), ("demo", "--if-empty")):
        done = minga(*command, **on_running)
        assert done.returncode == 0, done.stderr
    copy = tmp_path / "minga-backup.sqlite3"
    done = minga("backup", str(copy), **on_running)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Backed up the sqlite database")
    assert ACCOUNT.encode() not in copy.read_bytes()

    done = minga("restore", str(copy), **on_fresh)
    assert done.returncode == 0, done.stderr
    original, restored = rows(running / "minga.sqlite3"), rows(fresh / "minga.sqlite3")
    assert original.keys() == restored.keys() and len(original) > 50
    assert sum(map(len, original.values())) > 1000
    for table, found in original.items():
        assert restored[table] == found, table
    # The case opens with the officer's password, in the restored database too; not without.
    read = minga("shell", "-c", READ_THE_CASE.replace("SECRET", "DEMO_PASSWORD"), **on_fresh)
    assert read.returncode == 0, read.stderr
    assert ACCOUNT in read.stdout
    wrong = minga("shell", "-c", READ_THE_CASE.replace("SECRET", "'not-it'"), **on_fresh)
    assert wrong.returncode != 0 and ACCOUNT not in wrong.stdout

    again = minga("restore", str(copy), **on_fresh)  # it holds data now
    assert again.returncode != 0 and "--replace" in again.stderr
    assert minga("restore", "--replace", str(copy), **on_fresh).returncode == 0
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    refused = minga("restore", "--replace", str(bogus), **on_fresh)
    assert refused.returncode != 0 and "neither a SQLite backup nor a pg_dump" in refused.stderr


def _pg_rows(url: str) -> dict[str, list[str]]:
    import psycopg

    with psycopg.connect(url) as db:
        tables = [
            t
            for (t,) in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run covers it")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_every_record_with_the_protocol_still_sealed(tmp_path):
    import psycopg
    from django.core.management import call_command

    from minga.core.demo import DEMO_PASSWORD
    from minga.protocol import actions, keys

    call_command("demo", "--if-empty", stdout=open(os.devnull, "w"))  # noqa: SIM115
    copy = tmp_path / "minga.pgdump"
    call_command("backup", str(copy), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert ACCOUNT.encode() not in copy.read_bytes()
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    with fresh_postgres_database("restored") as url:
        done = minga("restore", str(copy), MINGA_DATABASE_URL=url)
        assert done.returncode == 0, done.stderr
        original = _pg_rows(f"{server}/{settings['NAME']}")
        restored = _pg_rows(url)
        assert original.keys() == restored.keys() and len(original) > 50
        for table, found in original.items():
            assert restored[table] == found, table
        # The restored case opens with the officer's password (this process's key cost).
        with psycopg.connect(url) as db:
            key_row = db.execute(
                "SELECT k.public, k.locked, k.salt, k.id FROM protocol_officerkey k "
                "JOIN core_person p ON p.id = k.person_id JOIN core_user u ON u.id = p.user_id "
                "WHERE u.username = 'protocolo'"
            ).fetchone()
            assert key_row is not None
            public, locked, salt, officer = key_row
            case_row = db.execute(
                "SELECT e.sealed, c.wrapped FROM protocol_entry e JOIN protocol_casekey c "
                "ON c.case_id = e.case_id AND c.officer_id = %s WHERE e.kind = 'account' "
                "ORDER BY e.id LIMIT 1",
                (officer,),
            ).fetchone()
            assert case_row is not None
            sealed, wrapped = case_row
        private = keys.unlock(
            keys.LockedKey(bytes(public), bytes(locked), bytes(salt)),
            DEMO_PASSWORD,
            actions.kdf_cost(),
        )
        assert ACCOUNT in keys.unseal(keys.unwrap(private, bytes(wrapped)), bytes(sealed)).decode()
        again = minga("restore", str(copy), MINGA_DATABASE_URL=url)
        assert again.returncode != 0 and "--replace" in again.stderr
