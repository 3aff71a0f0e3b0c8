"""`minga --help` and `minga COMMAND --help` answer without setting up Django's apps,
and say what Django itself would say."""

from __future__ import annotations

import subprocess
import sys

from django.core.management import ManagementUtility

from minga import cli


def test_main_help_lists_the_same_commands_as_django():
    assert cli.main_help_text() == ManagementUtility(["minga", "help"]).main_help_text()


def test_a_minga_commands_help_needs_no_app_registry():
    script = (
        "from minga.cli import main\n"
        "main(['survey', '--help'])\n"
        "from django.apps import apps\n"
        "import sys\n"
        "models = 'minga.core.models' in sys.modules\n"
        "print('registry ready:', apps.ready, 'models loaded:', models)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert "usage: minga survey" in out and "{import,systematize,crosstab,top,list,template}" in out
    assert "registry ready: False models loaded: False" in out


def test_djangos_own_commands_keep_djangos_help(capsys):
    assert cli._help_without_setup(["migrate", "--help"]) is False
    assert cli._help_without_setup(["nosuchcommand", "--help"]) is False
    assert cli._help_without_setup(["survey", "import"]) is False
    assert capsys.readouterr().out == ""
