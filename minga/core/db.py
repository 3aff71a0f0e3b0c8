"""Database housekeeping that actions ask for."""

from __future__ import annotations

from django.db import connection, transaction


def forget_wal_after_commit() -> None:
    """After writes that must leave no trace (a secret proposal's positions unlinked from
    their voters, purged protocol cases): once committed, SQLite's write-ahead log is
    copied into the database file, where `secure_delete` has overwritten what was
    deleted, and emptied, so no earlier version of those pages stays in the `-wal` file.
    PostgreSQL's write-ahead log is the server's to recycle; nothing to do there."""

    def checkpoint() -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    transaction.on_commit(checkpoint)
