"""The results page in a real browser, in each language, on a phone."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "language"), [("es-CO", "es"), ("pt-BR", "pt-br"), ("en-US", "en")]
)
def test_results_page_shows_chart_hash_seed_and_panel(
    world, make_draw, live_server, browser, locale, language
):
    draw = make_draw("drawn", seed="Asamblea 7")
    with translation.override(language):
        heading = gettext("Probabilities of selection")
        panel_heading = gettext("The panel")
    page = browser.new_page(locale=locale, viewport={"width": 390, "height": 844})
    url = f"/n/red/sortition/{draw.pk}/"
    page.goto(f"{live_server.url}/accounts/login/?next={url}")
    page.fill("input[name=username]", "mateo")
    page.fill("input[name=password]", "Long-pass-mateo-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}{url}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text("Renovación")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name=panel_heading)).to_be_visible()
    chart = page.locator("figure.chart img")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 0  # the SVG really loaded
    expect(page.locator("code.sha256")).to_have_text(draw.distribution_sha256)
    expect(page.locator("code.seed")).to_have_text("Asamblea 7")
    expect(page.locator("table.panel tbody tr")).to_have_count(3)
    expect(page.locator("code.verify-command")).to_contain_text("--seed 'Asamblea 7'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_an_uploaded_pools_preview_fits_a_phone_and_axe_finds_nothing_serious(
    world, live_server, browser
):
    # The demo's draws come from the directory, so the crawls never see this preview.
    from minga.core.tests.test_crawl_browser import AXE, SERIOUS, WIDTH
    from minga.sortition import actions
    from minga.sortition.tests.test_platform_privacy import FEATURES, PEOPLE

    draw = actions.create_draw(
        actor=world.coordinator,
        network=world.network,
        title="Panel vecinal",
        seats=2,
        group_by="street,zip",
        people_csv=PEOPLE,
        features_csv=FEATURES,
    )
    page = browser.new_page(locale="es-CO", viewport={"width": WIDTH, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "carolina")  # the coordinator
    page.fill("input[name=password]", "pw-carolina")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    for url in (f"/n/red/sortition/{draw.pk}/quotas/", f"/n/red/sortition/{draw.pk}/"):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("#pool-preview code").first).to_be_visible()
        expect(page.locator("#pool-preview .dropped")).to_contain_text("full_name")
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, url
        page.evaluate(AXE)
        assert page.evaluate(SERIOUS) == [], url
    page.close()
