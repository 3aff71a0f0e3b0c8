"""Typed access to the environment variables that configure Minga.

Each helper fails loudly on a malformed value, naming the variable, so a typo in a
deployment stops the process at start-up instead of silently falling back.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from minga.core.text import comma_list

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true or false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return comma_list(raw)


def secret_key(var_dir: Path, production: bool) -> str:
    """MINGA_SECRET_KEY, or a key generated once into var/ on a laptop."""
    key = os.environ.get("MINGA_SECRET_KEY")
    if key:
        return key
    if production:
        raise ImproperlyConfigured("MINGA_SECRET_KEY must be set when MINGA_ENV=production")
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def email_settings(url: str) -> dict[str, object]:
    """Translate MINGA_EMAIL_URL into Django's EMAIL_* settings.

    Schemes: console://, locmem://, file:///path, smtp://user:pass@host:port,
    smtp+tls:// (STARTTLS), smtp+ssl:// (implicit TLS). A `from` query parameter
    sets DEFAULT_FROM_EMAIL.
    """
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    result: dict[str, object] = {}
    if "from" in query:
        result["DEFAULT_FROM_EMAIL"] = query["from"][0]
    scheme = parsed.scheme
    if scheme == "console":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    elif scheme == "locmem":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    elif scheme == "file":
        result["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        result["EMAIL_FILE_PATH"] = parsed.path
    elif scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        result["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        result["EMAIL_HOST"] = parsed.hostname or "localhost"
        result["EMAIL_PORT"] = parsed.port or (465 if scheme == "smtp+ssl" else 25)
        result["EMAIL_HOST_USER"] = unquote(parsed.username or "")
        result["EMAIL_HOST_PASSWORD"] = unquote(parsed.password or "")
        result["EMAIL_USE_TLS"] = scheme == "smtp+tls"
        result["EMAIL_USE_SSL"] = scheme == "smtp+ssl"
    else:
        raise ImproperlyConfigured(
            f"MINGA_EMAIL_URL={url!r}: unknown scheme {scheme!r} "
            "(use console://, locmem://, file:///path, smtp://, smtp+tls:// or smtp+ssl://)"
        )
    return result
