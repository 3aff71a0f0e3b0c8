"""Database housekeeping that actions ask for."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction

logger = logging.getLogger(__name__)


def sql_name(model: Any, field: str | None = None) -> str:
    """A model's table, or one of its fields' column, quoted for plain SQL: names from the
    models, never from a request (the few queries written by hand, where building them
    through the ORM cost more than the database's answer)."""
    meta = model._meta
    name = meta.db_table if field is None else meta.get_field(field).column
    return str(connection.ops.quote_name(name))


def forget_wal_after_commit() -> None:
    """After writes that must leave no trace (a secret proposal's positions unlinked from
    their voters, purged protocol cases): once committed, SQLite's write-ahead log is
    copied into the database file, where `secure_delete` has overwritten what was
    deleted, and emptied, so no earlier version of those pages stays in the `-wal` file.
    PostgreSQL's write-ahead log is the server's to recycle; nothing to do there."""

    def checkpoint() -> None:
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _frames, _copied = cursor.fetchone()
        if busy:
            # A reader still holds an older snapshot: the pages stay in the log until the
            # next checkpoint (SQLite's automatic one, at 1,000 pages, or the next call).
            logger.warning("The SQLite WAL could not be emptied now: a reader is busy.")

    transaction.on_commit(checkpoint)
