"""Translations: complete in es and pt-br, and used on every page."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CATALOGUES = ("es", "pt_BR")


def test_every_message_id_is_translated_in_es_and_pt_br(tmp_path, monkeypatch):
    """Extract the messages of the current code into a copy of the catalogues, the way
    `make messages` would, and fail on any id without a (non-fuzzy) translation."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: run scripts/ensure-test-deps.sh")
    package = Path(settings.BASE_DIR)
    copy = tmp_path / "minga"
    shutil.copytree(
        package,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests", "static"),
    )
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=list(CATALOGUES),
            no_obsolete=True,
            verbosity=0,
            ignore_patterns=["tests/*", "*/tests/*"],
        )
    problems = []
    for language in CATALOGUES:
        catalogue = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        for entry in catalogue:
            if entry.obsolete:
                continue
            if not entry.translated():
                where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
                problems.append(f"{language}: {entry.msgid!r} ({where})")
    assert not problems, "Untranslated (run `make messages` and translate):\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_pages_render_translated(world, client_as, language):
    page = client_as(world.member, language).get("/n/red/").content.decode()
    assert f'<html lang="{language}">' in page
    assert "How to create a collaborative network" not in page
    assert "Define the reach" not in page
