"""`minga migrate` from the previous release's database keeps every record: the demo made at
commit 81b3623 (fixtures/upgrade/README.md), migrated with today's code, on SQLite and on
PostgreSQL; its protocol case still opens with the officer's password."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from minga.core.tests.test_settings import run_minga as minga
from minga.tests.processes import fresh_postgres_database
from minga.tests.test_backup import ACCOUNT, READ_THE_CASE

FIXTURES = Path(__file__).parent / "fixtures" / "upgrade"


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def _kept(before: dict[str, int], after: dict[str, int]) -> None:
    assert sum(before.values()) > 1000
    for table, count in before.items():
        if table in ("django_migrations", "sqlite_sequence"):
            assert after[table] >= count, table
        else:
            assert after.get(table) == count, (
                f"{table}: {count} rows before, {after.get(table)} after"
            )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run covers SQLite")
def test_the_previous_releases_sqlite_database_migrates_with_every_record(tmp_path):
    database = tmp_path / "minga.sqlite3"
    with gzip.open(FIXTURES / "demo-81b3623.sqlite3.gz") as packed, database.open("wb") as out:
        shutil.copyfileobj(packed, out)
    before = _sqlite_counts(database)
    env = {"MINGA_VAR_DIR": str(tmp_path), "MINGA_DATABASE_URL": f"sqlite:///{database}"}
    pending = minga("showmigrations", "--plan", **env).stdout
    assert "[ ]  sortition.0007_seated_before_draw" in pending  # the old schema, indeed
    done = minga("migrate", "--noinput", **env)
    assert done.returncode == 0, done.stderr
    assert "[ ]" not in minga("showmigrations", "--plan", **env).stdout  # all applied
    _kept(before, _sqlite_counts(database))
    read = minga("shell", "-c", READ_THE_CASE.replace("SECRET", "DEMO_PASSWORD"), **env)
    assert read.returncode == 0, read.stderr
    assert ACCOUNT in read.stdout


def _pg_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as db:
        tables = [
            t
            for (t,) in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        counts = {}
        for t in tables:
            row = db.execute(f'SELECT count(*) FROM "{t}"').fetchone()  # noqa: S608
            assert row is not None
            counts[t] = int(row[0])
        return counts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run covers it")
@pytest.mark.django_db(transaction=True)
def test_the_previous_releases_postgresql_database_migrates_with_every_record(tmp_path):
    with fresh_postgres_database("upgrade") as url:
        env = {"MINGA_VAR_DIR": str(tmp_path), "MINGA_DATABASE_URL": url}
        done = minga("restore", str(FIXTURES / "demo-81b3623.pgdump"), **env)
        assert done.returncode == 0, done.stderr
        before = _pg_counts(url)
        pending = minga("showmigrations", "--plan", **env).stdout
        assert "[ ]  sortition.0007_seated_before_draw" in pending  # the old schema, indeed
        done = minga("migrate", "--noinput", **env)
        assert done.returncode == 0, done.stderr
        assert "[ ]" not in minga("showmigrations", "--plan", **env).stdout
        _kept(before, _pg_counts(url))
        read = minga("shell", "-c", READ_THE_CASE.replace("SECRET", "DEMO_PASSWORD"), **env)
        assert read.returncode == 0, read.stderr
        assert ACCOUNT in read.stdout
