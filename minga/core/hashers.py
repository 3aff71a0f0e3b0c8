"""Django's Argon2 hasher (same name, same parameters, same stored hashes) with at most
`MINGA_HASHES_AT_ONCE` hashes running at a time per process.

argon2-cffi hashes in C with the GIL released, about half a second of CPU and 100 MiB
each. When many people log in at once, unbounded hashes take every core and every thread,
and every page waits behind them; gated, the web process's other threads keep serving
pages (measured: `bench/load.py --logins`, see minga/gunicorn.conf.py)."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth import hashers

from minga.env import env_int

_gate = threading.BoundedSemaphore(env_int("MINGA_HASHES_AT_ONCE", 1))


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    def encode(self, password: str, salt: str) -> str:
        with _gate:
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with _gate:
            return super().verify(password, encoded)

    def harden_runtime(self, password: str, encoded: str) -> Any:
        with _gate:
            return super().harden_runtime(password, encoded)
