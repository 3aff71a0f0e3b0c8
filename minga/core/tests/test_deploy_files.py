"""The deployment files in deploy/ and docs/deploy.md agree with what Minga reads and runs, so
that they cannot drift: every variable the example sets is one the settings read, the example
passes Django's deployment check, and the services start programs that exist."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from minga.core.tests.test_settings import run_minga

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def example_env() -> dict[str, str]:
    lines = (DEPLOY / "minga.env.example").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {name: value for name, value in pairs}


def test_every_variable_of_the_example_is_read_by_minga():
    read = (ROOT / "minga" / "settings.py").read_text(encoding="utf-8")
    read += (ROOT / "minga" / "gunicorn.conf.py").read_text(encoding="utf-8")
    read += (ROOT / "minga" / "env.py").read_text(encoding="utf-8")
    for name in example_env():
        assert f'"{name}"' in read, f"{name} is set in deploy/minga.env.example but never read"


def test_the_example_environment_passes_the_deployment_check(tmp_path):
    env = example_env()
    # The check needs no database server: a SQLite file stands in for PostgreSQL here.
    env["MINGA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["MINGA_VAR_DIR"] = str(tmp_path)
    env["MINGA_SECRET_KEY"] = "k" * 20 + "-Zq8#p2Lw!v9Xr4Tn7Ys1Ub6Ic3Od0Ae5Fg"
    done = run_minga("check", "--deploy", **env)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_the_services_start_minga_and_the_proxy_forwards_to_them():
    env = example_env()
    for unit in ("minga-web.service", "minga-worker@.service"):
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(DEPLOY / "systemd" / unit)
        service = parser["Service"]
        assert service["EnvironmentFile"] == "/etc/minga/env"
        home = Path(service["WorkingDirectory"])
        program, *args = service["ExecStart"].split()
        assert Path(program).is_relative_to(home / ".venv" / "bin")
        installed = ROOT / ".venv" / "bin" / Path(program).name
        assert installed.exists(), (
            f"{unit} starts {program}, which `make install` does not put there"
        )
        for arg in args:
            if "/" in arg:  # a file of the checkout
                assert (ROOT / arg).is_file(), f"{unit}: no {arg} in the checkout"
    proxy = (DEPLOY / "nginx" / "minga.conf").read_text(encoding="utf-8")
    assert f"server {env['MINGA_BIND']};" in proxy
    assert "X-Forwarded-Proto" in proxy and env["MINGA_BEHIND_PROXY"] == "true"
    assert f"alias {env['MINGA_VAR_DIR']}/static/;" in proxy
    limit = int(re.search(r"client_max_body_size (\d+)m;", proxy).group(1))  # type: ignore[union-attr]
    assert limit * 2**20 >= 20 * 2**20  # at least Minga's own upload bound


def test_the_guide_names_the_files_that_exist():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for path in re.findall(r"deploy/[\w./@-]+", guide):
        assert (ROOT / path.rstrip(".")).exists(), path
