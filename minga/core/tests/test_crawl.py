"""Every page reachable from the network home, as each demo role, read in a pseudo-locale
(anything not wrapped in ⟦ ⟧ and not the network's own data was never translated) and in
Spanish and Portuguese (no enumeration shown by its stored value)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from minga.core.models import User
from minga.core.tests import crawl

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["coordinadora", "rep01", "tesoreria", "protocolo"]
HOME = "/n/demo/"
# Words that are nobody's message: the product's name and each language's own name in
# the language switch.
ALLOWED = {"Minga", "Español", "Português", "English", "Brasil"}


@pytest.fixture
def demo() -> None:
    call_command("demo", verbosity=0)


def _crawl_as(username: str, language: str) -> list[crawl.Page]:
    User.objects.filter(username=username).update(language=language)
    client = Client()
    client.force_login(User.objects.get(username=username))
    pages = crawl.reachable_pages(client, HOME)
    assert len(pages) > 10, [p.url for p in pages]
    refused = [(p.url, p.status) for p in pages if p.status != 200]
    assert refused == [], "pages linked from the home that do not open"
    return pages


def _report(found: list[Any]) -> str:
    return "\n".join(" | ".join(str(part) for part in row) for row in sorted(set(found)))


@pytest.mark.parametrize("username", ROLES)
def test_every_visible_text_is_a_translated_message_or_the_networks_data(
    demo: None, username: str, tmp_path: Path
) -> None:
    locale = crawl.write_pseudo_locale(tmp_path)
    with override_settings(LOCALE_PATHS=[locale, *settings.LOCALE_PATHS]):
        pages = _crawl_as(username, crawl.PSEUDO)
    found = crawl.untranslated(pages, crawl.user_data_words() | ALLOWED)
    assert not found, f"{len(found)} untranslated texts:\n{_report(found)}"


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_no_enumeration_is_shown_by_its_stored_value(
    demo: None, username: str, language: str
) -> None:
    pages = _crawl_as(username, language)
    values = crawl.stored_values(language)
    allowed = crawl.user_data_words(json=False) | crawl.catalogue_words(language)
    found = crawl.shown_as_stored(pages, values, allowed)
    assert not found, f"{len(found)} stored values shown:\n{_report(found)}"
