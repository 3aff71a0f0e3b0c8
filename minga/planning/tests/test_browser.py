"""Planning in a real browser: two people on the SWOT board see each other's notes without
reloading, and the planning pages fit a 360 px phone in each language."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from minga.planning import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username: str, password: str, url: str, locale: str = "es-AR"):
    page = browser.new_page(locale=locale, viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/?next={url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")
    return page


def test_two_people_on_the_board_see_each_others_notes_within_seconds(
    world, live_server, browser
) -> None:
    url = "/n/red/planning/swot/"
    mateo = _login(browser, live_server, "mateo", "Long-pass-mateo-42", url)
    ana = _login(browser, live_server, "ana", "Long-pass-ana-42", url)
    mateo.fill("#note-strength", "Diversidad de organizaciones")
    mateo.locator("#add-strength button[type=submit]").click()
    ana.fill("#note-threat", "Recortes a la cooperación")
    ana.locator("#add-threat button[type=submit]").click()
    # Neither reloads: the board polls every 4 s and swaps in what changed.
    expect(mateo.locator("#quadrant-threat")).to_contain_text(
        "Recortes a la cooperación", timeout=10_000
    )
    expect(ana.locator("#quadrant-strength")).to_contain_text(
        "Diversidad de organizaciones", timeout=10_000
    )
    # A weight given on the board is counted and shown to the other.
    note = mateo.locator("#quadrant-threat li").first
    note.locator("select[name=weight]").select_option("5")
    note.locator("button[type=submit]").click()
    expect(ana.locator("#quadrant-threat")).to_contain_text("5", timeout=10_000)
    for page in (mateo, ana):
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.close()


@pytest.mark.parametrize(
    ("locale", "language"), [("es-AR", "es"), ("pt-BR", "pt-br"), ("en-GB", "en")]
)
def test_planning_pages_fit_a_phone_in_each_language(
    world, live_server, browser, locale, language
) -> None:
    network, coordinator = world.network, world.coordinator
    coordinator.language = language
    coordinator.save()
    actions.apply_basis_template(actor=coordinator, network=network)
    pillar = network.pillars.first()
    objective = actions.save_objective(
        actor=coordinator, network=network, pillar=pillar, title="Formar liderazgos"
    )
    actions.save_trend(
        actor=coordinator,
        network=network,
        category="political",
        trend="Elecciones en cinco países de la región durante el próximo año",
    )
    project = actions.save_project(
        actor=coordinator,
        network=network,
        objective=objective,
        title="Escuela de liderazgos democráticos",
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=300),
    )
    indicator = actions.save_indicator(
        actor=coordinator,
        project=project,
        name="Personas formadas",
        baseline=Decimal(0),
        target=Decimal(1500),
    )
    actions.record_measurement(
        actor=coordinator,
        indicator=indicator,
        measured_on=timezone.localdate(),
        value=Decimal("1234.5"),
    )
    with translation.override(language):
        heading = gettext("Programmatic projects")
    page = _login(browser, live_server, "carolina", "pw-carolina", "/n/red/planning/", locale)
    expect(page.locator("html")).to_have_attribute("lang", language)
    for path in ("", "pestel/", "swot/", "basis/", "objectives/", "projects/"):
        page.goto(f"{live_server.url}/n/red/planning/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    expect(page.locator("h1")).to_have_text(heading)
    page.goto(f"{live_server.url}{indicator.get_absolute_url()}")
    # 1234,5 in es and pt-BR, 1,234.5 in en: the reader's format.
    shown = "1,234.50" if language == "en" else "1.234,50"
    expect(page.locator("main")).to_contain_text(shown)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()
