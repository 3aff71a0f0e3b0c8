"""Reach and membership pages in a real browser, in each language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from minga.membership import actions
from minga.reach import actions as reach_actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "language"), [("es-AR", "es"), ("pt-BR", "pt-br"), ("en-GB", "en")]
)
def test_charter_directory_and_signing(world, live_server, browser, plans, locale, language):
    reach_actions.save_charter(
        actor=world.coordinator, network=world.network, purpose="Fortalecer la participación."
    )
    actions.publish_code(
        actor=world.coordinator, network=world.network, text="Respeto y no violencia."
    )
    with translation.override(language):
        charter_title = gettext("The network's charter")
        directory_title = gettext("Member directory")
        not_signed = gettext("Not signed")
        signed = gettext("Signed")
        sign_for = gettext("Sign for %(organization)s") % {"organization": "Fundación A"}
    page = browser.new_page(locale=locale, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/?next=/n/red/reach/")
    page.fill("input[name=username]", "mateo")
    page.fill("input[name=password]", "Long-pass-mateo-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/n/red/reach/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#charter h2")).to_have_text(charter_title)
    expect(page.locator("#charter")).to_contain_text("Fortalecer la participación.")

    page.goto(f"{live_server.url}/n/red/membership/directory/")
    expect(page.locator("h1")).to_have_text(directory_title)
    expect(page.locator("#member-rows tbody tr")).to_have_count(2)
    page.select_option("select[name=signed]", "no")
    expect(page.locator("#member-rows .state", has_text=not_signed)).to_have_count(2)

    page.goto(f"{live_server.url}/n/red/membership/ethics/")
    page.get_by_role("button", name=sign_for).click()
    page.goto(f"{live_server.url}/n/red/membership/directory/?signed=yes")
    expect(page.locator("#member-rows tbody tr")).to_have_count(1)
    expect(page.locator("#member-rows")).to_contain_text(signed)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_the_treasurers_dues_page_fits_a_phone_and_takes_a_payment_in_portuguese(
    live_server, browser
):
    """40 organizations' balances and invoices, each with its payment form, at 360 px."""
    from django.core.management import call_command

    from minga.core.models import User
    from minga.membership.models import LedgerEntry

    call_command("demo", verbosity=0)
    User.objects.filter(username="tesoreria").update(language="pt-br")
    page = browser.new_page(locale="pt-BR", viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/?next=/n/demo/membership/dues/?status=open")
    page.fill("input[name=username]", "tesoreria")
    page.fill("input[name=password]", "minga-demo")
    page.click("main button[type=submit]")
    page.wait_for_url("**/membership/dues/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    payments = LedgerEntry.objects.filter(kind="payment").count()
    form = page.locator("form[action*='/pay/']").first
    form.locator("input[name=amount]").fill("12,50")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert LedgerEntry.objects.filter(kind="payment").count() == payments + 1
    assert LedgerEntry.objects.filter(kind="payment").latest("pk").amount == -Decimal("12.50")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()
