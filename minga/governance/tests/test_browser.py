"""Governance in a real browser, in each language: the structure, then a position."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from minga.governance import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "language"), [("es-CO", "es"), ("pt-BR", "pt-br"), ("en-US", "en")]
)
def test_take_a_position_on_a_proposal(world, live_server, browser, locale, language):
    general = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )
    actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="circle",
        name="Territorios",
        parent=general,
    )
    proposal = actions.open_proposal(
        actor=world.coordinator,
        network=world.network,
        title="Plan anual",
        text="Adoptar el plan.",
        rule="consent",
    )
    with translation.override(language):
        governance = gettext("Governance model")
        record = gettext("Record my position")
        agree = gettext("Agree")
        recorded = gettext("Your position is recorded.")
    page = browser.new_page(locale=locale, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/?next=/n/red/governance/")
    page.fill("input[name=username]", "mateo")
    page.fill("input[name=password]", "Long-pass-mateo-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/n/red/governance/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_contain_text(governance)
    expect(page.locator("svg circle.node")).to_have_count(2)
    expect(page.locator("svg line.link.missing")).to_have_count(1)

    page.click(f"a[href='/n/red/governance/proposals/{proposal.pk}/']")
    page.get_by_label(agree, exact=True).check()
    page.get_by_role("button", name=record).click()
    expect(page.locator(".messages")).to_contain_text(recorded)
    assert proposal.positions.get().position == "agree"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
