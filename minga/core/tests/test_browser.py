"""A real browser: log in, switch to Spanish, see the network home and its six steps."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Response, expect

from minga.core.steps import STEPS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_switch_to_spanish_and_see_the_six_steps(world, live_server, browser):
    page = browser.new_page(locale="en-US", viewport={"width": 390, "height": 844})
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{live_server.url}/n/red/")
    # Not logged in: the login page, in English.
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("input[name=username]", "mateo")
    page.fill("input[name=password]", "Long-pass-mateo-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/n/red/")
    assert page.locator("ol#steps > li").count() == len(STEPS)

    page.select_option("#language-switch", "es")
    # The page's CSP forbids eval, so wait with locators, not JavaScript strings.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    with translation.override("es"):
        titles = [str(step.title) for step in STEPS]
        heading = gettext("How to create a collaborative network")
    assert page.locator("h2", has_text=heading).count() == 1
    for title in titles:
        assert page.locator("ol#steps").get_by_text(title, exact=True).count() == 1
    # Usable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The step page opens with its guide, and the choice of language is remembered.
    page.click("li[data-step=governance] a")
    page.wait_for_url(f"{live_server.url}/n/red/governance/")
    assert page.locator("section.guide").is_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    assert [r.url for r in responses if r.status >= 400 and "/static/" in r.url] == []
    page.close()


def test_htmx_directory_filter_updates_in_place(world, live_server, browser):
    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "carolina")
    page.fill("input[name=password]", "pw-carolina")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/n/red/organizations/")
    assert page.locator("#organization-rows tbody tr").count() == 2
    page.fill("input[name=q]", "Instituto")
    expect(page.locator("#organization-rows tbody tr")).to_have_count(1)
    assert page.locator("#organization-rows").inner_text().count("Instituto B") == 1
    context.close()


def test_coordinators_header_is_one_line_on_a_laptop_and_its_menu_opens_by_keyboard(
    world, live_server, browser
):
    page = browser.new_page(locale="pt-BR", viewport={"width": 1366, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "carolina")
    page.fill("input[name=password]", "pw-carolina")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/n/red/people/")
    tops = page.eval_on_selector_all(
        "header.site .bar > *", "elements => elements.map(e => e.getBoundingClientRect().top)"
    )
    assert max(tops) - min(tops) < 20, tops
    # The account's links: Tab to the menu, Enter opens it, Log out is reachable.
    logout = page.locator("header.site details.account button[type=submit]")
    assert not logout.is_visible()
    page.focus("header.site details.account summary")
    page.keyboard.press("Enter")
    expect(logout).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()
