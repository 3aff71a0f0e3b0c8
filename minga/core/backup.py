"""Backups of the whole database, and their restore (`minga backup FILE`, `minga restore FILE`).

SQLite: the online backup API copies the database page by page while the server runs, into
one consistent file (the WAL's committed pages included); restoring copies it back the same
way. PostgreSQL: `pg_dump` in its custom format, restored by `pg_restore`. Both copy the
rows as stored: the protocol team's confidential contents stay encrypted, and only their
keys (which the server does not hold) can read them, in the backup as in the database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
PAGES_PER_STEP = 1024  # the online copy lets writers in between steps


class BackupError(Exception):
    """What went wrong, in a sentence for the person at the command line."""


def kind_of(path: Path) -> str:
    """ "sqlite" or "postgresql", from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path.name} is neither a SQLite backup nor a pg_dump file.")


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def backup(path: Path) -> str:
    """Write a consistent copy of the database to `path` (replaced only once complete)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if engine() == "sqlite":
            connection.ensure_connection()
            source = connection.connection
            target = sqlite3.connect(partial)
            try:
                source.backup(target, pages=PAGES_PER_STEP)
            finally:
                target.close()
        else:
            _postgres("pg_dump", "--format=custom", "--no-owner", f"--file={partial}")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return engine()


def restore(path: Path, *, replace: bool) -> str:
    """Load the backup at `path` into the configured database. One that already holds
    Minga's tables is replaced only with `replace`."""
    kind = kind_of(path)
    if kind != engine():
        raise BackupError(
            f"{path.name} is a {kind} backup; the configured database is {engine()}: restore "
            "it into a database of the same kind."
        )
    if not replace and "django_migrations" in connection.introspection.table_names():
        raise BackupError(
            "The database already holds Minga's tables: pass --replace to overwrite them."
        )
    if kind == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection, pages=PAGES_PER_STEP)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore drops what this connection might hold
        _postgres(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", str(path)
        )
    return kind


def _postgres(program: str, *args: str) -> None:
    """Run pg_dump or pg_restore on the configured database (password by environment)."""
    settings: dict[str, Any] = connection.settings_dict
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))  # Debian's
    binary = shutil.which(program) or (str(installed[-1]) if installed else None)
    if binary is None:
        raise BackupError(f"{program} is not installed (it comes with PostgreSQL's client).")
    command = [binary, f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        command.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        command.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        command.append(f"--username={settings['USER']}")
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [*command, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[:500]}")
