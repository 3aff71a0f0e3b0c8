"""Sessions kept in the database as Django keeps them (SESSION_ENGINE), read by one plain
query: every signed-in request reads its session, and building Django's query through the
ORM took longer than the database took to answer it (bench/load.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from minga.core import backends
from minga.core.db import sql_name


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        """Django's: the unexpired session of this key, or None (and the key dropped)."""
        found: list[Session] = []
        if self.session_key is not None:
            key, expires = sql_name(Session, "session_key"), sql_name(Session, "expire_date")
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            found = list(
                Session.objects.raw(
                    f"SELECT * FROM {sql_name(Session)} WHERE {key} = %s AND {expires} > %s",  # noqa: S608
                    [self.session_key, now],
                )
            )
        if not found:
            self._session_key = None
            return None
        return found[0]

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        """Django's; a session signed in with Django's ModelBackend (before Minga named its
        own) is read as signed in with Minga's, so nobody is signed out by the change."""
        data: dict[str, Any] = super().decode(session_data)
        if data.get(BACKEND_SESSION_KEY) == backends.DJANGOS:
            data[BACKEND_SESSION_KEY] = backends.MINGAS
        return data
