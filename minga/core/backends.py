"""Who is signed in: Django's ModelBackend (same accounts, same password checks), with the
person of each request read by one plain query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends

from minga.core.db import sql_name
from minga.core.models import User

# What sessions signed in before Minga named its own backend carry (minga.core.sessions reads
# them as this one's: the same accounts and checks).
DJANGOS = "django.contrib.auth.backends.ModelBackend"
MINGAS = "minga.core.backends.ModelBackend"


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        """Django's: the active user of this id, or None. Every signed-in request asks, and
        building Django's query took twice the CPU of the database's answer (bench/load.py,
        3% of a web process)."""
        found = list(
            User.objects.raw(
                f"SELECT * FROM {sql_name(User)} WHERE {sql_name(User, 'id')} = %s",  # noqa: S608
                [user_id],
            )
        )
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
