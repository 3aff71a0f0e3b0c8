"""The survey report in a real browser, in Spanish, Portuguese and English: every chart loads."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Response, expect

from minga.mapping import actions
from minga.mapping.tests.conftest import KOBO_HEADER, KOBO_ROWS, small_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "lang", "heading", "choice"),
    [
        ("es-ES", "es", "Poblaciones", "Mujeres"),
        ("pt-BR", "pt-br", "Populações", "Mulheres"),
        ("en-US", "en", "Populations", "Women"),
    ],
)
def test_report_shows_every_chart_in_the_viewers_language(
    world, live_server, browser, locale, lang, heading, choice
):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows([KOBO_HEADER, *KOBO_ROWS])
        path.write_text(buffer.getvalue(), encoding="utf-8")
        actions.import_responses(
            actor=world.coordinator,
            network=world.network,
            name="mapeo",
            form=small_form(),
            data=path,
        )
    context = browser.new_context(locale=locale, viewport={"width": 360, "height": 780})
    page = context.new_page()
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "mateo")
    page.fill("input[name=password]", "Long-pass-mateo-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/n/red/mapping/surveys/mapeo/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    # Each table is folded under its chart: opened, it shows the choices' labels.
    page.locator("#q-populations ~ details summary").click()
    assert page.get_by_role("cell", name=choice, exact=True).count() == 1
    charts = page.locator("img.chart")
    # two choice questions and the staff numbers' distribution (free text is listed)
    expect(charts).to_have_count(3)
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        expect(chart).not_to_have_js_property("naturalWidth", 0)
    svgs = [r for r in responses if r.url.endswith(".svg") or ".svg?" in r.url]
    assert len(svgs) == 3 and all(r.status == 200 for r in svgs)
    assert all(r.headers["content-type"] == "image/svg+xml" for r in svgs)
    # The crosstab picker draws stacked bars.
    page.select_option("#row", "country")
    page.select_option("#col", "populations")
    page.locator("form.inline").nth(1).locator("button").click()
    expect(page.locator("img.chart")).to_have_count(4)
    expect(page.locator("img.chart").first).not_to_have_js_property("naturalWidth", 0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
