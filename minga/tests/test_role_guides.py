"""The role guides in docs/guides/, walked for real in a browser on a 360 px phone, in each
language: the coordinator's first week, a member organization's representative, the
protocol team and the treasurer, on the demo network.

Each step takes the screenshot its guide shows. The guides cannot drift from the pages:
every picture a guide links must be one this test takes, every picture it takes must be in
some guide, and every label a guide quotes in **bold** must be on the page of the picture
that follows it (the guides keep bold for the platform's own words).

By default the pictures go to a temporary folder. To refresh the committed ones:

    MINGA_GUIDE_SCREENSHOTS=write .venv/bin/pytest minga/tests/test_role_guides.py
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import BrowserContext, Locator, Page, expect

from minga.core.models import User
from minga.mapping.template import template_form
from minga.membership.models import LedgerEntry
from minga.protocol.models import Case, CaseState, Entry

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides"
ROLES = ("coordinator", "member", "protocol", "treasurer")
WIDTH, HEIGHT = 360, 640
PASSWORD = "minga-demo"
# A representative whose organization has not signed the code of ethics yet, one per
# language, so each walk signs for real.
MEMBER_OF = {"es": "rep06", "pt-br": "rep12", "en": "rep18"}
LOCALE_OF = {"es": "es-419", "pt-br": "pt-BR", "en": "en-US"}
# The innermost elements that stick out past the right edge, to name the culprit.
WIDER = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 && !e.querySelector('*'))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + ' «' + e.textContent.trim().slice(0, 60) + '»')"""
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LABEL = re.compile(r"\*\*(.+?)\*\*")


def _writing() -> bool:
    return os.environ.get("MINGA_GUIDE_SCREENSHOTS", "") == "write"


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass
class Walk:
    """One language's walk: the pictures taken so far and the text each one's page showed."""

    language: str
    folder: Path
    base_url: str
    shots: dict[str, str] = field(default_factory=dict)

    def t(self, message: str) -> str:
        with translation.override(self.language):
            return gettext(message)

    def shot(self, page: Page, name: str, at: Locator | None = None, block: str = "start") -> None:
        """The page as a phone shows it: scrolled so that `at` is at the top (or the bottom,
        with block="end"), or from where it is."""
        assert name not in self.shots, f"two pictures named {name}"
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{page.url} is {width} px wide: {page.evaluate(WIDER, WIDTH)}"
        if at is not None:
            at.evaluate("(element, block) => element.scrollIntoView({block})", block)
        path = self.folder / f"{name}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")
        if _writing():
            _shrink(path)
        self.shots[name] = _plain(page.locator("body").inner_text())

    def log_in(self, context: BrowserContext, username: str, next_path: str = "") -> Page:
        page = context.new_page()
        page.goto(f"{self.base_url}/accounts/login/{next_path and '?next=' + next_path}")
        if "login" not in self.shots:
            self.shot(page, "login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        return page


def _shrink(path: Path) -> None:
    """A screenshot is mostly flat colour and text: 64 colours keep it legible at a
    fraction of the size."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def _survey_answers(count: int) -> str:
    """A Kobo export of the built-in questionnaire, as a survey tool would give it."""
    form = template_form()
    header = [q.path for q in form.questions] + ["_uuid"]
    names = ["Colectivo Río Abierto", "Fundação Semente", "Red Ciudadana del Sur"]
    rows = []
    for index in range(count):
        row = []
        for question in form.questions:
            choices = [choice.name for choice in form.choices_of(question)]
            if question.name == "org_name":
                row.append(names[index % len(names)])
            elif question.name == "country":
                row.append(["co", "br", "cl"][index % 3])
            elif question.name == "city":
                row.append(["Cali", "Salvador", "Temuco"][index % 3])
            elif question.type == "integer":
                row.append(str(5 + 7 * index))
            elif question.type == "select_multiple":
                row.append(" ".join(choices[index % len(choices) :][:2]))
            elif question.is_select:
                row.append(choices[index % len(choices)])
            else:
                row.append("")
        rows.append([*row, f"guide-{index}"])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *rows])
    return buffer.getvalue()


def _coordinator(walk: Walk, context: BrowserContext, tmp: Path) -> None:
    t = walk.t
    slug = f"guia-{walk.language}"
    page = walk.log_in(context, "coordinadora")
    walk.shot(page, "coordinator-1-networks")
    page.get_by_role("link", name=t("Create a network"), exact=True).click()

    page.fill("input[name=slug]", slug)
    page.fill("input[name=name]", "Red de Economía Solidaria")
    page.fill("textarea[name=description]", "Organizaciones de economía solidaria del Cono Sur.")
    page.select_option("select[name=model]", "horizontal")
    page.check("input[name=languages][value=en]")
    walk.shot(page, "coordinator-2-create", at=page.locator("body"))
    page.get_by_role("button", name=t("Save"), exact=True).click()
    page.wait_for_url(f"{walk.base_url}/n/{slug}/")

    walk.shot(page, "coordinator-3-home")
    page.locator("li[data-step=mapping] a").click()
    page.wait_for_url(f"{walk.base_url}/n/{slug}/mapping/")

    walk.shot(page, "coordinator-4-survey", at=page.get_by_role("heading", name=t("Surveys")))
    answers = tmp / "respuestas.csv"
    answers.write_text(_survey_answers(3), encoding="utf-8")
    page.fill("input[name=name]", "mapeo-2026")
    page.set_input_files("input[name=data_file]", answers)
    page.check("input[name=organizations]")
    walk.shot(page, "coordinator-5-import", at=page.locator("input[name=name]"))
    page.get_by_role("button", name=t("Import"), exact=True).click()
    page.wait_for_url(f"{walk.base_url}/n/{slug}/mapping/surveys/mapeo-2026/")

    walk.shot(page, "coordinator-6-report")
    page.locator("header.site").get_by_role("link", name=t("People"), exact=True).click()
    page.get_by_role("link", name=t("Invite someone"), exact=True).click()
    page.fill("input[name=email]", "coordinacion@rioabierto.example.org")
    page.select_option("main select[name=language]", walk.language)
    page.fill("input[name=organization]", "Colectivo Río Abierto")
    page.check("input[name=roles][value=member]")
    walk.shot(page, "coordinator-7-invite")
    page.get_by_role("button", name=t("Send the invitation"), exact=True).click()
    page.wait_for_url(f"{walk.base_url}/n/{slug}/people/")

    expect(page.locator("main")).to_contain_text("coordinacion@rioabierto.example.org")
    walk.shot(page, "coordinator-8-invited")
    page.close()


def _member(walk: Walk, context: BrowserContext) -> None:
    t = walk.t
    page = walk.log_in(context, MEMBER_OF[walk.language], "/n/demo/")
    page.wait_for_url(f"{walk.base_url}/n/demo/")
    walk.shot(page, "member-1-home")
    page.locator("li[data-step=governance] a").click()

    proposals = page.locator("#proposals")
    walk.shot(page, "member-2-proposals", at=proposals.locator("h3").first)
    proposals.get_by_role("link", name="Cuota variable según tamaño de la organización").click()

    form = page.locator("form[action$='/position/']")
    form.get_by_label(t("Agree"), exact=True).check()
    walk.shot(page, "member-3-position", at=form.locator("xpath=.."))
    form.get_by_role("button", name=t("Record my position"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(t("Your position is recorded."))

    page.goto(f"{walk.base_url}/n/demo/")
    page.locator("li[data-step=membership] a").click()
    yours = page.get_by_role("link", name=t("Your membership, commitments and dues"))
    walk.shot(page, "member-4-membership", at=yours.locator("xpath=ancestor::section[1]"))
    page.get_by_role("link", name=t("Code of ethics"), exact=True).click()

    sign = page.locator("form[action$='/ethics/sign/'] button")
    walk.shot(page, "member-5-ethics", at=sign, block="end")
    sign.click()
    expect(page.locator(".messages")).to_be_visible()
    expect(sign).to_have_count(0)
    walk.shot(page, "member-6-signed")
    page.close()


def _protocol(walk: Walk, context: BrowserContext) -> None:
    t = walk.t
    page = walk.log_in(context, "protocolo", "/n/demo/governance/")
    principles = page.get_by_role("link", name=t("The protocol's principles")).last
    walk.shot(page, "protocol-1-governance", at=principles.locator("xpath=ancestor::section[1]"))
    principles.click()

    walk.shot(page, "protocol-2-protocol")
    page.locator("main").get_by_role("link", name=t("Cases"), exact=True).click()

    page.fill("main input[type=password]", PASSWORD)
    walk.shot(page, "protocol-3-unlock")
    page.get_by_role("button", name=t("Unlock"), exact=True).click()
    expect(page.get_by_role("button", name=t("Lock it now"))).to_be_visible()

    walk.shot(page, "protocol-4-cases")
    page.locator("main table").get_by_role("row", name=t("Harassment")).get_by_role("link").click()

    walk.shot(page, "protocol-5-case", at=page.locator("main h1"))
    messages = Entry.objects.count()
    reply = page.locator("form[action$='/reply/']")
    reply.locator("textarea").fill("Te escribimos para acordar la fecha de la conversación.")
    walk.shot(page, "protocol-6-reply", at=reply, block="end")
    reply.get_by_role("button", name=t("Send"), exact=True).click()
    page.wait_for_load_state()
    assert Entry.objects.count() == messages + 1

    state = page.locator("form[action$='/state/']")
    states = state.locator("select[name=state]")
    # Each language's walk moves the same demo case on, to a state it is not in yet.
    current = Case.objects.get(network__slug="demo", kind="harassment").state
    target = "containment" if current == "measures" else "measures"
    states.select_option(target)
    state.locator("textarea, input[type=text]").first.fill("Medidas acordadas con la persona.")
    change = state.get_by_role("button", name=t("Change the state"), exact=True)
    walk.shot(page, "protocol-7-state", at=change, block="end")
    change.click()
    with translation.override(walk.language):
        reached = str(dict(CaseState.choices)[target])
    expect(page.locator("main h1 + p")).to_contain_text(reached)
    page.close()


def _treasurer(walk: Walk, context: BrowserContext) -> None:
    t = walk.t
    page = walk.log_in(context, "tesoreria", "/n/demo/membership/")
    dues_link = page.locator("main").get_by_role("link", name=t("Dues"), exact=True)
    walk.shot(page, "treasurer-1-membership", at=dues_link.locator("xpath=ancestor::section[1]"))
    dues_link.click()

    filters = page.locator("#dues-filters")
    filters.locator("input[name=arrears]").check()
    filters.get_by_role("button", name=t("Filter"), exact=True).click()
    page.wait_for_load_state()
    walk.shot(page, "treasurer-2-arrears", at=page.get_by_role("heading", name=t("Balances")))

    year = str(timezone.localdate().year)
    run = page.locator("form[action$='/dues/invoice/']")
    run.locator("input[name=period]").fill(year)
    walk.shot(page, "treasurer-3-invoice", at=run.locator("xpath=ancestor::section[1]"))
    run.get_by_role("button", name=t("Create the invoices"), exact=True).click()
    expect(page.locator(".messages")).to_be_visible()

    filters.locator("input[name=arrears]").uncheck()
    filters.locator("select[name=status]").select_option("open")
    filters.locator("input[name=period]").fill(year)
    filters.get_by_role("button", name=t("Filter"), exact=True).click()
    page.wait_for_load_state()
    payments = LedgerEntry.objects.filter(kind="payment").count()
    pay = page.locator("form[action*='/pay/']").first
    pay.locator("input[name=amount]").fill("50")
    walk.shot(page, "treasurer-4-payment", at=pay.locator("xpath=ancestor::tr[1]"))
    pay.get_by_role("button", name=t("Record a payment"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(t("Payment recorded."))
    assert LedgerEntry.objects.filter(kind="payment").count() == payments + 1

    exports = page.get_by_role("link", name=t("Download as %(format)s") % {"format": "XLSX"})
    walk.shot(page, "treasurer-5-export", at=exports, block="end")
    page.close()


def _steps(guide: Path) -> Iterator[tuple[str, list[str]]]:
    """(picture linked, the bold labels written since the picture before it), in order;
    the labels after the last picture come with the picture ""."""
    text = guide.read_text(encoding="utf-8")
    start = 0
    for found in IMAGE.finditer(text):
        yield found.group(1), LABEL.findall(text[start : found.start()])
        start = found.end()
    yield "", LABEL.findall(text[start:])


def _shows(page_text: str, label: str) -> bool:
    """The label, as whole words: **Save** is not found in "Saved"."""
    return re.search(rf"(?<!\w){re.escape(_plain(label))}(?!\w)", page_text) is not None


def _drift(walk: Walk) -> list[str]:
    """Where the language's four guides and the pages the walk saw disagree."""
    problems, linked = [], set()
    pictures = (GUIDES / "img" / walk.language).resolve()
    for role in ROLES:
        guide = GUIDES / walk.language / f"{role}.md"
        where = f"{walk.language}/{role}.md"
        for target, labels in _steps(guide):
            if not target:
                problems += [f"{where}: «{label}» comes after the last picture" for label in labels]
                continue
            picture = (guide.parent / target).resolve()
            name = picture.stem
            if picture.parent != pictures or picture.suffix != ".png" or name not in walk.shots:
                problems.append(f"{where} links {target}, a picture the test does not take")
                continue
            linked.add(name)
            if not _writing() and not picture.exists():
                problems.append(f"{where} links {target}, which is not committed")
            problems += [
                f"{where}: «{label}» is not on the page of {target}"
                for label in labels
                if not _shows(walk.shots[name], label)
            ]
    problems += [
        f"no guide in {walk.language}/ shows {name}.png"
        for name in sorted(set(walk.shots) - linked)
    ]
    return problems


def _walk_language(browser: Any, base_url: str, tmp: Path, language: str) -> list[str]:
    """Walks the four guides in one language; what went wrong, or nothing."""
    User.objects.filter(
        username__in=["coordinadora", "protocolo", "tesoreria", MEMBER_OF[language]]
    ).update(language=language)
    folder = GUIDES / "img" / language if _writing() else tmp / language
    folder.mkdir(parents=True, exist_ok=True)
    walk = Walk(language=language, folder=folder, base_url=base_url)
    roles = {
        "coordinator": lambda context: _coordinator(walk, context, tmp),
        "member": lambda context: _member(walk, context),
        "protocol": lambda context: _protocol(walk, context),
        "treasurer": lambda context: _treasurer(walk, context),
    }
    failed = []
    for role, walk_role in roles.items():
        # One context per role: each person logs in once, with their own session.
        context = browser.new_context(
            locale=LOCALE_OF[language], viewport={"width": WIDTH, "height": HEIGHT}
        )
        try:
            walk_role(context)
        except Exception as exc:
            # The other guides still walk, and every failure is reported at the end.
            failed.append(f"{language}/{role}.md could not be walked: {exc}")
        finally:
            context.close()
    if failed:
        return failed
    if _writing():
        for stale in folder.glob("*.png"):
            if stale.stem not in walk.shots:
                stale.unlink()
    return _drift(walk)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_roles_guide_walks_as_written(live_server: Any, browser: Any, tmp_path: Path) -> None:
    """The twelve guides on one demo network: loading it once keeps the walk short, and
    each language's walk acts on its own things (its own network, representative, payment)."""
    call_command("demo", verbosity=0)
    problems = []
    for language in LOCALE_OF:
        problems += _walk_language(browser, live_server.url, tmp_path, language)
    assert not problems, "\n".join(problems)


def test_a_guide_that_drifts_from_its_pages_is_named(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(f"{__name__}.GUIDES", tmp_path)
    (tmp_path / "img" / "en").mkdir(parents=True)
    (tmp_path / "img" / "en" / "login.png").write_bytes(b"")
    (tmp_path / "en").mkdir()
    steps = {
        "coordinator": "Type your **Username** and press **Log in**.\n\n![](../img/en/login.png)\n",
        "member": "Press **Sign in**.\n\n![](../img/en/login.png)\n\nThen **Log in**.\n",
        "protocol": "Type your **Pass**.\n\n![](../img/en/login.png)\n",
        "treasurer": "![](../img/en/dues.png) ![](../../elsewhere/login.png)\n",
    }
    for role, text in steps.items():
        (tmp_path / "en" / f"{role}.md").write_text(text, encoding="utf-8")
    walk = Walk(language="en", folder=tmp_path, base_url="")
    walk.shots = {"login": "Log in Username: Password: Log in", "cases": "Cases"}
    assert _drift(walk) == [
        "en/member.md: «Sign in» is not on the page of ../img/en/login.png",
        "en/member.md: «Log in» comes after the last picture",
        "en/protocol.md: «Pass» is not on the page of ../img/en/login.png",
        "en/treasurer.md links ../img/en/dues.png, a picture the test does not take",
        "en/treasurer.md links ../../elsewhere/login.png, a picture the test does not take",
        "no guide in en/ shows cases.png",
    ]
