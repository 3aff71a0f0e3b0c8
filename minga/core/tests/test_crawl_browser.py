"""Every page reachable from the network home, in a real browser on a 360 px phone in
Portuguese, as a coordinator and as a member: nothing wider than the screen, every form
finished with the keyboard alone, and axe-core finds no serious or critical violation.

`MINGA_CRAWL_ONLY=/n/demo/governance` limits the crawl to pages under that path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import axe_playwright_python  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command
from django.test import Client

from minga.core.models import User
from minga.core.tests import crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# The elements that stick out past the right edge, innermost first, to name the culprit.
WIDER_THAN_SCREEN = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 && !e.querySelector('*:not(option)')
          && getComputedStyle(e).visibility !== 'hidden')
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
       ? '.' + e.className.trim().replace(/\\s+/g, '.') : '')
       + ' «' + (e.textContent || '').trim().slice(0, 40) + '»')"""
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ': ' + v.help + ' — '
       + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '))"""

# Forms a keyboard cannot finish: no submit button (live filters that submit as one
# types are fine), or a visible control taken out of the tab order.
KEYBOARD_TRAPS = """() => [...document.forms].filter(f => f.checkVisibility())
  .flatMap(f => {
    const live = f.matches('[hx-trigger]') || f.querySelector('[data-autosubmit], [hx-trigger]');
    const submit = f.querySelector(
      'button:not([type=button]):not([type=reset]), input[type=submit]');
    const untabbable = [...f.elements].filter(e => e.checkVisibility() && e.tabIndex < 0);
    return [...(submit || live ? [] : ['a form without a submit button: ' + (f.id || f.action)]),
            ...untabbable.map(e => 'out of the tab order: ' + (e.name || e.id || e.tagName))];
  })"""


def _pages(username: str) -> list[str]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    only = os.environ.get("MINGA_CRAWL_ONLY", "")
    urls = [page.url for page in crawl.reachable_pages(client, "/n/demo/") if page.document]
    return [url for url in urls if url.startswith(only)]


@pytest.mark.parametrize("username", ["coordinadora", "rep01"])
def test_every_page_fits_a_phone_and_axe_finds_nothing_serious(
    live_server: Any, browser: Any, username: str
) -> None:
    call_command("demo", verbosity=0)
    User.objects.filter(username=username).update(language="pt-br")
    urls = _pages(username)
    context = browser.new_context(
        locale="pt-BR", viewport={"width": WIDTH, "height": 740}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "minga-demo")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    too_wide, violations = [], []
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        assert page.locator("html").get_attribute("lang") == "pt-br", url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide.append(f"{url} {width}px: {page.evaluate(WIDER_THAN_SCREEN, WIDTH)}")
        violations += [f"{url} {found}" for found in page.evaluate(KEYBOARD_TRAPS)]
        page.evaluate(AXE)
        violations += [f"{url} {found}" for found in page.evaluate(SERIOUS)]
    context.close()
    assert urls
    report = ["wider than a phone:", *too_wide, "keyboard and axe:", *violations]
    assert not (too_wide or violations), "\n".join(report)
