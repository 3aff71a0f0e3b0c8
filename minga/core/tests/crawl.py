"""The crawls of the language-and-pages issue: every page reachable from a network's home,
read as a person reads it.

- `reachable_pages` follows the links a person can follow (links, htmx GETs, GET forms
  without their fields) from the network home, as one signed-in person.
- `PSEUDO` is a pseudo-locale: every message Minga (and Django, and django-countries)
  can show, wrapped in ⟦ ⟧. Text outside the markers that is not the network's own data
  was never translated.
- `stored_values` lists every enumeration's stored value beside its label, so a page that
  shows `paid` or `AR` instead of "Pagada" or "Argentina" is found.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import polib

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"

# Not prose: scripts, styles, an SVG's metadata, and code a person copies as it is.
SKIPPED_TAGS = {"script", "style", "template", "metadata", "code", "pre", "kbd", "samp"}
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
READ_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")
# Paths a crawl never follows: files, the API, the admin site, leaving the session.
NOT_PAGES = ("/static/", "/media/", "/api/", "/admin/", "/accounts/logout/", "/i18n/")


@dataclass
class Page:
    url: str
    status: int
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    # A whole document, not an htmx fragment (suggestions, rows swapped into a page).
    document: bool = True


class _PageParser(HTMLParser):
    """The text a person sees (text nodes and read attributes, outside scripts, styles and
    hidden elements) and the GET links a person can follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skipping: list[str] = []  # tags of the open skipped elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self._skipping:
            if tag == self._skipping[0] and tag not in VOID_TAGS:
                self._skipping.append(tag)
            return
        hidden = "hidden" in attributes or attributes.get("type") == "hidden"
        if tag in SKIPPED_TAGS or (hidden and tag not in VOID_TAGS):
            self._skipping.append(tag)
            return
        if hidden:
            return
        for name in READ_ATTRIBUTES:
            if attributes.get(name, "").strip():
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.texts.append(attributes.get("value", ""))
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append(attributes["href"])
        if attributes.get("hx-get"):
            self.links.append(attributes["hx-get"])
        if tag == "form" and attributes.get("method", "get").lower() == "get":
            self.links.append(attributes.get("action", ""))

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data)


def read_page(url: str, status: int, html: str) -> Page:
    parser = _PageParser()
    parser.feed(html)
    return Page(url, status, [" ".join(t.split()) for t in parser.texts], parser.links)


def _follow(base: str, link: str) -> str | None:
    link, _ = urldefrag(link.strip())
    if not link:
        link = base
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        if parts.scheme or parts.netloc or link.startswith(("mailto:", "tel:", "javascript:")):
            return None
        link = urlsplit(base).path.rsplit("/", 1)[0] + "/" + link
        parts = urlsplit(link)
    if parts.path.startswith(NOT_PAGES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def reachable_pages(client: Any, start: str, *, limit: int = 400, alike: int = 3) -> list[Page]:
    """Every kind of HTML page reachable from `start` by GET, breadth first: at most
    `alike` pages of one pattern (organizations/1/ … /40/ are one template; ?page=2 and
    ?page=3 of a list too)."""
    seen = {start}
    variants: dict[str, int] = {}
    queue = deque([start])
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        # 204: a board's poll answering "nothing changed since" has no page to read.
        if response.status_code in (204, 301, 302):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        page = read_page(url, response.status_code, html)
        page.document = "<html" in html[:500].lower()
        pages.append(page)
        for link in page.links:
            target = _follow(url, link)
            if target is None or target in seen:
                continue
            pattern = re.sub(r"\d+", "N", target.split("?")[0])
            variants[pattern] = variants.get(pattern, 0) + 1
            if variants[pattern] > alike:
                continue
            seen.add(target)
            queue.append(target)
    return pages


# The pseudo-locale ------------------------------------------------------------------------


def _catalogues() -> Iterator[Path]:
    import django
    import django_countries

    yield Path(__file__).resolve().parents[2] / "locale/es/LC_MESSAGES/django.po"
    django_root = Path(django.__file__).parent
    yield django_root / "conf/locale/en/LC_MESSAGES/django.po"
    yield from sorted(django_root.glob("contrib/*/locale/en/LC_MESSAGES/django.po"))
    yield Path(django_countries.__file__).parent / "locale/en/LC_MESSAGES/django.po"


def write_pseudo_locale(directory: Path) -> Path:
    """A catalogue for the language `xx` under `directory` that wraps every message of
    Minga, Django and django-countries in ⟦ ⟧; returns the directory (for LOCALE_PATHS)."""
    pseudo = polib.POFile()
    pseudo.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen: set[tuple[str | None, str]] = set()
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            key = (entry.msgctxt, entry.msgid)
            if not entry.msgid or key in seen or entry.obsolete:
                continue
            seen.add(key)
            wrapped = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid)
            if entry.msgid_plural:
                wrapped.msgid_plural = entry.msgid_plural
                wrapped.msgstr_plural = {
                    0: f"{OPEN}{entry.msgid}{CLOSE}",
                    1: f"{OPEN}{entry.msgid_plural}{CLOSE}",
                }
            else:
                wrapped.msgstr = f"{OPEN}{entry.msgid}{CLOSE}"
            pseudo.append(wrapped)
    target = directory / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    pseudo.save_as_mofile(str(target / "django.mo"))
    return directory


_WRAPPED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
WORD = re.compile(r"[^\W\d_]+")


def unwrapped(text: str) -> str:
    """What is left of a text once every wrapped message (nested ones too) is taken out."""
    while True:
        shorter = _WRAPPED.sub(" ", text)
        if shorter == text:
            return text
        text = shorter


# The network's own data -------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def user_data_words(*, json: bool = True) -> set[str]:
    """Every word people typed or imported: the free-text fields of every model (fields
    with choices are enumerations, never data), and JSON keys and values unless `json`
    is false (a draw's pool stores organizations' countries as codes)."""
    from django.apps import apps
    from django.db import models

    words: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith(("minga.", "django.contrib.auth")):
            continue
        names = [
            f.name
            for f in model._meta.concrete_fields
            if (
                isinstance(f, models.CharField | models.TextField)
                or (json and isinstance(f, models.JSONField))
            )
            and not f.choices
            and f.name != "password"
        ]
        if not names:
            continue
        for row in model._default_manager.values_list(*names):
            for value in row:
                for text in _strings(value):
                    words.update(WORD.findall(text))
    return words


def untranslated(pages: Iterable[Page], allowed_words: set[str]) -> list[tuple[str, str]]:
    """(url, text) for every visible text with a word that is neither inside a wrapped
    message nor the network's own data."""
    found = []
    for page in pages:
        # One message can span elements ("see <a>the guide</a>."): unwrap the whole page.
        for line in unwrapped("\n".join(page.texts)).split("\n"):
            if any(word not in allowed_words for word in WORD.findall(line)):
                found.append((page.url, line.strip()))
    return found


# Enumerations -----------------------------------------------------------------------------


def stored_values(language: str) -> dict[str, str]:
    """Every enumeration's stored value that differs from its label in `language`, with
    that label: model fields with choices, audit events and countries."""
    from django.apps import apps
    from django.utils import translation
    from django_countries import countries

    from minga.core.events import AuditEvent

    values: dict[str, str] = {}
    with translation.override(language):
        for model in apps.get_models():
            if not model.__module__.startswith("minga."):
                continue
            for f in model._meta.concrete_fields:
                for value, label in f.flatchoices or ():
                    # Lowercase codes of two letters are languages: "es" is also a word.
                    short = len(value) < 3 and value.islower()
                    if isinstance(value, str) and not short and str(label) != value:
                        values[value] = str(label)
        for event in AuditEvent:
            values[event.value] = str(event.label)
        for code, name in countries:
            values[code] = str(name)
    return values


_TOKEN = re.compile(r"[\w.]*\w")


def catalogue_words(language: str) -> set[str]:
    """The words of Minga's own messages in `language` ("vertical" is a Portuguese word
    as well as a stored value), also in lower case ("Social" heads a PESTEL factor, and
    "social" in a survey's question is a Spanish word, not the stored value)."""
    from django.utils.translation import to_locale

    path = Path(__file__).resolve().parents[2] / "locale" / to_locale(language)
    words: set[str] = set()
    for entry in polib.pofile(str(path / "LC_MESSAGES/django.po")):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            found = WORD.findall(text)
            words.update(found)
            words.update(word.lower() for word in found)
    return words


def shown_as_stored(
    pages: Iterable[Page], values: dict[str, str], allowed_words: set[str]
) -> list[tuple[str, str, str]]:
    """(url, stored value, text) wherever a page shows an enumeration by its stored value
    (as a whole token, outside the network's own data)."""
    found = []
    for page in pages:
        for text in page.texts:
            for token in _TOKEN.findall(text):
                if token in values and token not in allowed_words and values[token] not in text:
                    found.append((page.url, token, text))
    return found
