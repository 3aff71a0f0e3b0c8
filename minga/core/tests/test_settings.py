"""Configuration from the environment, database modes and production hardening."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from minga.env import email_settings, env_bool, env_int, secret_key


def run_minga(*args, **env):
    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "minga.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def test_malformed_variables_fail_loudly_naming_the_variable(monkeypatch):
    monkeypatch.setenv("MINGA_DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="MINGA_DEBUG"):
        env_bool("MINGA_DEBUG", False)
    monkeypatch.setenv("MINGA_CONN_MAX_AGE", "ten")
    with pytest.raises(ImproperlyConfigured, match="MINGA_CONN_MAX_AGE"):
        env_int("MINGA_CONN_MAX_AGE", 60)


def test_email_url_becomes_smtp_settings():
    config = email_settings("smtp+tls://ana%40red.org:s3cr%2Ft@mail.red.org:587?from=red@red.org")
    assert config["EMAIL_HOST"] == "mail.red.org"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "ana@red.org"
    assert config["EMAIL_HOST_PASSWORD"] == "s3cr/t"
    assert config["EMAIL_USE_TLS"] is True
    assert config["DEFAULT_FROM_EMAIL"] == "red@red.org"
    assert str(email_settings("console://")["EMAIL_BACKEND"]).endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="MINGA_EMAIL_URL"):
        email_settings("pigeon://loft")


def test_secret_key_is_generated_once_on_a_laptop_and_required_in_production(tmp_path, monkeypatch):
    monkeypatch.delenv("MINGA_SECRET_KEY", raising=False)
    first = secret_key(tmp_path, production=False)
    assert len(first) >= 50
    assert secret_key(tmp_path, production=False) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    with pytest.raises(ImproperlyConfigured, match="MINGA_SECRET_KEY"):
        secret_key(tmp_path / "other", production=True)


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    result = run_minga(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.db import connection\n"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "c.execute('PRAGMA synchronous'); print(c.fetchone()[0])\n"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])",
        MINGA_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MINGA_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    # synchronous 2 is FULL; busy_timeout in milliseconds (Django's "timeout" of 20 s)
    assert result.stdout.split() == ["wal", "2", "20000", "IMMEDIATE"]


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_minga(
        "check",
        "--deploy",
        MINGA_ENV="production",
        MINGA_SECRET_KEY="k" * 20 + "-Zq8#p2Lw!v9Xr4Tn7Ys1Ub6Ic3Od0Ae5Fg",
        MINGA_ALLOWED_HOSTS="minga.example.org",
        MINGA_VAR_DIR=str(tmp_path),
        MINGA_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_responses_carry_a_strict_content_security_policy(db):
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_needs_an_inline_script(world, client_as):
    """The CSP forbids inline scripts, so neither our pages nor the admin may use one."""
    admin = client_as(world.admin)
    pages = [
        client_as(None).get("/accounts/login/"),
        client_as(world.coordinator).get("/n/red/"),
        client_as(world.coordinator).get("/n/red/governance/"),
        admin.get("/admin/"),
        admin.get("/admin/core/organization/"),
        admin.get(f"/admin/core/organization/{world.org_a.pk}/change/"),
        admin.get("/admin/core/network/add/"),
    ]
    for response in pages:
        assert response.status_code == 200
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
        # JSON data blocks are not executed, so the CSP allows them.
        assert all('type="application/json"' in tag for tag in inline), inline


CONCURRENT_WRITERS = """
import threading
from django.core.management import call_command
from django.db import connection, transaction
from minga.core.models import Network, StepProgress
call_command("migrate", verbosity=0)
network = Network.objects.create(slug="n", name="N")
errors = []

def writer(index):
    try:
        for round in range(15):
            # Read, then write, in one transaction: with SQLite's default deferred
            # transactions two of these deadlock and one fails with "database is locked".
            with transaction.atomic():
                current = StepProgress.objects.filter(network=network, step="reach").first()
                state = "done" if current is None or current.state != "done" else "in_progress"
                StepProgress.objects.update_or_create(
                    network=network, step="reach", defaults={"state": state}
                )
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("errors:", errors)
"""


def test_concurrent_sqlite_writers_wait_instead_of_failing(tmp_path):
    result = run_minga(
        "shell",
        "-v",
        "0",
        "-c",
        CONCURRENT_WRITERS,
        MINGA_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MINGA_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "errors: []"


def test_refused_and_missing_pages_log_one_line_but_server_errors_keep_their_traceback(
    world, client_as, caplog, monkeypatch
):
    from minga.core import queries

    def request_log(user, url):
        caplog.clear()
        client = client_as(user)
        client.raise_request_exception = False
        client.get(url)
        return [record for record in caplog.records if record.name == "django.request"]

    (refused,) = request_log(world.member, "/n/red/audit/")
    assert refused.getMessage() == "Forbidden (Permission denied): /n/red/audit/"
    assert refused.exc_info is None and refused.levelname == "WARNING"
    (missing,) = request_log(world.outsider, "/n/red/people/")
    assert missing.getMessage() == "Not Found: /n/red/people/" and missing.exc_info is None

    def broken(network):
        raise RuntimeError("a real error")

    monkeypatch.setattr(queries, "audit_entries", broken)
    (failed,) = request_log(world.coordinator, "/n/red/audit/")
    assert failed.levelname == "ERROR" and failed.exc_info is not None
    assert failed.exc_info[0] is RuntimeError


WARM_UP_CHECK = """
from django.utils.translation import trans_real
import minga.wsgi  # what gunicorn imports in each worker, before its first request
from django.urls import get_resolver
print(sorted(trans_real._translations), bool(get_resolver()._populated))
"""


def test_a_web_process_loads_every_language_before_its_first_request(tmp_path):
    env = {**os.environ, "MINGA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "minga.settings"}
    env.pop("MINGA_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", WARM_UP_CHECK],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.split("\n")[-2] == "['en', 'es', 'pt-br'] True"
